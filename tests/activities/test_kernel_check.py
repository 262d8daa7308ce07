"""`%%check` cells in the real kernel (nbclient, the simulator kernelspec): a check grades the
last board program on a fresh simulated board, and a pupil's own `%%check` cell cannot reach the
host: it is refused in French and nothing happens on this computer."""

from __future__ import annotations

from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook


def run_notebook(sources: list[str], folder: Path) -> list:
    notebook = new_notebook(
        cells=[new_code_cell(source) for source in sources],
        metadata={"kernelspec": {"name": "tne-microbit", "display_name": "", "language": ""}},
    )
    NotebookClient(
        notebook,
        kernel_name="tne-microbit-sim",
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return notebook.cells


def errors(cell) -> list:
    return [output for output in cell.outputs if output.output_type == "error"]


def test_a_check_grades_the_last_program_and_a_hostile_check_never_reaches_the_host(
    kernelspecs: Path, tmp_path: Path
) -> None:
    witness = tmp_path / "atteint"
    cells = run_notebook(
        [
            "%%check\nexpect_shown(Image.HEART)",
            "from microbit import *\ndisplay.show(Image.HEART)\nsleep(500)\ndisplay.scroll('Hi')",
            "%lsmagic",  # magics alone leave the program to check unchanged
            "%%check\nexpect_shown(Image.HEART, between=(0, 500))\nexpect_scrolled('Hi')",
            "%%check\nexpect_shown(Image.HAPPY, between=(0, 500))",
            f"%%check\n__import__('os').system('touch {witness}')",
            "%%check\nx = expect.__globals__",
            f"%%check\nx = open('{witness}', 'w')",
            "%%check\nimport os",
            "%%check\nexpect_shown(Image.HEART)",  # the kernel still grades after refusals
        ],
        tmp_path,
    )
    first, _program, _magic, passing, failing, *hostile, after = cells
    assert errors(first)[0].evalue.startswith("Aucun programme n'a encore tourné sur la carte")
    assert not errors(passing)
    assert [o.text for o in passing.outputs if o.output_type == "stream"] == ["Test réussi.\n"]
    failed = errors(failing)[0]
    assert failed.ename == "AssertionError"
    assert failed.evalue.startswith("Les LED devaient montrer cette image entre 0 et 0,5\u00a0s")
    for cell in hostile:
        refused = errors(cell)[0]
        assert refused.ename == "CheckRefused", cell.source
        assert "n'est pas permis dans une cellule %%check" in refused.evalue
    assert not witness.exists()
    assert not errors(after)
