"""The README's commands as a teacher meets them: an ordinary account (no sudo), the
distribution's Python (PEP 668), no python3-venv, no network for the offline install; then
`tne lab` in French with both kernels and a cell on the simulator, `tne` on the PATH of a new
login, and `tne doctor` explaining each failure it is shown (a serial port the account may not
open, a missing language pack, a missing kernelspec)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest

from tests.helpers.lab import Lab
from tests.install.conftest import Installed, readme_commands


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def doctor(installed: Installed, *options: str) -> tuple[int, dict[str, list[dict]]]:
    """`tne doctor --json` as the account; the checks grouped by topic."""
    done = installed.user.run(f"{installed.venv}/bin/tne doctor --json {' '.join(options)}")
    assert done.returncode in (0, 1), done.stderr
    checks: dict[str, list[dict]] = {}
    for check in json.loads(done.stdout):
        checks.setdefault(check["topic"], []).append(check)
    return done.returncode, checks


def test_the_offline_bundle_installs_with_no_network_and_no_ensurepip(
    installed: Installed,
) -> None:
    assert installed.offline.returncode == 0, installed.offline.stderr
    config = (installed.venv / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "home = /usr/bin" in config  # made by the distribution's Python
    pip = installed.user.run(f"{installed.venv}/bin/python -m pip --version")
    assert pip.returncode == 0 and str(installed.venv) in pip.stdout  # pip from the bundle
    where = installed.user.run(f"{installed.venv}/bin/python -c 'import tne; print(tne.__file__)'")
    assert "/site-packages/tne/" in where.stdout  # the bundle's wheel, not this checkout
    # The namespace really had no network: the same probe fails there.
    probe = "import socket; socket.create_connection(('pypi.org', 443), 5)"
    refused = installed.user.run(f'python3 -c "{probe}"', prefix=["unshare", "--net"])
    assert refused.returncode != 0


def test_the_readme_install_needs_no_root_and_writes_only_in_the_account(
    installed: Installed,
) -> None:
    owners = {path.stat().st_uid for path in installed.venv.rglob("*") if not path.is_symlink()}
    assert owners == {installed.user.home.stat().st_uid}
    assert (installed.user.home / ".local" / "bin" / "tne").resolve() == (
        installed.venv / "bin" / "tne"
    )


@pytest.fixture
def lab(installed: Installed) -> Iterator[Lab]:
    """The README's first command exactly as written, plus `--no-browser --port`, as the
    account; pip reads the offline folder (PIP_NO_INDEX), as on a school network."""
    first = readme_commands()[0]
    assert first.endswith("tne lab"), first
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(installed.bundle)}

    def command(port: int) -> list[str]:
        script = f"cd ~/tne-robotique && {first} --no-browser --port {port}"
        return installed.user.command(script, offline)

    server = Lab(installed.user.home, command=command, timeout=300)
    try:
        yield server
    finally:
        server.stop()


def test_the_readme_first_command_opens_french_jupyterlab_on_the_simulator(
    installed: Installed, lab: Lab
) -> None:
    specs = get_json(lab.url("api/kernelspecs"))["kernelspecs"]
    assert {"tne-microbit", "tne-microbit-sim"} <= set(specs)
    for name in ("tne-microbit", "tne-microbit-sim"):
        assert specs[name]["spec"]["argv"][0].startswith(str(installed.venv))
    settings = get_json(lab.url("lab/api/settings/@jupyterlab/translation-extension:plugin"))
    assert settings["schema"]["properties"]["locale"]["default"] == "fr_FR"
    french = get_json(lab.url("lab/api/translations/fr_FR"))
    assert french["data"]["jupyterlab"][""]["language"] == "fr-FR"
    assert "Fichier" in json.dumps(french["data"]["jupyterlab"], ensure_ascii=False)
    lesson = installed.user.home / "Documents" / "tne-robotique" / "afficher-et-defiler.ipynb"
    assert "ÉCRIS TON CODE ICI" in lesson.read_text(encoding="utf-8")  # the pupil version
    code = "from microbit import *\ndisplay.show(Image.HEART)\nprint(6 * 7)"
    assert lab.run_cell("tne-microbit-sim", code).strip() == "42"
    os.killpg(lab.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert lab.process.wait(60) == 0
    assert "JupyterLab est arrêté." in lab.output()


def test_tne_is_on_the_path_of_a_new_login(installed: Installed) -> None:
    done = installed.user.run('tne exec --device sim "print(6*7)"', login=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "42\n"


def test_doctor_as_the_account_names_the_venv_and_queries_the_simulator(
    installed: Installed,
) -> None:
    code, checks = doctor(installed, "--device", "sim")
    assert checks["python"][0]["status"] == "ok"
    assert str(installed.venv) in checks["python"][0]["message"]
    (board,) = checks["board"]
    assert board["status"] == "ok" and "micrologiciel" in board["message"]
    assert checks["language-pack"][0]["status"] == "ok"
    failures = [
        check for group in checks.values() for check in group if check["status"] == "failure"
    ]
    assert code == (1 if failures else 0)


def test_doctor_explains_a_missing_kernelspec_then_sees_it_repaired(installed: Installed) -> None:
    installed.user.run(f"{installed.venv}/bin/tne kernel install --user")
    installed.user.run("rm -r ~/.local/share/jupyter/kernels/tne-microbit-sim")
    code, checks = doctor(installed)
    (kernels,) = checks["kernels"]
    assert code == 1 and kernels["status"] == "failure"
    assert "absents : tne-microbit-sim" in kernels["message"]
    assert "tne kernel install --user" in kernels["fix"]
    installed.user.run(f"{installed.venv}/bin/tne kernel install --user")
    assert doctor(installed)[1]["kernels"][0]["status"] == "ok"


def test_doctor_explains_a_missing_language_pack_then_sees_it_repaired(
    installed: Installed,
) -> None:
    pip = f"{installed.venv}/bin/python -m pip"
    package = "jupyterlab-language-pack-fr-FR"
    assert installed.user.run(f"{pip} uninstall -q -y {package}").returncode == 0
    try:
        code, checks = doctor(installed)
        (pack,) = checks["language-pack"]
        assert code == 1 and pack["status"] == "failure"
        assert "les menus seront en anglais" in pack["message"]
        assert f"-m pip install {package}" in pack["fix"]
    finally:
        reinstall = f"{pip} install -q --no-index --find-links {installed.bundle} {package}"
        assert installed.user.run(reinstall).returncode == 0
    assert doctor(installed)[1]["language-pack"][0]["status"] == "ok"


@pytest.fixture
def dialout_port() -> Iterator[str]:
    """A pty made to look like /dev/ttyACM0 to permissions: root's, group dialout, mode 660."""
    controller, port = os.openpty()
    path = os.ttyname(port)
    os.close(port)
    subprocess.run(["chown", "root:dialout", path], check=True)
    os.chmod(path, 0o660)
    try:
        yield path
    finally:
        os.close(controller)


def test_doctor_explains_a_serial_port_refused_with_the_exact_command(
    installed: Installed, dialout_port: str
) -> None:
    code, checks = doctor(installed, "--device", f"serial:{dialout_port}")
    (serial,) = checks["serial"]
    assert code == 1 and serial["status"] == "failure"
    assert f"Port {dialout_port} : accès refusé" in serial["message"]
    assert "dialout" in serial["message"]
    name = installed.user.name
    assert f"sudo usermod -aG dialout {name}" in serial["fix"]
    assert f"{name} se déconnecte et se reconnecte" in serial["fix"]
    assert "board" not in checks  # a port it may not open is not queried


def test_doctor_tells_a_new_member_of_dialout_to_log_in_again(
    installed: Installed, dialout_port: str
) -> None:
    name = installed.user.name
    subprocess.run(["usermod", "-aG", "dialout", name], check=True)
    try:
        # A session opened before the change: same account, without the new group.
        old_session = ["setpriv", f"--reuid={name}", f"--regid={name}", "--clear-groups"]
        command = [f"{installed.venv}/bin/tne", "doctor", "--json", "--device", dialout_port]
        done = subprocess.run(
            [
                *old_session,
                "env",
                "-i",
                *(f"{k}={v}" for k, v in installed.user.environment().items()),
                *command,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=installed.user.home,
        )
        (serial,) = [check for check in json.loads(done.stdout) if check["topic"] == "serial"]
        assert serial["status"] == "failure"
        assert "se déconnecter puis se reconnecter" in serial["fix"]
        # A new login has the group: the port opens.
        code, checks = doctor(installed, "--device", f"serial:{dialout_port}")
        assert checks["serial"][0]["status"] == "ok"
    finally:
        subprocess.run(["gpasswd", "-d", name, "dialout"], capture_output=True, check=False)
