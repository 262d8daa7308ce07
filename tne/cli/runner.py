"""Run one CLI action on the boards a `--device` address names, and turn errors into exit codes.

Exit codes: 0 ok; 1 the code on the board raised, or the board reported a file error; 2 usage
error or bad local path; 3 device unreachable or not responding; 130 Ctrl-C.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from device_bridge import Board, parse_address
from device_bridge.address import DeviceAddress
from device_bridge.errors import (
    BoardError,
    BridgeError,
    DeviceNotResponding,
    DeviceUnreachable,
    ExecTimeout,
    LinkLost,
)
from tne.i18n import _, ngettext

from .output import BoardOutput, error, say

EXIT_OK, EXIT_BOARD, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class Target:
    """One board the command runs on, and what the command needs to report about it."""

    address: DeviceAddress
    prefix: str = ""
    board: Board | None = None
    code: int = EXIT_OK
    done: threading.Event = field(default_factory=threading.Event)
    #: How people call this board: its workshop label, else its port (for collected files).
    name: str = ""
    #: What stopped the action, if anything (the per-board summary says it).
    problem: BridgeError | None = None


Action = Callable[[Board, BoardOutput, str], int]


def resolve_targets(device: str) -> list[Target]:
    """The boards named by `device`; `auto` says which board it chose, on stderr."""
    address = parse_address(device)
    if address.kind == "auto":
        from device_bridge.discovery import resolve_auto

        found = resolve_auto()
        say(_("Board chosen: {label}").format(label=found.label))
        return [Target(found.parsed_address, name=found.short_name)]
    if address.kind == "all":
        from device_bridge.discovery import resolve_all

        found_all = resolve_all()
        if not found_all:
            raise DeviceUnreachable(_("No board found. Plug one in, then try again."))
        return [Target(f.parsed_address, prefix=f.prefix, name=f.short_name) for f in found_all]
    if address.kind == "label":
        from device_bridge.discovery import resolve_label

        found = resolve_label(address.target)
        return [Target(found.parsed_address, name=found.short_name)]
    return [Target(address, name=str(address))]


def report(problem: BaseException, prefix: str = "") -> int:
    """Say what went wrong, in the reader's words, and give its exit code."""
    if isinstance(problem, BoardError):
        text = problem.traceback.replace("\r\n", "\n").rstrip("\n")
        for line in text.splitlines():
            error(line, prefix)
        return EXIT_BOARD
    if isinstance(problem, BridgeError):
        error(problem.message, prefix)
        return problem.exit_code
    raise problem


def _work(target: Target, action: Action) -> None:
    out = BoardOutput(prefix=target.prefix)
    try:
        target.board = Board.connect(target.address)
        target.code = action(target.board, out, target.prefix)
    except BridgeError as problem:
        target.problem = problem
        target.code = report(problem, target.prefix)
    finally:
        _record_usage(target)
        out.close()
        if target.board is not None:
            target.board.close()
        target.done.set()


def _record_usage(target: Target) -> None:
    """One usage event per board a command reached, when this machine is linked to a project
    (see `activities.registry.usage`; it never raises)."""
    profile = getattr(target.board, "profile", None)
    if profile is None:
        return
    from activities.registry.usage import device_kind_of, record_event

    simulated = target.address.kind == "sim"
    record_event(
        "cli_run",
        device_kind=device_kind_of(profile.kind, simulated),
        errors=int(target.code != EXIT_OK),
    )


def run_on_boards(device: str, action: Action, targets: list[Target] | None = None) -> int:
    """Run `action` on each board of `device` (in parallel for `all`) and give the exit code.

    Each board has its own thread: one that fails, is unplugged or hangs (up to its own
    time-out) never holds the others back. With several boards the command ends with a
    summary per board. Ctrl-C stops the programs on the boards, not only the CLI. `targets`:
    the boards already resolved from `device`, when the caller needed them first."""
    if targets is None:
        try:
            targets = resolve_targets(device)
        except BridgeError as problem:
            return report(problem)
    threads = [
        threading.Thread(target=_work, args=(t, action), daemon=True, name=str(t.address))
        for t in targets
    ]
    for thread in threads:
        thread.start()
    try:
        for target in targets:
            # A short wait returns the moment the board is done; it is a loop only so that
            # Ctrl-C reaches this thread on Windows, where an endless wait cannot be interrupted.
            while not target.done.wait(0.25):
                pass
    except KeyboardInterrupt:
        return _stop_all(targets)
    if len(targets) > 1:
        summary([(t.name or str(t.address), t.code, t.problem) for t in targets])
    return max(t.code for t in targets)


def outcome(code: int, problem: BaseException | None) -> str:
    """One board's result in a word or two, for the summary and the workshop table."""
    if isinstance(problem, LinkLost):
        return _("lost")
    if isinstance(problem, (DeviceNotResponding, ExecTimeout)):
        return _("not responding")
    if isinstance(problem, DeviceUnreachable):
        return _("unreachable")
    if code == EXIT_OK:
        return _("done")
    return _("error")


def summary(results: list[tuple[str, int, BaseException | None]]) -> None:
    """The per-board summary that ends a command run on several boards: (name, exit code,
    what stopped it) for each board."""
    failed = sum(1 for _name, code, _problem in results if code != EXIT_OK)
    say(
        ngettext(
            "Summary: {ok} board of {count} done.",
            "Summary: {ok} of {count} boards done.",
            len(results) - failed,
        ).format(ok=len(results) - failed, count=len(results))
    )
    for name, code, problem in results:
        say(_("  {name}: {outcome}").format(name=name, outcome=outcome(code, problem)))


def _stop_all(targets: list[Target]) -> int:
    for target in targets:
        board = target.board
        if board is not None and not target.done.is_set():
            board.request_stop()
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and not all(t.done.is_set() for t in targets):
        time.sleep(0.05)
    for target in targets:
        if not target.done.is_set():
            error(_("The board did not stop. Press the reset button on its back."), target.prefix)
            if target.board is not None:
                target.board.close_link()
    say(_("Stopped."))
    return EXIT_INTERRUPTED


def usage(message: str) -> int:
    error(message)
    return EXIT_USAGE
