"""The run a check queries: the pupil's program on a fresh, sealed simulated board (and, for a
radio activity, a scripted partner board in the same air), made with `RecordedBoard`, the same
recorded run as `tne run --device sim:...`.

Simulated time is counted from the board's power-on, as `running_time()` counts it on a real
board; the bridge's connection takes about 0.2 s of it before the program starts.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from device_bridge import parse_address
from device_bridge.errors import BridgeError, ExecTimeout
from device_bridge.protocol import RunResult
from device_bridge.sim.radio_medium import RadioMedium
from device_bridge.sim.recorded import RecordedBoard
from device_bridge.sim.trace import Trace
from device_bridge.sim.world import load_world
from tne.i18n import _

from .errors import CheckFailed, CheckSetupError

#: Wall seconds a check's run may last beyond its simulated duration.
MARGIN_S = 30.0
#: Times a board that does not start is started afresh.
START_ATTEMPTS = 3
#: Simulated seconds a listening partner may run beyond the pupil's duration (it is stopped as
#: soon as the pupil's program ended), and wall seconds it is given to hear the last packets.
LISTEN_CAP_S = 600.0
LISTEN_AFTER_S = 0.5


@dataclass
class RunPlan:
    """What a check asks of the simulator before its first question."""

    firmware: str = "v2"
    robot: str = ""
    world: str = ""
    duration_s: float = 10.0
    seed: int = 0
    noise: float = 1.0
    #: Times real time; 0 is as fast as possible. A run with a partner is paced (1 by default)
    #: so that the two boards' clocks stay together.
    speed: float | None = None
    inputs: list[dict] = field(default_factory=list)
    partner: str | None = None
    #: The partner only listens (`partner_radio`): its messages are already scripted radio
    #: inputs of the pupil's board, which then runs unpaced and deterministic.
    partner_listens_only: bool = False
    after: str = ""


@dataclass
class RunOutcome:
    trace: Trace
    partner: Trace | None
    error: str | None  # the last line of the pupil program's traceback, if it failed


def simulate(program: str, plan: RunPlan) -> RunOutcome:
    """Run `program` (then `plan.after`) as the plan says, and return the traces.

    A board that does not start (a machine too busy to boot the simulator in time) is started
    afresh, up to `START_ATTEMPTS` times: that is the grader's trouble, never the pupil's."""
    address = parse_address("sim" + (f":{plan.robot}" if plan.robot else "") + f"@{plan.firmware}")
    try:
        world = load_world(plan.world or None) if plan.robot else None
    except BridgeError as error:
        raise CheckSetupError(error.message) from error
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return _simulate_once(program, plan, address, world)
        except _NotStarted as not_started:
            if attempt == START_ATTEMPTS:
                raise CheckFailed(
                    _("The simulated board could not run your program: {error}").format(
                        error=not_started.error.message
                    )
                ) from not_started.error
    raise AssertionError("unreachable")


class _NotStarted(Exception):
    def __init__(self, error: BridgeError) -> None:
        super().__init__(error.message)
        self.error = error


def _simulate_once(program: str, plan: RunPlan, address, world) -> RunOutcome:
    paced_pupil = plan.partner is not None and not plan.partner_listens_only
    speed = plan.speed if plan.speed is not None else (1.0 if paced_pupil else 0.0)
    # A listening partner runs until the pupil's program ended (then it is stopped); a
    # partner that talks shares the pupil's duration, both paced at real time.
    partner_duration = plan.duration_s + (LISTEN_CAP_S if plan.partner_listens_only else 0.0)
    with tempfile.TemporaryDirectory(prefix="tne-check-") as folder:
        inputs = Path(folder) / "inputs.json"
        inputs.write_text(json.dumps(plan.inputs), encoding="utf-8")
        pupil = RecordedBoard(address, world, plan.seed, plan.duration_s, plan.noise, inputs)
        partner = RecordedBoard(parse_address("sim"), None, plan.seed + 1, partner_duration)
        medium = RadioMedium()
        try:
            try:
                board = pupil.start()
                if plan.partner is not None:
                    partner.start()
            except BridgeError as error:
                raise _NotStarted(error) from error
            if plan.partner is not None:
                medium.join(pupil.transport).join(partner.transport)  # type: ignore[arg-type]
                partner.transport.send_input({"kind": "speed", "factor": 1.0})
            if speed > 0:
                pupil.transport.send_input({"kind": "speed", "factor": speed})
            timeout = (plan.duration_s / speed if speed else 0.0) + MARGIN_S
            partner_run = _start_partner(partner, plan.partner, timeout + LISTEN_CAP_S)
            code = program + ("\n" + plan.after if plan.after else "")
            result = _run(board.run, code, timeout)
            trace = pupil.finish()
            other = None
            if partner_run is not None:
                other = _partner_trace(partner, partner_run, plan, timeout)
        except BridgeError as error:
            raise CheckFailed(
                _("The simulated board could not run your program: {error}").format(
                    error=error.message
                )
            ) from error
        finally:
            medium.close()
            pupil.close()
            partner.close()
    return RunOutcome(trace, other, _error_line(result))


def _partner_trace(
    partner: RecordedBoard, run: threading.Thread, plan: RunPlan, timeout: float
) -> Trace:
    """The partner's trace once the pupil's program ended. A listening partner loops for ever:
    its last packets are given `LISTEN_AFTER_S` to arrive, then its process is ended. Whatever
    goes wrong with the partner is the grader's business: its trace so far is kept."""
    if plan.partner_listens_only:
        time.sleep(LISTEN_AFTER_S)
        with contextlib.suppress(BridgeError):
            partner.finish()
        partner.transport.close()  # ends its endless loop; its thread sees the link lost
        run.join(5.0)
        return partner.trace
    run.join(timeout)
    with contextlib.suppress(BridgeError):
        partner.finish()
    return partner.trace


def _run(run, code: str, timeout: float) -> RunResult:
    try:
        return run(code, timeout=timeout)
    except ExecTimeout as error:
        raise CheckFailed(
            _(
                "Your program did not finish in time, even on the simulator: does it wait for "
                "something that never comes?"
            )
        ) from error


def _start_partner(
    partner: RecordedBoard, code: str | None, timeout: float
) -> threading.Thread | None:
    if code is None or partner.board is None:
        return None
    board = partner.board

    def work() -> None:
        # The partner's trace shows what it did; the pupil's run is what is graded.
        with contextlib.suppress(BridgeError):
            board.run(code, timeout=timeout)

    thread = threading.Thread(target=work, name="tne-check-partner", daemon=True)
    thread.start()
    return thread


def _error_line(result: RunResult) -> str | None:
    if not result.stderr:
        return None
    lines = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line]
    return lines[-1].strip() if lines else "Error"
