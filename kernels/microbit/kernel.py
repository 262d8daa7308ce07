"""The micro:bit kernel: an IPython kernel whose cells run on a board.

Subclassing ipykernel's `IPythonKernel` keeps what Jupyter needs for free (comms for the
widgets, display, `%%host` cells run by the real IPython shell); `do_execute`, `do_complete`,
`do_inspect`, `interrupt_request` and `do_shutdown` are overridden for board cells. Board calls
run on the `BoardLink` worker thread and are awaited, so the kernel's event loop keeps serving
and the control thread answers `interrupt_request` and `kernel_info_request` while a cell runs
or the board hangs.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ipykernel.ipkernel import IPythonKernel

from device_bridge import Board
from device_bridge.errors import (
    BridgeError,
    DeviceNotResponding,
    ExecTimeout,
    LinkLost,
)
from tne.i18n import _
from tne.program_warnings import program_warnings
from tne.version import installed_version

from .cell import Cell, parse_cell, show_last_value
from .completion import Completer
from .errors import PupilError, board_traceback, kernel_error
from .grading import grading_address, grading_mode, refusal
from .link import BoardLink, NotConnected
from .live import make_live
from .magics import MAGICS, MagicError, run_magic, save
from .output import BoardText
from .stdin import InputBox

log = logging.getLogger(__name__)
T = TypeVar("T")
DEVICE_VARIABLE = "TNE_DEVICE"
#: Longest wait for a completion or an inspection: past it the pupil gets no suggestion.
ASK_TIMEOUT = 1.5
#: Longest wait for the board's soft reboot when the kernel restarts.
SHUTDOWN_TIMEOUT = 4.0
#: Longest time the board's output waits before it is sent to the notebook.
FLUSH_DELAY = 0.03


class CellOutput:
    """Sends a cell's text to the notebook (iopub `stream`) and to the live hook. Safe to call
    from the board's worker thread: the parent message is captured when the cell starts.

    Text is gathered for at most `FLUSH_DELAY` before it is sent, so that a loop printing fast
    makes a few messages rather than one per line (a flood that slows the notebook down)."""

    def __init__(self, kernel: MicrobitKernel, parent: dict[str, Any], silent: bool) -> None:
        self.kernel = kernel
        self.parent = parent
        self.silent = silent
        self._lock = threading.Lock()
        self._stream = "stdout"
        self._held: list[str] = []
        self._timer: threading.Timer | None = None

    def say(self, text: str, stream: str = "stdout") -> None:
        if not text:
            return
        self.kernel.live.on_output(text, stream)
        if self.silent:
            return
        with self._lock:
            if stream != self._stream:
                self._send_held()
                self._stream = stream
            self._held.append(text)
            if self._timer is None:
                self._timer = threading.Timer(FLUSH_DELAY, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        with self._lock:
            self._send_held()

    def _send_held(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._held:
            text, self._held = "".join(self._held), []
            self.kernel.publish(self.parent, "stream", {"name": self._stream, "text": text})


class MagicRun:
    """What a magic sees of the kernel (`magics.MagicContext`)."""

    def __init__(self, link: BoardLink, output: CellOutput) -> None:
        self.link = link
        self.say = output.say


class MicrobitKernel(IPythonKernel):
    implementation = "tne-microbit"
    implementation_version = installed_version()
    banner = "micro:bit (MicroPython) — tne-robotique"
    help_links = [
        {
            "text": "MicroPython micro:bit",
            "url": "https://microbit-micropython.readthedocs.io/fr/latest/",
        }
    ]

    @property
    def language_info(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "name": "python",
            "version": "3",
            "mimetype": "text/x-python",
            "codemirror_mode": {"name": "ipython", "version": 3},
            "pygments_lexer": "python3",
            "nbconvert_exporter": "python",
            "file_extension": ".py",
        }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.live = make_live(self)
        self.link = BoardLink(on_connection=self._connection_changed)
        self.completer = Completer()
        self.cells_run = 0
        #: The board code of the last cell run: what a `%%check` cell grades.
        self.last_program: str | None = None
        self.cell_errors = 0
        self.device_kind = ""
        self.simulated = False
        self._notices: list[str] = []
        #: Warnings on pupils' code already shown (each is shown once per session).
        self._warned: set[str] = set()
        self._host_running = False
        self._finished = False
        #: Grading mode (`grading.py`): a fresh simulated board and no way to the host.
        self.grading = grading_mode()
        if self.grading:
            address = grading_address()
        else:
            address = os.environ.get(DEVICE_VARIABLE, "").strip() or "auto"
        self._startup = self.link.submit(self._first_connect, address)
        atexit.register(self._finish)
        if not self.grading:
            self.shell.user_ns["board_eval"] = self.board_eval

    def board_eval(self, expression: str) -> Any:
        """In `%%host` cells: the value of an expression on the board, such as a list of
        measures to plot with matplotlib (through the board thread, like every board call)."""
        board = self.link.require()
        return self.link.submit(board.eval, expression).result()

    # -- the board -------------------------------------------------------------------------------

    @property
    def board(self) -> Board | None:
        """The current board, or None (for the widgets)."""
        return self.link.board

    def _connection_changed(self, label: str | None, connected: bool) -> None:
        board = self.link.board
        if connected and board is not None:
            self.simulated = is_simulated(board)
            self.device_kind = device_kind(board)
        self.live.on_connection(label, connected)

    def _first_connect(self, address: str) -> None:
        """At start: connect in the background; what the pupil must know waits for the first
        cell."""
        try:
            self._notices += self.link.connect(address)
        except BridgeError as error:
            self.link.address = address
            self._notices.append(str(error))

    async def on_board(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self.link.submit(function, *args))

    def publish(self, parent: dict[str, Any], msg_type: str, content: dict[str, Any]) -> None:
        """An iopub message for `parent` (callable from any thread)."""
        self.session.send(
            self.iopub_socket, msg_type, content, parent=parent, ident=self._topic(msg_type)
        )

    # -- execute ---------------------------------------------------------------------------------

    async def do_execute(  # type: ignore[override]
        self,
        code: str,
        silent: bool,
        store_history: bool = True,
        user_expressions: dict[str, Any] | None = None,
        allow_stdin: bool = False,
        *,
        cell_meta: dict[str, Any] | None = None,
        cell_id: str | None = None,
    ) -> dict[str, Any]:
        cell = parse_cell(code)
        refused = refusal(cell) if self.grading else None
        if refused is not None:
            return self._refuse(refused, silent)
        if cell.host is not None:
            self._host_running = True
            try:
                return await super().do_execute(
                    cell.host,
                    silent,
                    store_history,
                    user_expressions,
                    allow_stdin,
                    cell_meta=cell_meta,
                    cell_id=cell_id,
                )
            finally:
                self._host_running = False
        count = self.shell.execution_count
        if not silent:
            self.shell.execution_count += 1
            self.cells_run += 1
        parent = self.get_parent("shell")
        output = CellOutput(self, parent, silent)
        if cell.check is not None:
            error = await asyncio.to_thread(self._check, cell.check, output)
            output.flush()
            return self._reply(parent, count, silent, error)
        box = InputBox(self, self._parent_ident["shell"], parent, allow_stdin, output.flush)
        self.live.on_cell_start()
        try:
            error = await self._run(cell, output, count, code.split("\n"), box)
        finally:
            box.ended.set()
        output.flush()
        self.completer.forget()
        self.live.on_cell_end(error is None)
        return self._reply(parent, count, silent, error)

    def _reply(
        self, parent: dict[str, Any], count: int, silent: bool, error: PupilError | None
    ) -> dict[str, Any]:
        if error is None:
            return {
                "status": "ok",
                "execution_count": count,
                "payload": [],
                "user_expressions": {},
            }
        if not silent:
            self.cell_errors += 1
            self.publish(parent, "error", error.content())
        return {"status": "error", "execution_count": count, **error.content()}

    def _refuse(self, reason: str, silent: bool) -> dict[str, Any]:
        """A cell refused in grading mode: an error the grader records, nothing run."""
        count = self.shell.execution_count
        if not silent:
            self.shell.execution_count += 1
            self.cells_run += 1
            self.cell_errors += 1
        error = kernel_error("GradingRefused", reason)
        if not silent:
            self.publish(self.get_parent("shell"), "error", error.content())
        return {"status": "error", "execution_count": count, **error.content()}

    async def _run(
        self, cell: Cell, output: CellOutput, count: int, source: list[str], box: InputBox
    ) -> PupilError | None:
        """Run a cell's magics, then its board code; the error to show, or None."""
        if not self._startup.done():
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(self._startup)
        while self._notices:
            output.say(self._notices.pop(0) + "\n", "stderr")
        context = MagicRun(self.link, output)
        try:
            for _line, magic in cell.magics:
                await self.on_board(run_magic, context, magic)
            if cell.save is not None:
                await self.on_board(save, context, *cell.save)
                return None
            if not cell.code.strip():
                return None
            return await self.on_board(self._run_code, cell, output, count, source, box)
        except (MagicError, NotConnected) as error:
            return kernel_error("UsageError", error.message)
        except BridgeError as error:
            return self._bridge_error(error)
        except Exception as error:  # noqa: BLE001 - the kernel must survive its own bugs
            log.exception("cell failed")
            return kernel_error(type(error).__name__, str(error))

    def _check(self, body: str, output: CellOutput) -> PupilError | None:
        """A `%%check` cell: the last board program, run again on a fresh simulated board,
        judged by the cell's text, interpreted on the host (activities/catalogue/checks)."""
        from activities.catalogue.checks import CheckError, run_check

        try:
            run_check(body, self.last_program)
        except CheckError as error:
            return kernel_error(error.ename, error.message)
        output.say(_("Test passed.") + "\n")
        return None

    def _run_code(
        self, cell: Cell, output: CellOutput, count: int, source: list[str], box: InputBox
    ) -> PupilError | None:
        """On the worker thread: run the board code, streaming its output. It becomes the
        program that the next `%%check` cells run again."""
        self.last_program = cell.code
        if self.link.board is None and self.link.address:
            # The link was lost (or never made): one quiet attempt, as after a re-plugged cable.
            with contextlib.suppress(BridgeError):
                for notice in self.link.connect(self.link.address):
                    output.say(notice + "\n", "stderr")
        self._warn(cell, output)
        if self.grading:
            # input() must fail at once: nobody answers during grading (Board's own refusal).
            self.link.require().allow_input = False
        code, rewritten = show_last_value(cell.code)
        stdout = BoardText(lambda text: output.say(text, "stdout"), watch_result=rewritten)
        try:
            result = self.link.run(code, stdout.feed, None, box)
        finally:
            stdout.close()
        if result.stderr:
            text = result.stderr.decode("utf-8", "replace")
            return board_traceback(text, cell.cell_line, source, cell.code)
        if stdout.value is not None and not output.silent:
            output.flush()  # the printed text first, then the value, as the REPL shows them
            self.publish(
                output.parent,
                "execute_result",
                {"execution_count": count, "data": {"text/plain": stdout.value}, "metadata": {}},
            )
        return None

    def _warn(self, cell: Cell, output: CellOutput) -> None:
        """The warnings on the cell's code (tne/program_warnings.py), each once per session."""
        board = self.link.board
        robot = bool(getattr(board.transport, "robot", "")) if board is not None else False
        for warning in program_warnings(cell.code, robot=robot):
            if warning.text in self._warned:
                continue
            self._warned.add(warning.text)
            text = _("Warning (line {line}): {text}").format(
                line=cell.cell_line(warning.line), text=warning.text
            )
            output.say(f"{text}\n", "stderr")

    def _bridge_error(self, error: BridgeError) -> PupilError:
        if isinstance(error, ExecTimeout) and self.link.interrupted.is_set():
            return kernel_error(
                "KeyboardInterrupt",
                _(
                    "The board did not stop at the first Ctrl-C, so it was stopped by force and "
                    "may have restarted (its variables are then lost; its files are kept)."
                ),
            )
        if isinstance(error, DeviceNotResponding):
            return kernel_error(
                "DeviceNotResponding",
                error.message,
                _("Or connect another board with %connect ADDRESS (%connect sim: the simulator)."),
            )
        if isinstance(error, LinkLost):
            simulated = self.simulated  # (the lost board's kind)
            return kernel_error(
                "LinkLost",
                error.message,
                _("Run the cell again: the simulated micro:bit starts afresh.")
                if simulated
                else _("Plug the board back in, then run the cell again (or type %connect auto)."),
            )
        return kernel_error(type(error).__name__, error.message)

    # -- control ---------------------------------------------------------------------------------

    async def interrupt_request(self, stream: Any, ident: Any, parent: Any) -> None:
        """Stop: Ctrl-C to the board (escalating if it does not stop); a `%%host` cell gets a
        KeyboardInterrupt, as in IPython. Only this process is signalled: ipykernel would signal
        its whole process group, and with it the simulator's child process."""
        if self._host_running:
            interrupt_this_process()
        else:
            self.link.interrupt()
        self.session.send(stream, "interrupt_reply", {"status": "ok"}, parent, ident=ident)

    async def do_shutdown(self, restart: bool) -> dict[str, Any]:  # type: ignore[override]
        """Restart soft-reboots the board (the pupil's variables go, as on a fresh start);
        then the board is closed and the session's counts recorded."""
        if restart and self.link.board is not None:
            self.link.interrupt()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    asyncio.wrap_future(self.link.submit(self._soft_reboot)), SHUTDOWN_TIMEOUT
                )
        self._finish()
        return super().do_shutdown(restart)

    def _soft_reboot(self) -> None:
        board = self.link.board
        if board is not None:
            board.reset("soft")

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if not self.grading:  # a grading run records its own event (activities/classroom)
            record_session(self.device_kind, self.cells_run, self.cell_errors)
        self.link.close()

    # -- completion and inspection ---------------------------------------------------------------

    async def do_complete(self, code: str, cursor_pos: int) -> dict[str, Any]:  # type: ignore[override]
        line_start = code.rfind("\n", 0, cursor_pos) + 1
        line = code[line_start:cursor_pos]
        if line.startswith("%") and " " not in line:
            prefix = line.lstrip("%")
            names = [name for name in MAGICS if name.startswith(prefix)]
            return {
                "status": "ok",
                "matches": ["%" + name for name in names],
                "cursor_start": line_start,
                "cursor_end": cursor_pos,
                "metadata": {},
            }
        cell = parse_cell(code)
        if cell.host is not None and not self.grading:
            offset = len(code) - len(cell.host)
            reply = super().do_complete(cell.host, cursor_pos - offset)
            reply["cursor_start"] += offset
            reply["cursor_end"] += offset
            return reply
        return await self._ask_board(
            "complete",
            code,
            cursor_pos,
            {
                "status": "ok",
                "matches": [],
                "cursor_start": cursor_pos,
                "cursor_end": cursor_pos,
                "metadata": {},
            },
        )

    async def do_inspect(  # type: ignore[override]
        self, code: str, cursor_pos: int, detail_level: int = 0, omit_sections: Any = ()
    ) -> dict[str, Any]:
        cell = parse_cell(code)
        if cell.host is not None and self.grading:
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        if cell.host is not None:
            offset = len(code) - len(cell.host)
            return super().do_inspect(cell.host, cursor_pos - offset, detail_level)
        return await self._ask_board(
            "inspect", code, cursor_pos, {"status": "ok", "found": False, "data": {}}
        )

    async def _ask_board(
        self, what: str, code: str, cursor_pos: int, nothing: dict[str, Any]
    ) -> dict[str, Any]:
        """Ask the board (completion or inspection) after what its worker is doing (the
        widgets read the LEDs after each cell), giving up after `ASK_TIMEOUT`: a busy or stuck
        board never freezes the notebook."""
        board = self.link.board
        if board is None or board.stuck:
            return nothing
        method = getattr(self.completer, what)
        try:
            return await asyncio.wait_for(
                self.on_board(method, board, code, cursor_pos), ASK_TIMEOUT
            )
        except (asyncio.TimeoutError, BridgeError):
            return nothing


def interrupt_this_process() -> None:
    """SIGINT to the kernel's own process (it wakes a blocking call such as `time.sleep`), or
    on Windows, where there is no such signal to send, a KeyboardInterrupt in the main thread."""
    if os.name == "nt":
        import _thread

        _thread.interrupt_main()
    else:
        os.kill(os.getpid(), signal.SIGINT)


def is_simulated(board: Board) -> bool:
    return board.address is not None and board.address.kind == "sim"


def device_kind(board: Board) -> str:
    """The device kind usage counts record for `board`, the same as `tne run` and `tne exec`
    record (`microbit-v2`, or `microbit-v2-sim` for the simulator): never a name."""
    from activities.registry.usage import device_kind_of

    profile = board.profile.kind if board.profile else None
    return device_kind_of(profile, is_simulated(board)) or ""


def record_session(device_kind: str, cells: int, errors: int) -> None:
    """A `kernel_session` usage event through the registry, when this machine is linked to a
    project (the registry decides; it never raises)."""
    # Imported here: SQLAlchemy and the registry cost a kernel's start nothing until it ends.
    from activities.registry.usage import record_event

    try:
        record_event("kernel_session", device_kind=device_kind or None, cells=cells, errors=errors)
    except Exception:  # noqa: BLE001 - usage counts must never break a shutdown
        log.exception("usage event not recorded")


__all__ = ["MicrobitKernel"]
