"""`tne class students import`: class lists from the ENT or Pronote."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activities.classroom.course import Course, gradebook
from activities.classroom.errors import ClassroomError
from activities.classroom.students import assign_ids, fold, import_students, load


def ids(course: Course) -> dict[tuple[str, str, str], str]:
    return {(s.last_name, s.first_name, s.group): s.id for s in load(course)}


def test_ids_are_folded_slugs_and_homonyms_are_told_apart_by_class(course: Course) -> None:
    assert ids(course) == {
        ("Dupont", "Léa", "4A"): "lea-dupont-4a",
        ("Dupont", "Léa", "4B"): "lea-dupont-4b",
        ("Martin", "Éloïse", "4A"): "eloise-martin",
        ("N'Guyen", "Thị Minh", "4A"): "thi-minh-n-guyen",
    }
    with gradebook(course) as book:
        student = book.find_student("eloise-martin")
        assert (student.first_name, student.last_name, student.email) == ("Éloïse", "Martin", None)


def test_windows_1252_list_from_pronote_is_read(tmp_path: Path, course: Course) -> None:
    path = tmp_path / "pronote.csv"
    path.write_bytes("NOM;Prénom;Classe\r\nLEFÈVRE;Chloé;3C\r\n".encode("cp1252"))
    result = import_students(course, path)
    assert [(s.id, s.last_name, s.first_name) for s in result.added] == [
        ("chloe-lefevre", "LEFÈVRE", "Chloé")
    ]


def test_importing_again_keeps_every_id_and_a_new_homonym_gets_a_new_one(
    tmp_path: Path, course: Course
) -> None:
    before = ids(course)
    path = tmp_path / "janvier.csv"
    path.write_text("nom;prénom;classe\nMartin;Éloïse;4A\nMartin;Eloise;4C\n", encoding="utf-8")
    result = import_students(course, path)
    assert [s.id for s in result.kept] == ["eloise-martin"]
    assert [s.id for s in result.added] == ["eloise-martin-4c"]
    assert {k: v for k, v in ids(course).items() if k in before} == before


def test_a_class_list_with_a_missing_column_imports_nothing(tmp_path: Path, course: Course) -> None:
    path = tmp_path / "sans-classe.csv"
    path.write_text("nom;prénom\nDurand;Paul\n", encoding="utf-8")
    with pytest.raises(ClassroomError, match="n'a pas de colonne classe"):
        import_students(course, path)
    assert "Durand" not in {s.last_name for s in load(course)}


def test_rows_without_a_name_are_reported_and_the_others_imported(
    tmp_path: Path, course: Course
) -> None:
    path = tmp_path / "trous.csv"
    path.write_text("nom;prénom;classe\n;Paul;4A\nDurand;Jeanne;4A\n", encoding="utf-8")
    result = import_students(course, path)
    assert [s.id for s in result.added] == ["jeanne-durand"]
    assert len(result.problems) == 1 and "Ligne 2" in result.problems[0]


def test_an_empty_or_missing_list_is_refused_in_french(tmp_path: Path, course: Course) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ClassroomError, match="vide"):
        import_students(course, empty)
    with pytest.raises(ClassroomError, match="n'existe pas"):
        import_students(course, tmp_path / "absent.csv")


names = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "Zs", "Pd"]), min_size=1)


@given(st.lists(st.tuples(names, names, st.sampled_from(["4A", "4B", ""])), max_size=12))
def test_ids_are_unique_ascii_slugs_whatever_the_names(rows) -> None:
    rows = [r for r in rows if fold(r[0] + " " + r[1])]
    added, _kept = assign_ids([], rows)
    found = [s.id for s in added]
    assert len(found) == len(set(found)) == len(set(rows))
    assert all(i.isascii() and i == i.lower() and " " not in i for i in found)
