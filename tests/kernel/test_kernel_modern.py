"""The micro:bit kernel on a real modern MicroPython (the unix port behind a pty, see
tests/helpers/unix_micropython.py), found through TNE_DEVICE: cells go by raw-paste there."""

from __future__ import annotations

import time

import pytest

from tests.helpers.kernel import KernelSession
from tests.helpers.unix_micropython import UnixMicropython


@pytest.fixture
def modern_kernel(modern: UnixMicropython, start_kernel) -> KernelSession:
    return start_kernel(modern.address)


def test_cells_run_and_stop_ends_a_while_true_loop_and_the_kernel_goes_on(
    modern_kernel: KernelSession,
) -> None:
    assert modern_kernel.run("print('bonjour')\n6 * 7").result == "42"
    msg_id = modern_kernel.send("n = 0\nwhile True:\n    n += 1")
    time.sleep(1)

    modern_kernel.stop()
    run = modern_kernel.collect(msg_id, timeout=20)

    assert run.reply["ename"] == "KeyboardInterrupt"
    assert "arrêté avant sa fin\u00a0: par le bouton ■ ou Ctrl-C" in run.traceback
    assert "arrêtée de force" not in run.traceback  # Ctrl-C itself stopped it
    assert modern_kernel.run("n > 0").result == "True"
