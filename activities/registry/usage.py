"""Usage events from the kernel, the bridge and the CLI, for the project this machine is linked
to (see `link`): what was run, on which kind of device, how many cells and errors.

`record_event` is called from places where a pupil is working, so it never raises: a missing,
locked or broken database costs one warning on stderr, never a failed cell. It takes only short
identifiers (checked against patterns, so free text such as a pupil's name or a line of code
cannot slip in) and counts.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from typing import Any

from .link import read_link

#: An event kind such as `cli_run` or `cell`.
KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: An activity identifier from the catalogue, such as `robot-suiveur` or `defi_2.1`.
ACTIVITY = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,99}$")
#: A device kind such as `microbit-v2`, `sim` or `esp32`.
DEVICE_KIND = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,39}$")
#: Beyond this, a count is a bug, not a classroom.
MAX_COUNT = 1_000_000
#: Ends the device kind of a simulated board (`microbit-v2-sim`): never counted as hardware.
SIMULATED_SUFFIX = "-sim"

_engines: dict[str, Any] = {}
_engines_lock = threading.Lock()


def record_event(
    kind: str,
    *,
    activity: str | None = None,
    device_kind: str | None = None,
    cells: int = 0,
    errors: int = 0,
) -> bool:
    """Record one event for the linked project; False (and nothing recorded) when the machine is
    not linked or the event cannot be recorded."""
    try:
        link = read_link()
        if link is None:
            return False
        problem = _refusal(kind, activity, device_kind, cells, errors)
        if problem:
            _warn(problem)
            return False
        _insert(link.database, link.project_id, kind, activity, device_kind, cells, errors)
        return True
    except Exception as problem:  # never break a pupil's cell
        _warn(f"{type(problem).__name__}: {problem}")
        return False


def device_kind_of(profile_kind: str | None, simulated: bool) -> str | None:
    """The device kind every front end records for a board: the firmware's profile kind
    (`microbit-v2`), marked `-sim` when the board is the simulator, which answers the probe as
    the firmware it imitates."""
    if not simulated:
        return profile_kind
    return f"{profile_kind}{SIMULATED_SUFFIX}" if profile_kind else "sim"


def record_workshop_run(run: Any) -> None:
    """One event per program run on a workshop table (`device_bridge.workshop.EndedRun`): the
    board's kind and whether the run failed, nothing of what it printed."""
    record_event(
        "workshop_run",
        device_kind=device_kind_of(run.profile_kind, run.simulated),
        errors=int(not run.ok),
    )


def _refusal(
    kind: object, activity: object, device_kind: object, cells: object, errors: object
) -> str | None:
    if not isinstance(kind, str) or not KIND.match(kind):
        return f"event kind refused: {kind!r}"
    for name, value, pattern in (
        ("activity", activity, ACTIVITY),
        ("device kind", device_kind, DEVICE_KIND),
    ):
        if value is not None and (not isinstance(value, str) or not pattern.match(value)):
            return f"{name} refused (not a short identifier)"
    for name, count in (("cells", cells), ("errors", errors)):
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            return f"{name} refused: {count!r}"
    return None


def _insert(
    url: str,
    project_id: int,
    kind: str,
    activity: str | None,
    device_kind: str | None,
    cells: int,
    errors: int,
) -> None:
    from sqlalchemy import insert

    from .database import writer
    from .models import UsageEvent, utc_now

    engine = _engine(url)
    with writer(engine).begin() as connection:
        connection.execute(
            insert(UsageEvent).values(
                project_id=project_id,
                kind=kind,
                activity=activity,
                device_kind=device_kind,
                cells=cells,
                errors=errors,
                occurred_at=utc_now(),
            )
        )


def _engine(url: str) -> Any:
    """One engine per database for the life of the process (a kernel records many events)."""
    with _engines_lock:
        if url not in _engines:
            from .database import make_engine

            _engines[url] = make_engine(url)
        return _engines[url]


def _warn(detail: str) -> None:
    # Developers read this, not pupils: a technical line, deliberately not translated.
    with contextlib.suppress(Exception):  # a closed stderr must not break the cell either
        print(f"tne: usage event not recorded ({detail})", file=sys.stderr)
