"""`GradingExecute`: nbgrader's Execute on the grading kernel whatever the notebook declares,
with a time limit per cell and one for the whole notebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from activities.classroom.nbgrader_parts import GradingExecute
from kernels.microbit.install import write_grading_spec


def test_cells_past_the_notebook_limit_fail_in_french_without_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_grading_spec(tmp_path / "spec" / "kernels")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "spec"))
    monkeypatch.setenv("TNE_LANG", "fr")
    notebook = new_notebook(
        cells=[
            new_code_cell("while True:\n    pass"),
            new_code_cell("while True:\n    pass"),
            new_code_cell("print('jamais')"),
        ],
        # A kernel this machine does not have: the grading kernel runs the notebook anyway.
        metadata={"kernelspec": {"name": "absent", "display_name": "?", "language": "python"}},
    )
    execute = GradingExecute(timeout=3, notebook_timeout=5)
    execute.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    first, second, third = notebook.cells
    assert any(o.output_type == "error" for o in first.outputs)
    assert any(o.output_type == "error" for o in second.outputs)
    assert [o.ename for o in third.outputs] == ["NotebookTimeoutError"]
    assert "Limite de temps : le carnet a tourné plus de 5 s" in third.outputs[0].evalue.replace(
        "\u00a0", " "
    )
