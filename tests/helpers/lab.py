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
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.ports import free_port

#: JupyterLab's log line with the server's address and token.
URL = re.compile(r"http://127\.0\.0\.1:\d+/\S*\?token=([0-9a-f]+)")
START_TIMEOUT = 60.0
REPO = Path(__file__).resolve().parents[2]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Lab:
    """`command`, when given, makes the whole command line from the port (the install tests
    run `tne lab` as another account, with that account's environment); by default this
    checkout's `tne lab` on `folder`."""

    def __init__(
        self,
        folder: Path,
        *options: str,
        command: Callable[[int], list[str]] | None = None,
        timeout: float = START_TIMEOUT,
        parent_ignores_sigint: bool = False,
    ) -> None:
        self.port = free_port()
        if command is None:
            line = [sys.executable, "-m", "tne.cli", "lab", "--no-browser"]
            line += ["--port", str(self.port), "--dir", str(folder), *options]
            # A workspace of its own: JupyterLab reopens the tabs of the user's last session
            # (another test's, or a run of scripts/guide_screenshots.py), and the first notebook
            # on the page would not be this test's.
            workspaces = folder / ".workspaces"
            workspaces.mkdir(exist_ok=True)
            env: dict[str, str] | None = dict(
                os.environ,
                PYTHONPATH=str(REPO),
                TNE_LANG="fr",
                JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
            )
        else:
            line, env = command(self.port), None
        self.process = subprocess.Popen(
            line,
            cwd=folder,
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            # Its own process group, so a test can send Ctrl-C the way a terminal does.
            start_new_session=sys.platform != "win32",
            # SIGINT ignored, as a background job of a non-interactive shell inherits it.
            preexec_fn=_ignore_sigint if parent_ignores_sigint else None,  # noqa: PLW1509
        )
        self.log: list[str] = []
        self._found = threading.Event()
        self.token = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._found.wait(timeout) or not self._listening(timeout):
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

    def run_cell(self, kernel: str, code: str, timeout: float = 120.0) -> str:
        """Start `kernel` through the server's REST API, run `code` in it over the kernel's
        websocket (Jupyter's JSON messages, as the browser sends them), shut it down, and
        return its stream output; an error reply fails the test with the traceback."""
        import json
        import urllib.request
        import uuid

        import websocket  # websocket-client, a dependency of jupyter_server

        request = urllib.request.Request(
            self.url("api/kernels"), data=json.dumps({"name": kernel}).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            kernel_id = json.load(response)["id"]
        address = f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels"
        channel = websocket.create_connection(f"{address}?token={self.token}", timeout=timeout)
        try:
            message_id = uuid.uuid4().hex
            header = {"msg_id": message_id, "msg_type": "execute_request", "username": "test"}
            header |= {"session": uuid.uuid4().hex, "version": "5.3", "date": ""}
            content = {"code": code, "silent": False, "store_history": False}
            content |= {"user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
            channel.send(
                json.dumps(
                    {"header": header, "parent_header": {}, "metadata": {}, "content": content}
                    | {"channel": "shell", "buffers": []}
                )
            )
            output = []
            while True:
                message = json.loads(channel.recv())
                if message.get("parent_header", {}).get("msg_id") != message_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    output.append(message["content"]["text"])
                elif kind == "error":
                    pytest.fail("\n".join(message["content"]["traceback"]))
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    return "".join(output)
        finally:
            channel.close()
            urllib.request.urlopen(
                urllib.request.Request(self.url(f"api/kernels/{kernel_id}"), method="DELETE"),
                timeout=60,
            ).close()

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
