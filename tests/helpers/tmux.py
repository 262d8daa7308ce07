"""A command run in tmux, as a person sees it: keys sent with `send-keys`, the screen read with
`capture-pane`. For full-screen commands (`tne workshop`), whose drawing only a real terminal
shows. Each screen gets its own tmux server socket, so tests never meet a person's sessions."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.helpers.waiting import eventually

EXIT_MARK = "TNE-TEST-EXIT="


def available() -> bool:
    return shutil.which("tmux") is not None


class Screen:
    """`command` running in a detached tmux window of `width` x `height` characters; after it
    ends, the window stays (a shell prints `EXIT_MARK` and the exit code, then waits) so that
    its last screen and exit code can be read."""

    def __init__(
        self, command: list[str], env: dict[str, str], width: int = 160, height: int = 50
    ) -> None:
        self.socket = f"tne-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.command = command
        self.width, self.height = width, height

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=10,
            check=False,
        )
        return done.stdout

    def start(self, cwd: Path | None = None) -> Screen:
        line = f'{shlex.join(self.command)}; echo "{EXIT_MARK}$?"; sleep 600'
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(cwd or Path.cwd()),
            "sh",
            "-c",
            line,
        )
        return self

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "0", *keys)

    def text(self) -> str:
        """What the screen shows now, and what scrolled off it."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "0")

    def wait_for(self, check: Callable[[str], bool], timeout: float = 20.0) -> str:
        """The screen once `check(screen)` holds; AssertionError with the screen otherwise."""
        seen = {"text": ""}

        def ok() -> bool:
            seen["text"] = self.text()
            return check(seen["text"])

        if not eventually(ok, timeout, every=0.2):
            raise AssertionError(f"screen never matched; last screen:\n{seen['text']}")
        return seen["text"]

    def exit_code(self, timeout: float = 20.0) -> int:
        """The command's exit code, once it ended (AssertionError if it does not)."""
        text = self.wait_for(lambda screen: EXIT_MARK in screen, timeout)
        match = re.search(re.escape(EXIT_MARK) + r"(\d+)", text)
        assert match, text
        return int(match.group(1))

    def close(self) -> None:
        self._tmux("kill-server")

    def __enter__(self) -> Screen:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
