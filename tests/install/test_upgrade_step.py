"""The install's last step (`python -m tne.cli.upgrade`, run by scripts/setup.sh) on an account's
own files in a fresh home: a registry of an older revision migrated after a copy with its rows
kept, a registry it cannot migrate left byte for byte, kernelspecs of another install written
again for this Python. The whole install over release 0.1.0 is tests/install/test_upgrade.py."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from activities.registry.database import make_engine
from activities.registry.migrate import alembic_config, head_revision
from tne.version import installed_version

NBSP = "\u00a0"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "maison"
    folder.mkdir()
    return folder


def environment(home: Path) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "JUPYTER_", "TNE_"))
    }
    return dict(environ, HOME=str(home), TNE_LANG="fr")


def tne(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(home),
    )


def upgrade_step(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli.upgrade", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(home),
    )
    assert done.returncode == 0, done.stderr
    return done


def registry_file(home: Path) -> Path:
    return home / ".local" / "share" / "tne-robotique" / "registry.sqlite3"


def test_a_registry_of_an_older_revision_is_migrated_after_a_copy_and_keeps_its_rows(
    home: Path,
) -> None:
    assert tne(home, "registry", "init").returncode == 0
    added = tne(
        home,
        "registry",
        "schools",
        "add",
        "0180005H",
        "--name",
        "École A",
        "--commune",
        "Bourges",
        "--degree",
        "1",
    )
    assert added.returncode == 0, added.stderr
    path = registry_file(home)
    downgrade(path, "0003")  # the schema of the release before 0004
    done = upgrade_step(home, "--previous", "0.0.1")
    assert f"Mise à jour de 0.0.1 vers {installed_version()}." in done.stderr
    backup = path.with_name("registry.sqlite3.0003.bak")
    assert (
        f"mis à jour de la révision 0003 à la révision {head_revision()}, ses données "
        f"conservées (copie de l'ancien fichier{NBSP}: {backup})"
    ) in done.stderr.replace("\n", " ")
    assert revision_of(path) == head_revision() and revision_of(backup) == "0003"
    listed = json.loads(tne(home, "registry", "schools", "list", "--json").stdout)
    assert [school["uai"] for school in listed] == ["0180005H"]


def downgrade(path: Path, revision: str) -> None:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def revision_of(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_registry_written_by_a_newer_version_is_reported_and_left_byte_for_byte(
    home: Path,
) -> None:
    assert tne(home, "registry", "init").returncode == 0
    path = registry_file(home)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    done = upgrade_step(home)
    assert (
        f"non mis à jour (écrit par une version plus récente de tne){NBSP}: il est laissé tel "
        "quel. Lancer tne doctor, puis tne registry migrate."
    ) in done.stderr.replace("\n", " ")
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.bak"))


def test_a_file_that_is_not_a_database_is_reported_and_left_byte_for_byte(home: Path) -> None:
    path = registry_file(home)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"pas une base SQLite\n" * 100)
    done = upgrade_step(home)
    assert "non mis à jour (file is not a database)" in done.stderr.replace("\n", " ")
    assert path.read_bytes() == b"pas une base SQLite\n" * 100


def test_a_first_install_creates_no_registry_and_says_no_upgrade(home: Path) -> None:
    done = upgrade_step(home)
    assert not registry_file(home).exists()
    assert "Mise à jour" not in done.stderr and "Registre" not in done.stderr


def test_kernelspecs_of_another_install_are_written_again_for_this_python(
    home: Path, tmp_path: Path
) -> None:
    kernels = home / ".local" / "share" / "jupyter" / "kernels"
    old = {
        "argv": ["/ancien/.venv/bin/python", "-m", "kernels.microbit", "-f", "{connection_file}"]
    }
    (kernels / "tne-microbit-sim").mkdir(parents=True)
    (kernels / "tne-microbit-sim" / "kernel.json").write_text(json.dumps(old))
    elsewhere = tmp_path / "jupyter-partage"  # a folder this account may not write (an admin's)
    (elsewhere / "kernels" / "tne-microbit").mkdir(parents=True)
    (elsewhere / "kernels" / "tne-microbit" / "kernel.json").write_text(json.dumps(old))
    environ = dict(environment(home), JUPYTER_PATH=str(elsewhere))
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli.upgrade", "--previous", installed_version()],
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
    )
    assert done.returncode == 0, done.stderr
    text = done.stderr.replace("\n", " ")
    assert f"tne-robotique {installed_version()} réinstallé (même version)." in text
    assert f"Noyaux micro:bit réécrits pour cette version, avec {sys.executable}" in text
    for name in ("tne-microbit", "tne-microbit-sim"):
        spec = json.loads((kernels / name / "kernel.json").read_text(encoding="utf-8"))
        assert spec["argv"][0] == sys.executable
        assert spec["metadata"]["tne_version"] == installed_version()
    stale = elsewhere / "kernels" / "tne-microbit"
    assert f"Le noyau {stale} appartient à une autre installation" in text
    assert "jupyter kernelspec remove tne-microbit)" in text


def test_a_shared_postgresql_registry_is_left_to_its_administrator(home: Path) -> None:
    url = "postgresql+psycopg://tne:secret@127.0.0.1:1/registre"  # never connected to
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli.upgrade"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(environment(home), TNE_DB_URL=url),
    )
    assert done.returncode == 0, done.stderr
    text = done.stderr.replace("\n", " ")
    assert "Registre postgresql+psycopg://tne:***@127.0.0.1:1/registre non mis à jour" in text
    assert f"(base partagée){NBSP}: il est laissé tel quel." in text
    assert "secret" not in text
