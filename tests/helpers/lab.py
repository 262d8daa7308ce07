"""`tne lab --no-browser` run as a real child process for the tests, with the URL token it
prints (JupyterLab's own log line) and its stderr kept for failure reports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers.ports import free_port

#: JupyterLab's log line with the server's address and token.
URL = re.compile(r"http://127\.0\.0\.1:\d+/\S*\?token=([0-9a-f]+)")
START_TIMEOUT = 60.0
REPO = Path(__file__).resolve().parents[2]


class Lab:
    def __init__(self, folder: Path, *options: str) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "tne.cli", "lab", "--no-browser"]
        command += ["--port", str(self.port), "--dir", str(folder), *options]
        # A workspace of its own: JupyterLab reopens the tabs of the user's last session (another
        # test's, or a run of scripts/guide_screenshots.py), and the first notebook on the page
        # would not be this test's.
        workspaces = folder / ".workspaces"
        workspaces.mkdir(exist_ok=True)
        env = dict(
            os.environ, PYTHONPATH=str(REPO), TNE_LANG="fr",
            JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
        )  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            # Its own process group, so a test can send Ctrl-C the way a terminal does.
            start_new_session=sys.platform != "win32",
        )
        self.log: list[str] = []
        self._found = threading.Event()
        self.token = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._found.wait(START_TIMEOUT) or not self._listening(START_TIMEOUT):
            self.stop()
            pytest.fail("tne lab is not serving:\n" + "".join(self.log[-30:]))

    def _listening(self, timeout: float) -> bool:
        """JupyterLab logs its URL a moment before it accepts connections."""
        deadline = time.monotonic() + timeout
        while self.token and self.process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            match = URL.search(line)
            if match and not self._found.is_set():
                self.token = match.group(1)
                self._found.set()
        self._found.set()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def output(self) -> str:
        """Everything written on stderr so far (whole, once the process ended)."""
        if self.process.poll() is not None:
            self._reader.join(5)
        return "".join(self.log)

    def stop(self) -> None:
        """Ctrl-C, as a person stops it (JupyterLab then shuts its kernels down)."""
        if self.process.poll() is not None:
            return
        if sys.platform == "win32":
            self.process.terminate()
        else:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            if sys.platform != "win32":
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait()
