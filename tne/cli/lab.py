"""`tne lab`: JupyterLab in French, with the micro:bit kernels, on the pupil's notebooks.

Everything it sets up is owned by tne and repeated at each start, so a broken set-up mends
itself: the kernelspecs (kernels/microbit/install.py), the French language pack chosen through
a settings override in a folder of tne's own (JupyterLab's `app_settings_dir`, so the person's
own JupyterLab settings are not touched), and a working folder where the pupil version of the
progression's first lesson is written once (the pupil edits that copy, never the catalogue's).
JupyterLab runs as a child process with stdin closed, so Ctrl-C stops it at once instead of
asking for confirmation.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from activities.catalogue.metadata import Activity, all_activities
from activities.catalogue.pupil_version import write_pupil_notebook
from activities.classroom.distribute import notebook_name
from tne.i18n import _
from tne.os_errors import os_error_text

from .output import say

#: The JupyterLab setting that chooses the interface's language, and the language pack's locale.
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
LOCALE = "fr_FR"
#: Defaults tne sets: French, and no question about Jupyter's news feed (a classroom machine
#: should not fetch news from the Internet, nor ask pupils about it).
OVERRIDES = {
    TRANSLATION_PLUGIN: {"locale": LOCALE},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
#: Seconds JupyterLab has to shut its kernels down after Ctrl-C.
STOP_TIMEOUT = 10.0


def app_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("tne-robotique", appauthor=False)) / "jupyterlab"


def default_workspace() -> Path:
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "tne-robotique"


def install_kernels() -> list[tuple[str, str]]:
    """The micro:bit kernelspecs, for this user (`tne kernel install` does the same)."""
    from kernels.microbit.install import install

    return install(user=True)


def french_settings(folder: Path) -> Path:
    """An app settings folder whose overrides make French the default language."""
    folder.mkdir(parents=True, exist_ok=True)
    overrides = folder / "overrides.json"
    overrides.write_text(json.dumps(OVERRIDES, indent=2) + "\n", encoding="utf-8")
    return folder


def first_lesson() -> Activity:
    """The activity a pupil meets first: the first of the catalogue's progression."""
    return all_activities()[0]


def prepare_workspace(folder: Path) -> Path:
    """The pupil's folder, with the pupil version of the first lesson (solutions and hidden
    tests removed, as nbgrader releases it; named as the classroom's zip names it). An existing
    copy is kept: it holds the pupil's work. Returns the notebook's path."""
    lesson = first_lesson()
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / notebook_name(lesson)
    if not copy.exists():
        write_pupil_notebook(lesson.notebook, copy)
    return copy


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(
    workspace: Path, settings: Path, notebook: Path, browser: bool, port: int | None
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={workspace}",
        f"--LabApp.app_settings_dir={settings}",
        "--LabApp.default_url=/lab/tree/" + quote(notebook.relative_to(workspace).as_posix()),
    ]
    if not browser:
        command.append("--no-browser")
    if port is not None:
        command += [f"--port={port}", "--ServerApp.port_retries=0"]
    if is_root():
        command.append("--allow-root")  # CI runs as root; JupyterLab refuses root without it
    return command


def port_in_use(port: int) -> bool:
    """Whether something already listens on `port` here (another JupyterLab, often)."""
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def announce_device(device: str) -> None:
    """Say where the cells will run: with no board plugged in, on the simulator."""
    if device not in ("auto", "all"):
        say(_("The cells will run on {device}.").format(device=device))
        return
    from device_bridge.discovery import find_devices

    if not [found for found in find_devices() if not found.busy]:
        say(
            _(
                "No board is plugged in: the cells will run on the simulated micro:bit. Plug in "
                "a board, then type %connect auto in the notebook."
            )
        )


def run_lab(
    browser: bool = True,
    port: int | None = None,
    device: str = "auto",
    workspace: Path | None = None,
) -> int:
    if port is not None and port_in_use(port):
        say(
            _(
                "The port {port} is already used (another JupyterLab?). Choose another one "
                "with --port, or leave it out."
            ).format(port=port)
        )
        return 2
    try:
        install_kernels()
    except OSError as error:
        say(
            _("The micro:bit kernels could not be installed: {error}").format(
                error=os_error_text(error)
            )
        )
        return 1
    settings = french_settings(app_folder() / "settings")
    folder = (workspace or default_workspace()).expanduser().resolve()
    try:
        notebook = prepare_workspace(folder)
    except OSError as error:
        say(
            _("The folder {folder} cannot be used: {error}").format(
                folder=folder, error=os_error_text(error)
            )
        )
        return 2
    announce_device(device)
    say(_("Your notebooks are in {folder}. Ctrl-C stops JupyterLab.").format(folder=folder))
    env = dict(os.environ, TNE_DEVICE=device)
    process = subprocess.Popen(
        lab_command(folder, settings, notebook, browser, port),
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    forward_termination(process)
    try:
        return process.wait()
    except KeyboardInterrupt:
        return stop(process)


def forward_termination(process: subprocess.Popen) -> None:
    """A `kill` (SIGTERM) or a closed terminal (SIGHUP) stops JupyterLab too, which shuts its
    kernels down, instead of leaving it running without us."""

    def stop_lab(_signum: int, _frame: object) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)

    for name in ("SIGTERM", "SIGHUP"):  # no SIGHUP on Windows
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, stop_lab)


def stop(process: subprocess.Popen) -> int:
    """After Ctrl-C (which JupyterLab received too): let it shut its kernels down."""
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    say(_("JupyterLab stopped."))
    return 0
