"""The simulated board as a transport: a child process (`python -m device_bridge.sim`) whose
stdin and stdout are the board's serial line.

A thread reads the child's stdout into a queue, so `read(timeout)` waits on the queue and works
the same on every platform (pipes cannot be polled on Windows). `reset_line()` restarts the
child, as the reset button restarts a board. The board's files live in a temporary folder owned
by the transport, so they survive a restart, and go when the transport is closed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import queue
import shutil
import socket
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from tne.i18n import _

from ..errors import DeviceUnreachable, LinkLost, UsageError
from ..sim.channel import LISTEN
from ..sim.inputs import InputsError, load_inputs
from ..sim.robots import ROBOTS as SIMULATED_ROBOTS
from .base import SimControls, Transport, take_queued
from .sim_child import (
    CHANNEL_ACCEPT_TIMEOUT,
    CHILD_VARIABLES,
    PACKAGE_ROOT,
    StartedChild,
    child_arguments,
    child_command,
    child_environment,
    end_process,
    new_store,
    start_child,
)

#: Robots the simulator can carry the micro:bit on (`sim:maqueen`); `sim` is a bare micro:bit.
ROBOTS: frozenset[str] = frozenset(SIMULATED_ROBOTS)
EventCallback = Callable[[dict], None]


class SimTransport(Transport):
    #: Code is written at once, unpaced (see `protocol.raw_repl.PACINGS`).
    medium = "sim"

    def __init__(
        self,
        firmware: str = "v2",
        robot: str = "",
        seed: int = 0,
        world: str = "",
        duration: float = 0.0,
        noise: float = 1.0,
        inputs: str | Path | None = None,
    ) -> None:
        """`world` (a name or a .toml path), `noise` (0: an ideal robot) for a robot;
        `duration`: cap on simulated seconds (0: none), after which programs end cleanly.
        `inputs`: a JSON file of scripted inputs (device_bridge/sim/inputs.py)."""
        self.firmware = firmware or "v2"
        self.robot = robot
        self.seed = seed
        self.inputs = Path(inputs) if inputs else None
        self.world = world
        self.duration = duration
        self.noise = noise
        self.label = "sim" + (f":{robot}" if robot else "") + f"@{self.firmware}"
        self._process: subprocess.Popen[bytes] | None = None
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._ended = False
        self._errors: deque[bytes] = deque(maxlen=20)
        self._errors_done = threading.Event()  # the child's stderr reached its end
        self._store: str | None = None  # the board's flash, kept across restarts
        # The side channel (device_bridge/sim/channel.py): events out, inputs in.
        self._subscribers: list[EventCallback] = []
        #: Held while the subscribers change and the child is told whether anyone listens.
        self._listeners_lock = threading.Lock()
        self._channel_thread: threading.Thread | None = None
        self._channel: socket.socket | None = None
        self._channel_ready = threading.Event()
        self._send_lock = threading.Lock()
        self._syncs: dict[int, threading.Event] = {}
        self._sync_ids = itertools.count(1)
        self._adopted: StartedChild | None = None  # a child started for it, not attached yet

    def arguments(self) -> list[str]:
        """The child's options that make this board (sim_child.child_arguments)."""
        return child_arguments(
            self.firmware,
            self.robot,
            self.seed,
            self.world,
            self.duration,
            self.noise,
            str(self.inputs) if self.inputs else None,
        )

    def command(self, channel_port: int = 0) -> list[str]:
        return child_command(self.arguments(), channel_port, self._store)

    def adopt(self, child: StartedChild, store: str) -> bool:
        """Take `child`, started with its flash in `store` before this transport was made
        (`tne run`'s early start, tne/cli/sim_launch.py), as the child `open()` would start:
        only if its command line is the very one this transport would use (else False, and
        the caller stops it). The transport then owns it and `store`, as if it had made them."""
        if self._process is not None or self._store is not None:
            return False
        self._store = store
        if child.command != self.command(child.listener.getsockname()[1]):
            self._store = None
            return False
        self._adopted = child
        return True

    def open(self) -> None:
        if self.robot and self.robot not in ROBOTS:
            raise UsageError(
                _(
                    "The simulator cannot carry the micro:bit on a robot '{robot}' yet. Use "
                    "--device sim for a micro:bit alone."
                ).format(robot=self.robot)
            )
        if self.inputs is not None:
            try:
                load_inputs(self.inputs)  # a bad file is told here, in French, not by the child
            except InputsError as error:
                raise UsageError(str(error)) from error
        if self._store is None:
            self._store = new_store()
        child, self._adopted = self._adopted, None
        if child is None:
            from ..sim.wasm import artifact

            # A broken install is left to the child, which reports it as for any board.
            with contextlib.suppress(artifact.ArtifactError, ImportError):
                artifact.prepare()
            try:
                child = start_child(self.command)
            except OSError as error:
                raise DeviceUnreachable(
                    _("The simulated board could not be started."), detail=str(error)
                ) from error
        self._attach(child)

    def _attach(self, child: StartedChild) -> None:
        """Read the child's output and errors, and serve its side channel, on threads."""
        process = child.process
        self._channel_ready.clear()
        self._process = process
        self._queue = queue.SimpleQueue()
        self._ended = False
        for target, stream in ((self._pump, process.stdout), (self._keep_errors, process.stderr)):
            threading.Thread(target=target, args=(stream,), name="tne-sim", daemon=True).start()
        self._channel_thread = threading.Thread(
            target=self._serve_channel, args=(child.listener,), name="tne-sim-channel", daemon=True
        )
        self._channel_thread.start()

    def _pump(self, stream) -> None:
        queue_ = self._queue
        while True:
            try:
                chunk = stream.read(4096)
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                queue_.put(None)
                return
            queue_.put(chunk)

    # -- the side channel --------------------------------------------------------------------

    @property
    def sim_controls(self) -> SimControls:
        return self

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call `callback(event)` for each event of the board from now on (on a thread of the
        transport's; events of a restarted child keep coming). Returns the function that
        unsubscribes.

        A board that nobody listens to makes no events (`channel.LISTEN`: encoding them, and
        decoding them here, made a robot's simulation a fifth slower, for nothing): the first
        subscriber tells the child to make them again, and waits until the child has read that,
        so that no event that follows this call is missed."""
        with self._listeners_lock:
            self._subscribers.append(callback)
            told = len(self._subscribers) == 1 and self._tell_listening(True)
        if told and threading.current_thread() is not self._channel_thread:
            # (Not from the channel's own thread, which reads the answer: a subscriber that
            # subscribes another from its callback. A child that stopped has no events to miss.)
            with contextlib.suppress(LinkLost):
                self.sync_events()
        return lambda: self._unsubscribe(callback)

    def _unsubscribe(self, callback: EventCallback) -> None:
        with self._listeners_lock:
            if callback in self._subscribers:
                self._subscribers.remove(callback)
                if not self._subscribers:
                    self._tell_listening(False)

    def _tell_listening(self, on: bool) -> bool:
        """Tell a connected child whether anyone listens (the caller holds `_listeners_lock`);
        False when no child is connected: `_serve_channel` tells it when it connects."""
        channel = self._channel
        if channel is None or not self._channel_ready.is_set():
            return False
        try:
            self._write_input(channel, {"kind": LISTEN, "on": on})
        except OSError:
            return False
        return True

    def send_input(self, message: dict) -> None:
        """An input for the board (`{"kind": "button", "name": "a", "pressed": True}`),
        applied at its next simulated instant."""
        channel = self._channel if self._channel_ready.wait(CHANNEL_ACCEPT_TIMEOUT) else None
        if channel is None:
            raise LinkLost(_("The simulated board stopped."))
        try:
            self._write_input(channel, message)
        except OSError as error:
            raise self._lost(str(error)) from error

    def _write_input(self, channel: socket.socket, message: dict) -> None:
        line = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        with self._send_lock:
            channel.sendall(line)

    def sync_events(self, timeout: float = 5.0) -> bool:
        """Wait until every event the board emitted so far has reached the subscribers."""
        number = next(self._sync_ids)
        done = self._syncs[number] = threading.Event()
        try:
            self.send_input({"kind": "sync", "id": number})
            return done.wait(timeout)
        finally:
            self._syncs.pop(number, None)

    def _serve_channel(self, listener: socket.socket) -> None:
        try:
            connection, _address = listener.accept()
        except OSError:
            return
        finally:
            listener.close()
        connection.settimeout(None)
        old, self._channel = self._channel, connection
        if old is not None:
            with contextlib.suppress(OSError):
                old.close()
        self._channel_ready.set()
        with self._listeners_lock:
            if not self._subscribers:  # a child makes events until told that nobody listens
                self._tell_listening(False)
        with contextlib.suppress(OSError, ValueError):
            for raw in connection.makefile("rb"):
                try:
                    event = json.loads(raw)
                except ValueError:
                    continue
                if event.get("kind") == "synced":
                    waiter = self._syncs.get(event.get("id"))
                    if waiter is not None:
                        waiter.set()
                    continue
                for callback in list(self._subscribers):
                    callback(event)

    def _keep_errors(self, stream) -> None:
        self._errors_done.clear()
        with contextlib.suppress(OSError, ValueError):
            for line in iter(stream.readline, b""):
                self._errors.append(line)
        self._errors_done.set()

    def _lost(self, detail: str = "") -> LinkLost:
        process = self._process
        if process is not None:  # let the child's last words (its stderr) arrive
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1)
            self._errors_done.wait(1)
        errors = b"".join(self._errors).decode("utf-8", "replace")
        message = _("The simulated board stopped.")
        return LinkLost(message, detail=(detail + "\n" + errors).strip())

    def write(self, data: bytes) -> None:
        process = self._process
        if process is None or process.stdin is None:
            raise LinkLost(_("The connection to the board is closed."))
        try:
            process.stdin.write(data)
            process.stdin.flush()
        except (OSError, ValueError) as error:
            raise self._lost(str(error)) from error

    def read(self, timeout: float) -> bytes:
        if self._process is None:
            raise LinkLost(_("The connection to the board is closed."))
        data, ended = take_queued(self._queue, timeout)
        if ended:
            self._ended = True
        if not data and self._ended:
            raise self._lost()
        return data

    def close(self) -> None:
        adopted, self._adopted = self._adopted, None
        if adopted is not None:
            adopted.stop()
        self._stop()
        store, self._store = self._store, None
        if store is not None:
            shutil.rmtree(store, ignore_errors=True)

    def _stop(self) -> None:
        process, self._process = self._process, None
        channel, self._channel = self._channel, None
        if channel is not None:
            with contextlib.suppress(OSError):
                channel.close()
        if process is not None:
            end_process(process)

    def reset_line(self) -> bool:
        """The reset button: a fresh child process; globals are lost, files are kept."""
        self._stop()
        self.open()
        return True


__all__ = ["CHILD_VARIABLES", "PACKAGE_ROOT", "SimTransport", "child_environment"]
