"""The simulator kernelspec as nbgrader uses it: nbclient runs a whole notebook, and a cell that
never ends is stopped by its timeout (an `interrupt_request`, as `interrupt_mode: message` asks)
without losing the cells after it."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook


def test_nbclient_runs_a_notebook_on_the_simulator_and_stops_an_endless_cell(
    kernelspecs: Path, tmp_path: Path
) -> None:
    notebook = new_notebook(
        cells=[
            new_code_cell("from microbit import *\ndisplay.show(Image.HEART)\nscore = 6 * 7"),
            new_code_cell("while True:\n    pass"),
            new_code_cell("print('score :', score)\nscore"),
        ],
        metadata={"kernelspec": {"name": "tne-microbit-sim", "display_name": "", "language": ""}},
    )
    client = NotebookClient(
        notebook,
        kernel_name="tne-microbit-sim",
        timeout=5,
        interrupt_on_timeout=True,
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    first, endless, last = notebook.cells
    assert not [o for o in first.outputs if o.output_type == "error"]
    errors = [o for o in endless.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "KeyboardInterrupt"
    assert [o.text for o in last.outputs if o.output_type == "stream"] == ["score : 42\n"]
    results = [o for o in last.outputs if o.output_type == "execute_result"]
    assert results[0].data["text/plain"] == "42"
    nbformat.validate(notebook)


def test_the_grading_run_keeps_the_pupils_line_and_french_hint(
    kernelspecs: Path, tmp_path: Path, monkeypatch
) -> None:
    """The feedback a pupil gets from grading shows the same hint as their notebook."""
    monkeypatch.setenv("TNE_LANG", "fr")
    notebook = new_notebook(
        cells=[new_code_cell("from microbit import *\n\ndisplay.show(Image.HAPY)")],
        metadata={"kernelspec": {"name": "tne-microbit-sim", "display_name": "", "language": ""}},
    )
    NotebookClient(
        notebook,
        kernel_name="tne-microbit-sim",
        timeout=20,
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    (error,) = [o for o in notebook.cells[0].outputs if o.output_type == "error"]
    text = "\n".join(error.traceback).replace("\u00a0", " ")
    assert error.ename == "AttributeError"
    assert "Cellule, ligne 3" in text
    assert "Voulais-tu écrire « Image.HAPPY » ?" in text
