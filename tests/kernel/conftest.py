"""Fixtures: real micro:bit kernel processes, on the simulator and on the QEMU micro:bit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import qemu
from tests.helpers.kernel import KernelSession, install_specs


@pytest.fixture(scope="module")
def kernelspecs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Both kernelspecs, found through JUPYTER_PATH while a module of kernel tests runs (and
    only then: other tests see the machine's own Jupyter set-up)."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", install_specs(prefix))
        yield prefix


def kernel_env(device: str | None) -> dict[str, str]:
    env = qemu.environment_without_board()
    env.pop("TNE_EXTRA_DEVICES", None)
    env["TNE_LANG"] = "fr"
    if device is not None:
        env["TNE_DEVICE"] = device
    return env


@pytest.fixture
def start_kernel(kernelspecs: Path, tmp_path: Path) -> Iterator[Callable[..., KernelSession]]:
    """Start kernels (closed at the end of the test): `start_kernel(device, name=...)`."""
    sessions: list[KernelSession] = []

    def start(device: str | None, name: str = "tne-microbit") -> KernelSession:
        session = KernelSession(name, kernel_env(device), tmp_path)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


@pytest.fixture(scope="module")
def sim_kernel(kernelspecs: Path, tmp_path_factory: pytest.TempPathFactory):
    """One kernel on the simulator shared by a module's read-mostly tests."""
    session = KernelSession(
        "tne-microbit-sim", kernel_env(None), tmp_path_factory.mktemp("sim-kernel")
    )
    yield session
    session.close()


@pytest.fixture
def qemu_kernel(qemu_microbit: qemu.QemuMicrobit, start_kernel) -> KernelSession:
    """A kernel whose board is a fresh QEMU micro:bit, found through TNE_DEVICE."""
    return start_kernel(qemu_microbit.address)
