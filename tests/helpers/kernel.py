"""A real micro:bit kernel process, driven through jupyter_client as JupyterLab drives it.

`KernelSession` starts `python -m kernels.microbit` from the kernelspecs that
`kernels.microbit.install` writes (installed under a temporary prefix found through
`JUPYTER_PATH`), and offers what the tests need: run a cell and collect its iopub messages with
their timestamps, press Stop (`interrupt_request` on the control channel, as
`interrupt_mode: message` makes JupyterLab do), ask `kernel_info` on the control channel while a
cell runs, restart.
"""

from __future__ import annotations

import queue
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class CellRun:
    """What one execute_request produced."""

    reply: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.reply["status"]

    def stream(self, name: str = "stdout") -> str:
        return "".join(
            m["content"]["text"]
            for m in self.messages
            if m["msg_type"] == "stream" and m["content"]["name"] == name
        )

    @property
    def result(self) -> str | None:
        for m in self.messages:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"]["text/plain"]
        return None

    @property
    def error(self) -> dict[str, Any] | None:
        for m in self.messages:
            if m["msg_type"] == "error":
                return m["content"]
        return None

    @property
    def traceback(self) -> str:
        error = self.error
        return ANSI.sub("", "\n".join(error["traceback"])) if error else ""


def install_specs(prefix: Path) -> str:
    """Install both kernelspecs under `prefix`; return the folder to put in `JUPYTER_PATH`."""
    from kernels.microbit.install import install

    install(prefix=str(prefix))
    return str(prefix / "share" / "jupyter")


class KernelSession:
    def __init__(
        self,
        kernel_name: str,
        env: dict[str, str],
        cwd: Path,
        manager: type[KernelManager] = KernelManager,
    ) -> None:
        self.manager = manager(kernel_name=kernel_name)
        self.manager.start_kernel(env=env, cwd=str(cwd))
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def close(self) -> None:
        """Shut the kernel down as JupyterLab does (a `shutdown_request`); twice is harmless."""
        if not self.manager.has_kernel:
            return
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=False)

    # -- cells ---------------------------------------------------------------------------------

    def send(self, code: str, allow_stdin: bool = False) -> str:
        """`allow_stdin`: the front end can show an input box (JupyterLab can; nbclient,
        which grading uses, cannot)."""
        return self.client.execute(code, allow_stdin=allow_stdin)

    def input_request(self, timeout: float = 30) -> dict[str, Any]:
        """The next input box the kernel asks for (its stdin `input_request`)."""
        return self.client.get_stdin_msg(timeout=timeout)

    def answer(self, text: str) -> None:
        """Type `text` in the input box and press Enter."""
        self.client.input(text)

    def collect(self, msg_id: str, timeout: float = 30) -> CellRun:
        """iopub messages of `msg_id` until the kernel is idle again, then the reply."""
        messages = []
        deadline = time.monotonic() + timeout
        while True:
            message = self.client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "status":
                if message["content"]["execution_state"] == "idle":
                    break
                continue
            messages.append(message)
        while True:
            reply = self.client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        return CellRun(reply["content"] | {"date": reply["header"]["date"]}, messages)

    def run(self, code: str, timeout: float = 30) -> CellRun:
        return self.collect(self.send(code), timeout)

    def first_output(
        self, msg_id: str, timeout: float = 30, name: str | None = None
    ) -> dict[str, Any]:
        """Wait for the first stream message of a running cell (without consuming the rest
        of the run: later messages go on to `collect`); `name`: of that stream only."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            ours = message["parent_header"].get("msg_id") == msg_id
            wanted = name is None or message["content"].get("name") == name
            if ours and message["msg_type"] == "stream" and wanted:
                return message

    # -- control -------------------------------------------------------------------------------

    def stop(self) -> None:
        """The Stop button: an interrupt_request on the control channel."""
        self.manager.interrupt_kernel()

    def control_kernel_info(self, timeout: float = 5) -> tuple[dict[str, Any], float]:
        """kernel_info_request on the control channel; (reply content, seconds it took)."""
        started = time.monotonic()
        message = self.client.session.msg("kernel_info_request", {})
        self.client.control_channel.send(message)
        while True:
            reply = self.client.control_channel.get_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == message["header"]["msg_id"]:
                return reply["content"], time.monotonic() - started

    def restart(self) -> None:
        self.manager.restart_kernel(now=False)
        self.client.wait_for_ready(timeout=60)
        # Drop the old kernel's last messages.
        while True:
            try:
                self.client.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                break


def message_time(message: dict[str, Any]) -> datetime:
    return message["header"]["date"]
