"""Grading kernels forked from the worker's warm template (`kernels/microbit/forked.py`).

Each test starts real grading kernels through the forking kernel manager, as nbgrader does in a
`tne class grade` worker, and checks what a launched kernel guarantees still holds: a new
process (and a new simulated board) per kernel, the Stop button and the kill reach it, and
where `fork` does not exist (Windows) the kernel is launched as before."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernels.microbit import forked
from kernels.microbit.forked import BlockingForkingKernelManager, ForkedProcess
from kernels.microbit.install import GRADING_KERNEL_NAME, write_grading_spec
from tests.helpers.kernel import KernelSession
from tests.kernel.conftest import kernel_env

pytestmark = pytest.mark.skipif(not forked.fork_available(), reason="no fork on this system")


@pytest.fixture
def grading_sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Start forked grading kernels with `start()`; all closed, and the template ended, after."""
    write_grading_spec(tmp_path / "spec" / "kernels")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "spec"))
    sessions: list[KernelSession] = []

    def start() -> KernelSession:
        session = KernelSession(
            GRADING_KERNEL_NAME, kernel_env(None), tmp_path, BlockingForkingKernelManager
        )
        sessions.append(session)
        return session

    yield [start]
    for session in sessions:
        session.close()
    forked.close_fork_server()


def kernel_process(session: KernelSession) -> ForkedProcess | subprocess.Popen:
    return session.manager.provisioner.process  # type: ignore[union-attr]


def test_each_forked_kernel_is_a_new_process_with_a_new_board(grading_sessions) -> None:
    start = grading_sessions[0]
    first = start()
    first_process = kernel_process(first)
    assert isinstance(first_process, ForkedProcess)
    run = first.run("secret = 41\nprint(secret + 1)")
    assert run.status == "ok", run.traceback
    assert run.stream() == "42\n"
    first.close()
    assert first_process.poll() is not None  # the first kernel has ended
    second = start()
    assert isinstance(kernel_process(second), ForkedProcess)
    assert kernel_process(second).pid != first_process.pid
    run = second.run("print(secret)")
    assert run.status == "error"
    assert "NameError" in run.traceback


def test_a_forked_kernel_is_its_own_process_group_leader(grading_sessions) -> None:
    session = grading_sessions[0]()
    process = kernel_process(session)
    assert isinstance(process, ForkedProcess)
    assert os.getpgid(process.pid) == process.pid
    assert process.pid != os.getpid()


def test_the_stop_button_ends_an_endless_cell_of_a_forked_kernel(grading_sessions) -> None:
    session = grading_sessions[0]()
    msg_id = session.send("while True:\n    pass")
    time.sleep(1.0)
    session.stop()
    run = session.collect(msg_id, timeout=30)
    assert run.status == "error"
    assert "KeyboardInterrupt" in run.traceback
    after = session.run("print('encore là')")
    assert after.stream() == "encore là\n"


def test_killing_a_forked_kernel_ends_it(grading_sessions) -> None:
    session = grading_sessions[0]()
    process = kernel_process(session)
    msg_id = session.send("while True:\n    pass")
    del msg_id
    session.client.stop_channels()
    session.manager.shutdown_kernel(now=True)  # what nbclient does to a kernel that hangs
    assert process.wait(timeout=10) is not None
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)


def test_without_fork_the_kernel_is_launched_as_before(
    grading_sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forked, "fork_available", lambda: False)
    session = grading_sessions[0]()
    assert isinstance(kernel_process(session), subprocess.Popen)
    run = session.run("print(6 * 7)")
    assert run.stream() == "42\n"


def test_fork_is_not_available_where_os_has_no_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    assert not forked.fork_available()


def test_another_kernel_command_is_never_forked() -> None:
    from kernels.microbit.forked import kernel_arguments

    assert kernel_arguments(["python", "-m", "kernels.microbit", "-f", "c.json"]) == [
        "-f",
        "c.json",
    ]
    assert kernel_arguments(["python", "-m", "ipykernel_launcher", "-f", "c.json"]) is None
    assert kernel_arguments(["python", "-c", "import os; os.system('x')"]) is None


def test_grading_forks_kernels_unless_the_course_turns_it_off() -> None:
    from jupyter_client.manager import AsyncKernelManager
    from traitlets.config import Config

    from activities.classroom.nbgrader_parts import GradingExecute
    from kernels.microbit.forked import ForkingKernelManager

    assert GradingExecute().kernel_manager_class is ForkingKernelManager
    off = Config()
    off.GradingExecute.fork_kernels = False
    assert GradingExecute(config=off).kernel_manager_class is AsyncKernelManager
