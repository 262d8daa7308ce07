"""`tne doctor` (tne/doctor.py, tne/cli/doctor.py) on this machine, each failure made real:
programs named ModemManager and brltty running, a refused TCP port for « no Internet », a
PostgreSQL port nobody listens on, a kernelspec whose Python is gone, Pango hidden from
WeasyPrint in a mount namespace. The account-side failures (serial port permissions, missing
language pack, missing kernelspec) are in test_as_user.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.helpers.pango import run_without_pango
from tests.helpers.ports import free_port
from tests.helpers.postgres import server_url, unreachable_reason
from tests.helpers.unprivileged import REPO
from tests.helpers.waiting import eventually
from tne import doctor


def tne(*arguments: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO), TNE_LANG="fr", **environ),
    )


@pytest.fixture
def running_as(tmp_path: Path) -> Iterator[callable]:
    """Start a real process whose name (/proc/PID/comm) is the one given: a copy of sleep."""
    started: list[subprocess.Popen] = []

    def start(name: str) -> None:
        program = tmp_path / name
        shutil.copy(shutil.which("sleep"), program)
        process = subprocess.Popen([str(program), "60"])
        started.append(process)
        # Popen returns once the child's close-on-exec pipe closed, which Linux does before it
        # renames the process: wait for the name, or the check may still see pytest's.
        comm = Path(f"/proc/{process.pid}/comm")
        assert eventually(lambda: comm.read_text().strip() == name, 10), comm.read_text()

    yield start
    for process in started:
        process.kill()
        process.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_modemmanager_and_brltty_running_are_named_with_their_fix(running_as, french) -> None:
    running_as("ModemManager")
    running_as("brltty")
    checks = {check.topic: check for check in doctor.interference_checks()}
    assert checks["modemmanager"].status == "warning"
    assert "ModemManager est lancé" in checks["modemmanager"].message
    assert "sudo systemctl disable --now ModemManager" in checks["modemmanager"].fix
    assert checks["brltty"].status == "warning"
    assert "CH340" in checks["brltty"].message
    assert "sudo apt remove brltty" in checks["brltty"].fix


def test_no_internet_is_said_with_the_usb_key_commands(french) -> None:
    closed = ("127.0.0.1", free_port())
    check = doctor.network_check(probe=closed, environ={})
    assert check.status == "info"
    assert "Pas d'accès à Internet" in check.message
    assert "scripts/bundle.py" in check.fix and "setup.sh --from" in check.fix
    proxied = doctor.network_check(probe=closed, environ={"HTTPS_PROXY": "http://proxy:3128"})
    assert "Proxy configuré : http://proxy:3128" in proxied.message


def test_a_registry_database_that_does_not_answer_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, french
) -> None:
    nobody = f"postgresql+psycopg://tne:secret@127.0.0.1:{free_port()}/tne"
    monkeypatch.setenv("TNE_DB_URL", nobody)
    check = doctor.registry_check()
    assert check.status == "failure"
    assert "La base du registre ne répond pas" in check.message
    assert "secret" not in check.message  # the password is never printed
    assert "TNE_DB_URL" in check.fix
    reason = unreachable_reason()
    if reason:
        skip_or_fail(reason)
    monkeypatch.setenv("TNE_DB_URL", server_url())
    assert doctor.registry_check().status == "ok"


def test_a_kernelspec_whose_python_is_gone_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, french
) -> None:
    from kernels.microbit.install import KERNEL_NAME, SIM_KERNEL_NAME, write_spec

    kernels = tmp_path / "kernels"
    for name, simulated in ((KERNEL_NAME, False), (SIM_KERNEL_NAME, True)):
        write_spec(kernels / name, simulated)
    spec = kernels / SIM_KERNEL_NAME / "kernel.json"
    moved = json.loads(spec.read_text("utf-8"))
    moved["argv"][0] = str(tmp_path / "ancien-venv" / "bin" / "python")
    spec.write_text(json.dumps(moved), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    check = doctor.kernels_check()
    assert check.status == "failure"
    assert f"liés à un Python qui n'existe plus : {SIM_KERNEL_NAME}" in check.message
    assert "tne kernel install --user" in check.fix


def test_pdf_export_without_pango_is_a_warning_with_the_html_fallback() -> None:
    probe = (
        "import json; from tne.doctor import pdf_check; print(json.dumps(pdf_check().to_json()))"
    )
    done = run_without_pango(
        [sys.executable, "-c", probe], env=dict(os.environ, PYTHONPATH=str(REPO), TNE_LANG="fr")
    )
    check = json.loads(done.stdout)
    assert check["status"] == "warning", done.stderr
    assert "Export PDF indisponible" in check["message"]
    assert "en HTML" in check["fix"]
    seen = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO), TNE_LANG="fr"),
    )
    assert json.loads(seen.stdout)["status"] == "ok"  # outside the namespace, Pango is there


def test_json_lists_every_check_and_a_failure_gives_exit_code_1() -> None:
    done = tne("doctor", "--json", "--device", "serial:/dev/tne-absent")
    checks = json.loads(done.stdout)
    assert {"python", "packages", "serial", "board", "jupyterlab", "pdf", "network"} <= {
        check["topic"] for check in checks
    }
    assert all(set(check) == {"topic", "status", "message", "fix"} for check in checks)
    (board,) = [check for check in checks if check["topic"] == "board"]
    assert board["status"] == "failure"
    assert done.returncode == 1


def test_text_output_is_one_line_per_check_in_french_with_the_fix_under_it() -> None:
    done = tne("doctor", "--device", "serial:/dev/tne-absent")
    lines = done.stdout.splitlines()
    assert any(line.startswith("[ÉCHEC] serial:/dev/tne-absent ne répond pas") for line in lines)
    failed = next(i for i, line in enumerate(lines) if line.startswith("[ÉCHEC]"))
    assert lines[failed + 1].startswith("    → ")
    assert done.returncode == 1


def test_a_bad_device_is_a_usage_error_in_french() -> None:
    done = tne("doctor", "--device", "bluetooth:robot")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Adresse de carte inconnue" in done.stderr
