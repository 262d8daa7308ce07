"""`tne registry` as people run it: a real process (`python -m tne.cli registry ...`) on a real
SQLite file. Results on stdout (`projects create` prints only the id), French messages on
stderr, exit 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from activities.registry.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
UAI = "0180005H"


def tne(*args: str, db: str | None, timeout: float = 60, **variables: str):
    env = {k: v for k, v in os.environ.items() if k not in ("TNE_LANG", "TNE_DB_URL")}
    env.update(variables)
    command = [sys.executable, "-m", "tne.cli", "registry", *args]
    if db is not None:
        command += ["--db", db]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout
    )


def ok(*args: str, db: str | None) -> str:
    done = tne(*args, db=db)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def project(db_url: str) -> str:
    """A registry with one school and one project; the project's id."""
    ok("init", db=db_url)
    ok(
        "schools",
        "add",
        UAI,
        "--name",
        "École Jean Zay",
        "--commune",
        "Bourges",
        "--degree",
        "1",
        db=db_url,
    )
    return ok(
        "projects", "create", "--school", UAI, "--title", "Robots", "--level", "CM2", db=db_url
    ).strip()


def test_a_school_project_group_and_session_recorded_and_listed(db_url: str, project: str) -> None:
    created = tne(
        "projects", "create", "--school", UAI, "--title", "Autre", "--level", "5e", db=db_url
    )
    assert created.returncode == 0
    assert created.stdout == "2\n"
    assert project == "1"
    ok("groups", "add", project, "--name", "CM2 A", "--size", "24", "--girls", "12", db=db_url)
    recorded = ok(
        "sessions",
        "record",
        project,
        "--group",
        "CM2 A",
        "--activity",
        "maqueen",
        "--date",
        "2026-03-15",
        "--minutes",
        "55",
        "--device",
        "microbit",
        "--device",
        "microbit",
        "--json",
        db=db_url,
    )
    assert json.loads(recorded)["devices"] == {"microbit": 2}

    schools = json.loads(ok("schools", "list", "--json", db=db_url))
    assert schools == [
        {
            "uai": UAI,
            "name": "École Jean Zay",
            "commune": "Bourges",
            "degree": 1,
            "department": "18",
            "archived": None,
        }
    ]
    projects = json.loads(ok("projects", "list", "--json", db=db_url))
    assert [(p["id"], p["groups"], p["sessions"]) for p in projects] == [
        (1, ["CM2 A"], 1),
        (2, [], 0),
    ]
    status = json.loads(ok("status", "--json", db=db_url))
    assert status["counts"]["sessions"] == 1


def test_the_database_can_come_from_TNE_DB_URL(db_url: str, project: str) -> None:
    done = tne("projects", "list", db=None, TNE_DB_URL=db_url)
    assert done.returncode == 0
    assert done.stdout.startswith("1\t0180005H\tCM2\tRobots")


def test_linking_needs_a_known_dossier_and_happens_once(db_url: str, project: str) -> None:
    from activities.registry.service import Registry

    missing = tne("projects", "link", project, "999", db=db_url)
    assert missing.returncode == 2
    assert "999" in missing.stderr
    registry = Registry.open(db_url)
    registry.save_dossier("999", "AAP TNE", "accepte")
    registry.close()
    assert json.loads(ok("projects", "link", project, "999", "--json", db=db_url))["changed"]
    assert not json.loads(ok("projects", "link", project, "999", "--json", db=db_url))["changed"]
    assert json.loads(ok("projects", "list", "--json", db=db_url))[0]["dossiers"] == ["999"]


def test_an_invalid_uai_exits_2_with_a_french_message(db_url: str) -> None:
    ok("init", db=db_url)
    done = tne(
        "schools", "add", "0180005A", "--name", "É", "--commune", "B", "--degree", "1", db=db_url
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "lettre de contrôle" in done.stderr and "H" in done.stderr


def test_more_girls_than_pupils_exits_2(db_url: str, project: str) -> None:
    done = tne("groups", "add", project, "--name", "G", "--size", "10", "--girls", "11", db=db_url)
    assert done.returncode == 2
    assert "filles" in done.stderr


def test_an_unknown_project_exits_2(db_url: str, project: str) -> None:
    done = tne("groups", "add", "42", "--name", "G", "--size", "10", "--girls", "3", db=db_url)
    assert done.returncode == 2
    assert "42" in done.stderr


def test_a_registry_not_yet_created_says_to_run_init(tmp_path: Path) -> None:
    done = tne("status", db=f"sqlite:///{tmp_path / 'none.sqlite3'}")
    assert done.returncode == 3
    assert "tne registry init" in done.stderr


def test_english_when_asked(db_url: str) -> None:
    ok("init", db=db_url)
    done = tne(
        "schools",
        "add",
        "0180005A",
        "--name",
        "É",
        "--commune",
        "B",
        "--degree",
        "1",
        db=db_url,
        TNE_LANG="en",
    )
    assert "check letter" in done.stderr


def test_two_processes_recording_50_sessions_each_lose_nothing(
    db_url: str, project: str, tmp_path: Path
) -> None:
    ok("groups", "add", project, "--name", "CM2 A", "--size", "24", "--girls", "12", db=db_url)
    go = tmp_path / "go"
    script = (
        "import pathlib, sys, time\n"
        "from activities.registry.service import Registry\n"
        "registry = Registry.open(sys.argv[1])\n"
        "registry.status()  # imports and schema check done before the start line\n"
        "while not pathlib.Path(sys.argv[3]).exists():\n"
        "    time.sleep(0.005)\n"
        "for n in range(50):\n"
        "    registry.record_session(1, 'CM2 A', sys.argv[2], '2026-03-15', 30 + n, ['microbit'])\n"
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, db_url, name, str(go)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("atelier-a", "atelier-b")
    ]
    time.sleep(1.5)  # both processes are waiting at the start line
    go.touch()
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    status = json.loads(ok("status", "--json", db=db_url))
    assert status["counts"]["sessions"] == 100
    recorded = json.loads(ok("projects", "list", "--json", db=db_url))[0]["sessions"]
    assert recorded == 100


def test_init_and_migrate_through_the_cli_are_idempotent(db_url: str) -> None:
    head = head_revision()
    created = json.loads(ok("init", "--json", db=db_url))
    assert (created["before"], created["after"]) == (None, head)
    again = json.loads(ok("migrate", "--json", db=db_url))
    assert again["before"] == again["after"] == head
    assert json.loads(ok("init", "--json", db=db_url))["before"] == head


def test_a_database_url_that_makes_no_sense_exits_3_in_french(tmp_path: Path) -> None:
    done = tne("status", db="pas-une-base://x")
    assert done.returncode == 3
    assert "Impossible d'utiliser la base" in done.stderr


def test_db_takes_a_plain_file_path(tmp_path: Path) -> None:
    path = tmp_path / "dossier avec espace" / "registre.sqlite3"
    done = tne("init", db=str(path))
    assert done.returncode == 0, done.stderr
    assert path.is_file()
    assert json.loads(ok("status", "--json", db=str(path)))["database"] == f"sqlite:///{path}"


def test_a_session_date_is_jj_mm_aaaa_or_aaaa_mm_jj_and_implausible_ones_exit_2(
    db_url: str, project: str
) -> None:
    ok("groups", "add", project, "--name", "CM2 A", "--size", "24", "--girls", "12", db=db_url)
    base = ["sessions", "record", project, "--group", "CM2 A", "--activity", "maqueen"]
    ok(*base, "--date", "23/03/2026", "--minutes", "55", db=db_url)
    for date, minutes, message in (
        ("23-03-2026", "55", "n'est pas une date"),
        ("23/03/2031", "55", "est dans le futur"),
        ("23/03/2026", "5500", "au plus 8 heures"),
    ):
        done = tne(*base, "--date", date, "--minutes", minutes, db=db_url)
        assert done.returncode == 2, (date, minutes)
        assert message in done.stderr
    listed = ok("sessions", "list", project, db=db_url)
    assert listed.count("\n") == 1 and "\t23/03/2026\tCM2 A\tmaqueen\t55" in listed


def test_groups_sessions_and_equipment_are_corrected_through_the_cli(
    db_url: str, project: str
) -> None:
    group = ok(
        "groups", "add", project, "--name", "CM2 A", "--size", "24", "--girls", "12", db=db_url
    )
    ok("equipment", "add", project, "--kind", "Micro:Bit V2", "--id", "MB-1", db=db_url)
    (device,) = json.loads(ok("equipment", "list", project, "--json", db=db_url))
    assert (device["kind"], device["identifier"]) == ("microbit-v2", "MB-1")
    edited = json.loads(ok("groups", "edit", group.strip(), "--size", "26", "--json", db=db_url))
    assert (edited["size"], edited["girls"]) == (26, 12)
    record = ok(
        "sessions",
        "record",
        project,
        "--group",
        "CM2 A",
        "--activity",
        "robot",
        "--date",
        "2026-03-10",
        "--minutes",
        "55",
        db=db_url,
    ).strip()
    refused = tne("groups", "delete", group.strip(), db=db_url)
    assert refused.returncode == 2 and "--force" in refused.stderr
    ok("sessions", "edit", record, "--minutes", "60", db=db_url)
    assert json.loads(ok("sessions", "show", record, "--json", db=db_url))["minutes"] == 60
    ok("sessions", "delete", record, db=db_url)
    ok("equipment", "delete", str(device["id"]), db=db_url)
    ok("groups", "delete", group.strip(), db=db_url)
    assert json.loads(ok("groups", "list", project, "--json", db=db_url)) == []
    again = tne(
        "projects", "create", "--school", UAI, "--title", "robots", "--level", "CM1", db=db_url
    )
    assert again.returncode == 2
    assert f"déjà le projet {project} « Robots »" in again.stderr


def test_a_project_keeps_its_teachers_by_initials(db_url: str) -> None:
    ok("init", db=db_url)
    ok(
        "schools",
        "add",
        UAI,
        "--name",
        "Collège",
        "--commune",
        "Vierzon",
        "--degree",
        "2",
        db=db_url,
    )
    created = json.loads(
        ok(
            "projects",
            "create",
            "--school",
            UAI,
            "--title",
            "Robots",
            "--level",
            "5e",
            "--teacher",
            "référent:m.d.",
            "--teacher",
            "technologie:A.B.",
            "--json",
            db=db_url,
        )
    )
    assert created["teachers"] == [
        {"role": "référent", "initials": "M.D."},
        {"role": "technologie", "initials": "A.B."},
    ]
    refused = tne(
        "projects",
        "create",
        "--school",
        UAI,
        "--title",
        "R",
        "--level",
        "5e",
        "--teacher",
        "référent:Marie Dupont",
        db=db_url,
    )
    assert refused.returncode == 2
    assert "initiales" in refused.stderr
