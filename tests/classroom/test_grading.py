"""`tne class grade`: the real nbgrader autograde, in parallel worker processes, on the grading
kernel and the sealed simulator. Hostile notebooks get a French line and no other pupil's mark
changes; nothing reaches the teacher's files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.classroom.collect import collect
from activities.classroom.course import Course, gradebook
from activities.classroom.distribute import add_activity
from activities.classroom.grading import GradingRun, grade
from activities.classroom.students import import_students
from kernels.microbit.install import GRADING_KERNEL_NAME
from tests.classroom.conftest import GOOD, WRONG, ent_zip, make_course, submission

#: Pupils named after what their notebook does.
PUPILS = {
    "juste": "def double(n):\n    return 2 * n",
    "faux": WRONG,
    "boucle": "def double(n):\n    return 2 * n\nwhile True:\n    pass",
    "bavard": "def double(n):\n    return 2 * n\nligne = 'x' * 1000\nfor i in range(100000):\n"
    "    print(ligne)",
    "memoire": "def double(n):\n    return 2 * n\ntas = []\nwhile True:\n"
    "    tas.append(bytearray(100000))",
    "fichiers": "def double(n):\n    return 2 * n\nopen(CANARY, 'w').write('pris')",
    "hote": "%%host\nopen(CANARY, 'w').write('pris')\ndef double(n):\n    return 2 * n",
    "shell": "!touch CANARY\ndef double(n):\n    return 2 * n",
    "saisie": "def double(n):\n    return int(input('n ? ')) * 0 + 2 * n",
    "dort": "from microbit import *\ndef double(n):\n    return 2 * n\nwhile True:\n    sleep(20)",
}


def delete_test_cell(notebook: dict) -> None:
    notebook["cells"] = [
        c
        for c in notebook["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade_id") != "test-zero"
    ]


def edit_test_cell(notebook: dict) -> None:
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "test-double":
            cell["source"] = "pass"


def python_kernel(notebook: dict) -> None:
    notebook["metadata"]["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }


def no_kernel(notebook: dict) -> None:
    notebook["metadata"].pop("kernelspec", None)


CHANGED = {
    "supprime": (GOOD, delete_test_cell),
    "modifie": (WRONG, edit_test_cell),
    "python": (GOOD + "\nimport os\nos.listdir('/')", python_kernel),
    "sansnoyau": (GOOD, no_kernel),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Course, GradingRun, Path]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TNE_ACTIVITIES_DIR", str(Path(__file__).parent / "activities"))
        patch.setenv("TNE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
        patch.setenv("TNE_LANG", "fr")
        root = tmp_path_factory.mktemp("grading")
        canary = root / "teacher-files" / "canary.txt"
        canary.parent.mkdir()
        course = make_course(root, cell_timeout=5, notebook_timeout=40)
        names = [*PUPILS, *CHANGED, "casse"]
        lists = root / "hostiles.csv"
        lists.write_text(
            "nom;prénom;classe\n" + "".join(f"{n};Test;4C\n" for n in names), encoding="utf-8"
        )
        import_students(course, lists)
        add_activity(course, "double")
        files = {}
        for name, code in PUPILS.items():
            code = code.replace("CANARY", repr(str(canary)) if "open" in code else str(canary))
            files[f"{name.upper()}_Test_double.ipynb"] = submission(course, code)
        for name, (code, change) in CHANGED.items():
            files[f"{name.upper()}_Test_double.ipynb"] = submission(course, code, change)
        result = collect(course, "double", [ent_zip(root / "ent.zip", files)])
        assert result.unmatched == []
        # A damaged notebook put in by hand (collect would have refused it).
        broken = course.folder("submitted", "test-casse", "double")
        broken.mkdir(parents=True)
        (broken / "double.ipynb").write_text("{pas du JSON", encoding="utf-8")
        # A course made before the run limit: grading writes the current grading kernel again.
        spec = course.kernels / "kernels" / GRADING_KERNEL_NAME / "kernel.json"
        older = json.loads(spec.read_text(encoding="utf-8"))
        del older["env"]["TNE_SIM_RUN_LIMIT"]
        spec.write_text(json.dumps(older), encoding="utf-8")
        run = grade(course, "double", workers=2)
        yield course, run, canary


def scores(run: GradingRun) -> dict[str, float | None]:
    return {r.student_id.removeprefix("test-"): r.score for r in run.results}


def problems(run: GradingRun, who: str) -> str:
    return " ".join(next(r for r in run.results if r.student_id == f"test-{who}").problems)


def test_each_submission_gets_its_own_mark_whatever_the_others_do(graded) -> None:
    _course, run, _canary = graded
    assert scores(run) == {
        "juste": 3.0,
        "faux": 1.0,
        "boucle": 3.0,  # the endless loop is stopped; the function was defined before it
        "bavard": 0.0,  # past 1 MB of output the engine restarts the board: variables lost
        "memoire": 3.0,
        "fichiers": 3.0,  # the teacher's file cannot be opened: an error, not a way out
        "hote": 0.0,
        "shell": 0.0,
        "saisie": 0.0,
        "dort": 3.0,  # stopped by the run limit, the function defined before it
        "supprime": 2.0,  # a deleted test cell loses its points
        "modifie": 1.0,  # the original test cell was put back
        "python": 3.0,  # graded on the grading kernel whatever the notebook says
        "sansnoyau": 3.0,
        "casse": None,
    }
    assert run.workers == 2


def test_an_endless_loop_that_sleeps_is_stopped_by_the_run_limit_and_told_in_french(
    graded,
) -> None:
    """The pupil's `while True:` cell (most programs) ends after 60 simulated seconds, not at
    the cell's wall-time limit, and the graded notebook says why, in the pupil's words."""
    course, run, _canary = graded
    notebook = course.folder("autograded", "test-dort", "double") / "double.ipynb"
    outputs = json.dumps(
        json.loads(notebook.read_text(encoding="utf-8"))["cells"], ensure_ascii=False
    )

    assert "Ton programme tournait encore après 60" in outputs
    assert "Limite de temps" not in outputs
    assert problems(run, "dort") == ""


def test_nothing_reaches_the_teachers_files(graded) -> None:
    _course, _run, canary = graded
    assert not canary.exists()
    assert list(canary.parent.iterdir()) == []


def test_hostile_notebooks_get_a_clear_french_line(graded) -> None:
    course, run, _canary = graded
    assert "limite de temps" in problems(run, "boucle")
    assert "JSON non valide" in problems(run, "casse")
    assert "supprimées (test-zero)" in problems(run, "supprime")
    assert "modifiées (test-double)" in problems(run, "modifie")
    assert problems(run, "juste") == ""
    bavard = course.folder("autograded", "test-bavard", "double", "double.ipynb")
    assert "a affiché plus de 1" in bavard.read_text(encoding="utf-8")
    autograded = course.folder("autograded", "test-hote", "double", "double.ipynb")
    text = autograded.read_text(encoding="utf-8")
    assert "Pendant la correction, les cellules %%host ne s'exécutent pas" in text
    shell = course.folder("autograded", "test-shell", "double", "double.ipynb")
    assert "commandes système" in shell.read_text(encoding="utf-8")
    saisie = course.folder("autograded", "test-saisie", "double", "double.ipynb")
    assert "input() ne fonctionne pas pendant la correction" in saisie.read_text(encoding="utf-8")


def test_printing_100_mb_leaves_a_small_graded_notebook(graded) -> None:
    course, _run, _canary = graded
    path = course.folder("autograded", "test-bavard", "double", "double.ipynb")
    assert path.stat().st_size < 2_000_000


def test_the_gradebook_holds_every_mark(graded) -> None:
    course, run, _canary = graded
    with gradebook(course) as book:
        recorded = {s.student.id: s.score for s in book.find_assignment("double").submissions}
    for result in run.results:
        if result.score is not None:
            assert recorded[result.student_id] == result.score


def test_a_hostile_notebook_then_a_clean_one_on_the_same_worker(tmp_path: Path) -> None:
    """One worker grades the hostile notebook first (sorted ids), then the clean one, which
    still gets its full mark; and the run records one usage event with counts only."""
    from sqlalchemy import select

    from activities.registry.models import UsageEvent
    from activities.registry.service import Registry

    registry = Registry.open(f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    registry.init()
    registry.add_school("0180005H", "Collège Jean Zay", "Bourges", 1)
    project = registry.create_project("0180005H", "Robots", "4e").id
    registry.link_machine(project)
    course = make_course(tmp_path, cell_timeout=5, notebook_timeout=30)
    add_activity(course, "double")
    hostile = "%save main.py\nwhile True:\n    pass\n"  # a program the board would run at start

    def extra_cells(notebook: dict) -> None:
        for source in (
            "tas = []\nwhile True:\n    tas.append(bytearray(100000))",
            "while True:\n    pass",
            "import microbit\ndouble = lambda n: 0",
        ):
            notebook["cells"].insert(
                2,
                {
                    "cell_type": "code",
                    "source": source,
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                },
            )

    files = {
        "DUPONT_Léa_4A_double.ipynb": submission(course, hostile, extra_cells),
        "N'GUYEN_Thị Minh_double.ipynb": submission(course, GOOD),
    }
    collect(course, "double", [ent_zip(tmp_path / "ent.zip", files)])
    run = grade(course, "double", workers=1)
    assert [(r.student_id, r.score) for r in run.results] == [
        ("lea-dupont-4a", 1.0),  # its own `double = lambda n: 0` passes test-zero
        ("thi-minh-n-guyen", 3.0),
    ]
    first = course.folder("autograded", "lea-dupont-4a", "double", "double.ipynb")
    second = course.folder("autograded", "thi-minh-n-guyen", "double", "double.ipynb")
    assert first.stat().st_mtime < second.stat().st_mtime, "the hostile one was graded first"
    with registry.reading() as session:
        events = [
            (e.kind, e.activity, e.cells, e.errors) for e in session.scalars(select(UsageEvent))
        ]
    registry.close()
    assert events == [("grading_run", "double", 2, 0)]


def test_grading_before_collecting_is_told_in_french(tmp_path: Path) -> None:
    from activities.classroom.errors import ClassroomError

    course = make_course(tmp_path)
    with pytest.raises(ClassroomError, match="tne class add double"):
        grade(course, "double")
    shutil.rmtree(course.folder("submitted"))
