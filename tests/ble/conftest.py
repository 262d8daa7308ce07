"""Fixtures for the Bluetooth LE tests: emulated peripherals (bumble) with the QEMU micro:bit
behind them, reached through bleak's public API and the bumble-backed backend.

Without bumble or QEMU these tests skip on a developer's machine and fail with `CI=true`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import require_qemu, skip_or_fail
from tests.helpers import ble_rig


def require_ble_rig(with_qemu: bool = True) -> None:
    if not ble_rig.available():
        skip_or_fail("needs the Python package bumble (pip install -e '.[test]')")
    if with_qemu:
        require_qemu()


def start_rig(monkeypatch: pytest.MonkeyPatch | None, *arguments: str) -> ble_rig.BleRig:
    rig = ble_rig.BleRig(*arguments).start()
    if monkeypatch is not None:
        for name, value in rig.env.items():
            monkeypatch.setenv(name, value)
    return rig


@pytest.fixture(scope="module", params=[23, 247], ids=["mtu23", "mtu247"])
def rig(request: pytest.FixtureRequest) -> Iterator[ble_rig.BleRig]:
    """One MicroPython-convention peripheral (`mpy-uart`) at MTU 23, then at MTU 247."""
    require_ble_rig()
    with ble_rig.BleRig("--mtu", str(request.param)) as started:
        yield started


@pytest.fixture
def ble_env(rig: ble_rig.BleRig, monkeypatch: pytest.MonkeyPatch) -> ble_rig.BleRig:
    """The rig, with this process's bleak pointed at it."""
    for name, value in rig.env.items():
        monkeypatch.setenv(name, value)
    return rig
