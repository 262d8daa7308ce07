"""The grading kernel (`tne-microbit-grading`): the same kernel with no way to the host.

Each test starts the real kernel process from the kernelspec that `tne class init` writes into
a course folder, found only through `JUPYTER_PATH` (it is never offered in the launcher)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernels.microbit.install import GRADING_KERNEL_NAME, write_grading_spec
from tests.helpers.kernel import KernelSession
from tests.kernel.conftest import kernel_env


@pytest.fixture(scope="module")
def grading_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelSession]:
    root = tmp_path_factory.mktemp("grading-spec")
    write_grading_spec(root / "kernels")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root))
        # Even a real board named by the teacher's environment is not used for grading.
        session = KernelSession(
            GRADING_KERNEL_NAME, kernel_env("serial:/dev/ttyACM0"), tmp_path_factory.mktemp("cwd")
        )
    yield session
    session.close()


def test_grading_kernel_runs_board_code_on_the_simulator(grading_kernel: KernelSession) -> None:
    run = grading_kernel.run("from microbit import *\ndisplay.show(Image.HEART)\nprint(6 * 7)")
    assert run.status == "ok", run.traceback
    assert run.stream() == "42\n"


def test_an_endless_loop_is_stopped_after_the_run_limit_and_the_next_cell_goes_on(
    grading_kernel: KernelSession,
) -> None:
    """Most pupils' programs are `while True:` loops: on the grading kernel a cell's run stops
    after 60 simulated seconds (a fraction of a second at full speed) with the ■ button's
    interrupt and says why in French, instead of burning the cell's wall-time limit; the REPL
    keeps its variables for the cells after it."""
    started = time.monotonic()
    run = grading_kernel.run(
        "from microbit import *\ntours = 0\nwhile True:\n    tours += 1\n"
        "    display.show(Image.YES if tours % 2 else Image.NO)\n    sleep(20)\n",
        timeout=8,
    )
    after = grading_kernel.run("print(tours, running_time() // 1000)")

    assert time.monotonic() - started < 8  # (the cell's limit: the cell was not timed out)
    assert run.status == "error" and run.reply["ename"] == "KeyboardInterrupt"
    assert "Ton programme tournait encore après 60\u00a0s de temps simulé" in run.stream()
    assert "une boucle sans fin n'est pas attendue plus longtemps" in run.stream()
    turns, seconds = after.stream().split()
    assert int(turns) > 2000 and seconds == "60"


@pytest.mark.parametrize(
    "cell, word",
    [
        ("%%host\nimport os\nos.listdir('/')", "%%host"),
        ("%put /etc/passwd passwd", "%put"),
        ("%get main.py /tmp/x.py", "%get"),
        ("%flash", "%flash"),
        ("%connect serial:/dev/ttyACM0", "%connect"),
        ("%devices", "%devices"),
        ("%sim --world /etc/passwd", "%sim"),
        ("!ls /", "!"),
        ("x = 1\n!cat /etc/passwd", "!"),
        ("%%bash\nls", "%bash"),
    ],
)
def test_grading_kernel_refuses_every_way_to_the_host_in_french(
    grading_kernel: KernelSession, cell: str, word: str
) -> None:
    run = grading_kernel.run(cell)
    assert run.status == "error"
    assert run.error["ename"] == "GradingRefused"
    assert "correction" in run.traceback
    assert word in run.traceback


def test_grading_kernel_makes_input_fail_at_once_in_french(grading_kernel: KernelSession) -> None:
    started = time.monotonic()
    run = grading_kernel.run("name = input('Ton nom ? ')\nprint(name)", timeout=10)
    assert run.status == "error"
    assert "input()" in run.traceback and "correction" in run.traceback
    assert time.monotonic() - started < 5
    # In a function too (the name is looked up among the board's globals and builtins).
    run = grading_kernel.run("def ask():\n    return input()\nask()", timeout=10)
    assert run.status == "error" and "input()" in run.traceback


def test_grading_kernel_keeps_board_only_magics(grading_kernel: KernelSession) -> None:
    assert grading_kernel.run("%ls").status == "ok"
    run = grading_kernel.run("%save data.txt\nbonjour")
    assert run.status == "ok", run.traceback
    assert "data.txt" in grading_kernel.run("%ls").stream()


def test_grading_kernelspec_is_not_in_jupyters_own_folders(tmp_path: Path) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    assert GRADING_KERNEL_NAME not in KernelSpecManager().find_kernel_specs()
