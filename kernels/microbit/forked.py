"""Grading kernels forked from a warm template (`forkserver.py`), where the system can fork.

`ForkingKernelManager` is the kernel manager `tne class grade` gives nbgrader: it launches
this kernel's command through the grading worker's template, and every other command (or every
command where `os.fork` does not exist, as on Windows) through jupyter_client's usual launch.
The forked kernel is handed to jupyter_client's local provisioner as its process
(`ForkedProcess`, a `subprocess.Popen` look-alike on the kernel's pid): the kernel is the
leader of its own process group like a launched kernel, so the provisioner's signals and kills
reach it, and its simulator child, directly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from jupyter_client.manager import AsyncKernelManager, KernelManager

#: What the kernelspecs' argv runs after the interpreter: `-m kernels.microbit -f FILE`.
KERNEL_MODULE = "kernels.microbit"


def kernel_arguments(argv: list[str]) -> list[str] | None:
    """The IPKernelApp arguments of a kernel command line (`-f FILE`), or None when the
    command is not this kernel's (then the template must not run it)."""
    if len(argv) >= 3 and argv[1:3] == ["-m", KERNEL_MODULE]:
        return list(argv[3:])
    return None


def fork_available() -> bool:
    """Whether kernels can be forked here (not on Windows, which has no `fork`)."""
    return hasattr(os, "fork") and sys.platform != "win32"


def same_interpreter(executable: str) -> bool:
    """Whether the kernelspec runs this Python (the template is started with it)."""
    return os.path.normcase(os.path.abspath(executable)) == os.path.normcase(
        os.path.abspath(sys.executable)
    )


class ForkedProcess:
    """A forked kernel seen as a `subprocess.Popen`: enough for jupyter_client's provisioner.

    The template, not this process, is the kernel's parent and reaps it; the kernel has ended
    when its pid no longer exists (its exit status is not known here: 0, or minus the signal
    this object sent)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._signal = 0

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -self._signal
            except PermissionError:  # the pid was reused by someone else's process
                self.returncode = -self._signal
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            self._signal = signum
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkServerError(RuntimeError):
    """The template could not start or fork (the caller launches the kernel as usual)."""


class ForkServer:
    """This process's template (`python -m kernels.microbit.forkserver`), started on first use."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "kernels.microbit.forkserver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        answer = self._answer(process)
        if not answer.get("ready"):
            process.kill()
            process.wait()
            raise ForkServerError(str(answer.get("error", "the template did not start")))
        return process

    @staticmethod
    def _answer(process: subprocess.Popen[str]) -> dict[str, Any]:
        assert process.stdout is not None
        line = process.stdout.readline()
        try:
            answer = json.loads(line) if line else {}
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {}

    def fork(self, argv: list[str], env: dict[str, str], cwd: str | None) -> ForkedProcess:
        """A new kernel process running `argv`'s kernel with `env`, in `cwd`."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            assert process.stdin is not None
            try:
                process.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n")
                process.stdin.flush()
            except OSError as error:
                self._process = None
                raise ForkServerError(str(error)) from error
            answer = self._answer(process)
        if not isinstance(answer.get("pid"), int):
            raise ForkServerError(str(answer.get("error", "no kernel forked")))
        return ForkedProcess(answer["pid"])

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                if self._process.stdin is not None:
                    self._process.stdin.close()
                try:
                    self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
                self._process = None


_server: ForkServer | None = None


def fork_server() -> ForkServer:
    """This process's template, one per grading worker."""
    global _server
    if _server is None:
        _server = ForkServer()
    return _server


def close_fork_server() -> None:
    """End this process's template, if it has one, and wait for it (a worker's last act)."""
    global _server
    if _server is not None:
        _server.close()
        _server = None


class ForkLaunch:
    """The launch step of a jupyter_client kernel manager, forking this kernel from the warm
    template (a mix-in, for the asynchronous manager nbgrader uses and the blocking one)."""

    provisioner: Any

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        provisioner = self.provisioner
        env = kw.get("env")
        if (
            not fork_available()
            or kernel_arguments(kernel_cmd) is None
            or not same_interpreter(kernel_cmd[0])
            or not isinstance(env, dict)
            or provisioner is None
            or not hasattr(provisioner, "process")
        ):
            await super()._async_launch_kernel(kernel_cmd, **kw)  # type: ignore[misc]
            return
        cwd = kw.get("cwd")
        try:
            process = fork_server().fork(kernel_cmd, env, str(cwd) if cwd else None)
        except ForkServerError:
            await super()._async_launch_kernel(kernel_cmd, **kw)  # type: ignore[misc]
            return
        provisioner.process = process
        provisioner.pid = process.pid
        provisioner.pgid = process.pid
        provisioner.cwd = cwd or os.getcwd()
        self._reconcile_connection_info(provisioner.connection_info)  # type: ignore[attr-defined]


class ForkingKernelManager(ForkLaunch, AsyncKernelManager):
    """jupyter_client's asynchronous kernel manager (nbgrader's), with the forking launch."""


class BlockingForkingKernelManager(ForkLaunch, KernelManager):
    """jupyter_client's blocking kernel manager, with the forking launch."""
