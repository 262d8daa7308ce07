"""An activity with an answer graded by hand (a markdown cell with points): `tne class grade`
gives the autograded points and tells the teacher which marks wait for formgrader."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from activities.classroom.collect import collect
from activities.classroom.distribute import add_activity
from activities.classroom.grading import grade
from activities.classroom.students import import_students
from tests.classroom.conftest import GOOD, ent_zip, make_course

ACTIVITY = "double-explique"


def handed_in(released: dict, code: str, explanation: str | None) -> bytes:
    notebook = copy.deepcopy(released)
    for cell in notebook["cells"]:
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("grade_id") == "double":
            cell["source"] = code
        if grading.get("grade_id") == "explication" and explanation is not None:
            cell["source"] = explanation
    return json.dumps(notebook, ensure_ascii=False).encode("utf-8")


def test_an_answer_graded_by_hand_waits_for_formgrader_and_is_said_in_french(
    tmp_path: Path,
) -> None:
    course = make_course(tmp_path / "cours", cell_timeout=5, notebook_timeout=40)
    lists = tmp_path / "eleves.csv"
    lists.write_text("nom;prénom;classe\nRedige;Test;4C\nMuet;Test;4C\n", encoding="utf-8")
    import_students(course, lists)
    add_activity(course, ACTIVITY)
    released = json.loads(
        course.folder("release", ACTIVITY, f"{ACTIVITY}.ipynb").read_text(encoding="utf-8")
    )
    [answer] = [c for c in released["cells"] if c["cell_type"] == "markdown"
                and c["metadata"].get("nbgrader", {}).get("grade_id") == "explication"]  # fmt: skip
    assert "".join(answer["source"]) == "ÉCRIS TA RÉPONSE ICI"
    files = {
        f"REDIGE_Test_{ACTIVITY}.ipynb": handed_in(released, GOOD, "On ajoute n à n."),
        f"MUET_Test_{ACTIVITY}.ipynb": handed_in(released, GOOD, None),
    }
    collect(course, ACTIVITY, [ent_zip(tmp_path / "ent.zip", files)])
    run = grade(course, ACTIVITY, workers=1)
    results = {r.student_id.removeprefix("test-"): r for r in run.results}
    assert {who: (r.score, r.max_score) for who, r in results.items()} == {
        "redige": (3.0, 5.0),
        "muet": (3.0, 5.0),
    }
    said = "notées à la main (tne class grade --manual, ou formgrader)"
    assert any(said in problem for problem in results["redige"].problems)
    assert not any(said in problem for problem in results["muet"].problems)  # 0 is final
