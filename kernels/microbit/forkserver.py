"""A warm template that forks one fresh grading kernel per submission (Linux, macOS).

`tne class grade` starts a kernel for every submission, and most of a kernel's start is
CPython importing ipykernel, IPython, zmq and this kernel (about 0.6 CPU-second each time).
A grading worker therefore starts this process once (`python -m kernels.microbit.forkserver`):
it imports those modules and starts nothing else (no zmq context, no event loop, no thread),
then, for each request read on stdin, forks a child that runs `IPKernelApp` with the request's
connection file, environment and folder, exactly as a freshly launched kernel would. Each
submission still gets a new process, that never ran anyone's code, and its own simulated board
(the kernel starts its simulator child as usual); the template itself never runs a cell.

Requests and answers are JSON lines: `{"argv": [...], "env": {...}, "cwd": "..."}` gets
`{"pid": N}` or `{"error": "..."}`. The template ends when its stdin closes (its worker ended).
The client side is `kernels/microbit/forked.py`.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import threading
from typing import Any

from .forked import kernel_arguments


def _run_kernel(request: dict[str, Any]) -> int:
    """In the forked child: become a kernel process of its own, then run the kernel."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its simulator child
    os.setsid()  # its own process group: a kill of the group also ends its simulator child
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # stdout was the template's answer pipe
    os.chdir(request.get("cwd") or os.getcwd())
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = list(request["argv"])
    from ipykernel.kernelapp import IPKernelApp

    from .kernel import MicrobitKernel

    try:
        IPKernelApp.launch_instance(argv=request["arguments"], kernel_class=MicrobitKernel)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    atexit._run_exitfuncs()  # the kernel's own clean-up (its simulator child)
    return code


def _fork(request: dict[str, Any]) -> dict[str, Any]:
    arguments = kernel_arguments(request.get("argv") or [])
    if arguments is None or not isinstance(request.get("env"), dict):
        return {"error": "not a kernels.microbit command"}
    request["arguments"] = arguments
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = _run_kernel(request)
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    return {"pid": pid}


def serve() -> None:
    """Import the kernel, say so, then fork one kernel per request until stdin closes."""
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401 - the warm part

    from . import kernel  # noqa: F401

    if threading.active_count() != 1:  # a thread would not survive the fork
        print(json.dumps({"error": "threads running in the template"}), flush=True)
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they end
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            answer = _fork(json.loads(line))
        except (ValueError, TypeError, OSError) as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
