"""`tne class collect`: what comes back through the ENT, matched to pupils, hostile zips
refused entry by entry, the newest submission kept."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

from activities.classroom.collect import collect
from activities.classroom.course import Course
from activities.classroom.errors import ClassroomError
from tests.classroom.conftest import GOOD, WRONG, ent_zip, submission


@pytest.fixture
def course(course_with_activity: Course) -> Course:
    """The shared course, with nothing collected yet."""
    import shutil

    submitted = course_with_activity.folder("submitted")
    shutil.rmtree(submitted)
    submitted.mkdir()
    return course_with_activity


def submitted(course: Course) -> dict[str, str]:
    """Pupil id -> the solution cell's code, of what was collected."""
    found = {}
    for path in course.folder("submitted").glob("*/double/double.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        solution = [c for c in notebook["cells"] if c["metadata"]["nbgrader"].get("solution")]
        found[path.parent.parent.name] = "".join(solution[0]["source"])
    return found


def test_ent_names_duplicates_folders_and_nested_zips_are_matched(
    tmp_path: Path, course: Course
) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("N'GUYEN_Thị Minh_double.ipynb", submission(course, GOOD))
    zip_path = ent_zip(
        tmp_path / "ent.zip",
        {
            "MARTIN_Éloïse_double.ipynb": submission(course, WRONG),
            "MARTIN_Éloïse_double (1).ipynb": submission(course, GOOD),
            "DUPONT Léa 4B/double.ipynb": submission(course, GOOD),
            "groupe-4A.zip": inner.getvalue(),
        },
        dates={"MARTIN_Éloïse_double.ipynb": (2026, 11, 30, 9, 0, 0)},
    )
    result = collect(course, "double", [zip_path])
    assert sorted(result.collected) == ["eloise-martin", "lea-dupont-4b", "thi-minh-n-guyen"]
    assert submitted(course)["eloise-martin"] == GOOD, "the newest submission wins"
    assert result.superseded == ["ent.zip › MARTIN_Éloïse_double.ipynb"]
    assert result.unmatched == []
    timestamp = course.folder("submitted", "eloise-martin", "double", "timestamp.txt")
    assert timestamp.read_text(encoding="utf-8").startswith("2026-11-30 10:00:00")


def test_the_newest_wins_across_two_zips_downloaded_at_different_times(
    tmp_path: Path, course: Course
) -> None:
    name = "MARTIN_Éloïse_double.ipynb"
    first = ent_zip(
        tmp_path / "lundi.zip", {name: submission(course, GOOD)}, {name: (2026, 11, 30, 18, 0, 0)}
    )
    second = ent_zip(
        tmp_path / "mardi.zip", {name: submission(course, WRONG)}, {name: (2026, 12, 1, 8, 0, 0)}
    )
    collect(course, "double", [second, first])
    assert submitted(course)["eloise-martin"] == WRONG
    # Collected again later, in two runs, oldest last: the newest still wins.
    result = collect(course, "double", [first])
    assert submitted(course)["eloise-martin"] == WRONG
    assert result.superseded == ["lundi.zip › MARTIN_Éloïse_double.ipynb"]


def test_every_bad_entry_is_listed_with_its_reason_and_the_good_ones_collected(
    tmp_path: Path, course: Course
) -> None:
    other = json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "source": "",
                    "metadata": {"nbgrader": {"grade_id": "autre-activite", "grade": True}},
                    "outputs": [],
                }
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    ).encode()
    zip_path = ent_zip(
        tmp_path / "ent.zip",
        {
            "MARTIN_Éloïse_double.ipynb": submission(course, GOOD),
            "../../x.ipynb": submission(course, GOOD),
            "/etc/DUPONT_Léa_4A.ipynb": submission(course, GOOD),
            "DUPONT_Léa_4A_double.ipynb": b"{ceci n'est pas du JSON",
            "DUPONT_Léa_4B_double.ipynb": other,
            "DURAND_Paul_double.ipynb": submission(course, GOOD),
            "DUPONT_Léa_double.ipynb": submission(course, GOOD),
            "photo.png": b"\x89PNG",
        },
    )
    result = collect(course, "double", [zip_path])
    assert list(result.collected) == ["eloise-martin"]
    reasons = {where.split(" › ")[1]: why for where, why in result.unmatched}
    assert reasons == {
        "../../x.ipynb": "son chemin sort du zip (../ ou chemin absolu)\u00a0: refusé",
        "/etc/DUPONT_Léa_4A.ipynb": "son chemin sort du zip (../ ou chemin absolu)\u00a0: refusé",
        "DUPONT_Léa_4A_double.ipynb": "ce n'est pas un carnet valide (JSON abîmé)",
        "DUPONT_Léa_4B_double.ipynb": "le carnet d'une autre activité, pas de double",
        "DURAND_Paul_double.ipynb": "aucun élève de la liste de classe ne porte ce nom",
        "DUPONT_Léa_double.ipynb": "plusieurs élèves correspondent (lea-dupont-4a, "
        "lea-dupont-4b)\u00a0: ajoutez la classe au nom du fichier",
        "photo.png": "ni un carnet ni un zip",
    }
    assert not (tmp_path / "x.ipynb").exists() and not (tmp_path.parent / "x.ipynb").exists()


def with_raw_name(data: bytes, utf8_name: bytes, raw_name: bytes) -> bytes:
    """The zip with one entry's name bytes replaced (same length) and the UTF-8 flag cleared:
    what an old Windows zip tool writes in its own code page."""
    assert len(utf8_name) == len(raw_name)
    data = data.replace(utf8_name, raw_name)
    out = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            flags = struct.unpack_from("<H", out, start + flag_offset)[0]
            struct.pack_into("<H", out, start + flag_offset, flags & ~0x800)
            start += 4
    return bytes(out)


def test_a_name_that_is_not_utf8_is_refused_and_nothing_else_is_lost(
    tmp_path: Path, course: Course
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("MARTIN_Éloïse_double.ipynb", submission(course, GOOD))
        archive.writestr("LEFÈVRE_Zoé_double.ipynb", submission(course, GOOD))
    # "È" and "é" in Windows-1252 (one byte each) padded to keep the length.
    raw = with_raw_name(
        buffer.getvalue(), "LEFÈVRE_Zoé".encode(), "LEF\xc8VRE_Zo\xe9__".encode("latin-1")
    )
    path = tmp_path / "ent.zip"
    path.write_bytes(raw)
    result = collect(course, "double", [path])
    assert list(result.collected) == ["eloise-martin"]
    assert len(result.unmatched) == 1
    assert "n'est pas du texte UTF-8" in result.unmatched[0][1]


def test_an_empty_zip_and_a_file_that_is_no_zip_are_reported(
    tmp_path: Path, course: Course
) -> None:
    empty = ent_zip(tmp_path / "vide.zip", {})
    fake = tmp_path / "faux.zip"
    fake.write_text("bonjour", encoding="utf-8")
    result = collect(course, "double", [empty, fake])
    assert result.collected == {}
    assert result.unmatched == [
        ("vide.zip", "le zip est vide"),
        ("faux.zip", "ce n'est pas un fichier zip, ou il est abîmé"),
    ]


def test_collect_before_add_or_without_pupils_is_told_in_french(
    tmp_path: Path, course: Course
) -> None:
    from tests.classroom.conftest import make_course

    fresh = make_course(tmp_path / "autre")
    with pytest.raises(ClassroomError, match="tne class add double"):
        collect(fresh, "double", [])
    with pytest.raises(ClassroomError, match="Aucune activité inconnue"):
        collect(course, "inconnue", [])
