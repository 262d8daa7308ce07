"""The simulated board's child process started: its command line, its clean environment, and the
process itself with the side channel's listening socket (`start_child`).

Light on purpose (the standard library's `socket`, `subprocess` and `tempfile`, and the engine's
cache check): `tne run --device sim...` starts its child through this module before anything
else of the bridge is imported (tne/cli/sim_launch.py), and `SimTransport` (transports/sim.py)
starts its own children through it too, or adopts one started here (`SimTransport.adopt`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

#: The folder that holds the `device_bridge` package, so the child finds it from any cwd.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
#: Seconds the child has to dial back on the side channel.
CHANNEL_ACCEPT_TIMEOUT = 15.0
#: The only variables of the parent's environment the child receives (a clean child: a secret
#: of the teacher's session never reaches the process that runs pupils' code), and why each.
CHILD_VARIABLES: dict[str, str] = {
    "PYTHONPATH": "where the parent found this package (an editable install, a checkout); "
    "the package's own folder is put first in any case",
    "PYTHONHOME": "a relocated or embedded Python finds its standard library only through it",
    "LD_LIBRARY_PATH": "a Python built with its shared library outside the system's folders "
    "does not start without it",
    "SYSTEMROOT": "Windows cannot start a Python process without it (nor give it sockets or "
    "random numbers)",
    "HOME": "the user cache folder, where the compiled engine is kept (sim/wasm/artifact.py): "
    "without it each board would compile the engine again",
    "XDG_CACHE_HOME": "the same cache folder, where the user moved it (Linux)",
    "LOCALAPPDATA": "the same cache folder (Windows)",
    "TNE_LANG": "the child words its messages (limits, restarts) in the parent's language",
}


def child_arguments(
    firmware: str,
    robot: str,
    seed: int,
    world: str,
    duration: float,
    noise: float,
    inputs: str | None,
) -> list[str]:
    """The options of `python -m device_bridge.sim` that make the board (all but the side
    channel's port and the flash's folder, which each start has its own): `world` is the world
    file's resolved path, `duration` 0 for no cap, `inputs` a file or None."""
    return (
        ["--firmware", firmware, "--robot", robot, "--seed", str(seed)]
        + (["--inputs", inputs] if inputs else [])
        + (["--world", world, "--noise", str(noise)] if robot else [])
        + (["--duration", str(duration)] if duration else [])
    )


def child_command(arguments: list[str], channel_port: int, store: str | None) -> list[str]:
    """The child's whole command line."""
    return (
        [sys.executable, "-u", "-m", "device_bridge.sim", *arguments]
        + ["--channel", str(channel_port)]
        + (["--state", store] if store else [])
    )


def child_environment(parent: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: the `CHILD_VARIABLES` the parent has, nothing else."""
    parent = dict(os.environ if parent is None else parent)
    env = {name: parent[name] for name in CHILD_VARIABLES if parent.get(name)}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PACKAGE_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def new_store() -> str:
    """A fresh folder for a board's flash (its files), which the caller removes at the end."""
    return tempfile.mkdtemp(prefix="tne-sim-")


class StartedChild:
    """A child process started with `command`, and the socket its side channel dials back to
    (accepted by whoever runs the board: `SimTransport`)."""

    def __init__(
        self, process: subprocess.Popen[bytes], listener: socket.socket, command: list[str]
    ) -> None:
        self.process = process
        self.listener = listener
        self.command = command

    def stop(self) -> None:
        """End the child and close its pipes and socket (a child nobody ran code on)."""
        self.listener.close()
        end_process(self.process)


def end_process(process: subprocess.Popen[bytes]) -> None:
    """Close a child's pipes and end it (its files are its owner's to remove)."""
    for stream in (process.stdin, process.stdout, process.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.close()
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def start_child(command: Callable[[int], list[str]]) -> StartedChild:
    """Start a child with the command line `command(channel_port)` gives (`child_command`, or a
    caller's own), without waiting for it. Raises OSError if it cannot start."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(CHANNEL_ACCEPT_TIMEOUT)
    try:
        line = command(listener.getsockname()[1])
        process = subprocess.Popen(
            line,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            env=child_environment(),
        )
    except OSError:
        listener.close()
        raise
    return StartedChild(process, listener, line)
