"""Limits of a run of pupil code on the simulated board: their defaults (the child's
`--cpu-limit` and `--wall-limit`) and the French messages that say why a run was stopped.

A loop without `sleep` is ordinary pupil code: it runs until Stop, or until a limit ends it. The
engine enforces the limits without the program's cooperation (wasm/vm.py: fuel for CPU, epochs
for wall time, the store's cap for memory, the output cap); past one, the run ends with its
message on the board's stderr and the board restarts, files kept.
"""

from __future__ import annotations

from tne.i18n import _, number

#: Defaults: generous for a program that a class watches run, short enough to free a server.
CPU_LIMIT_S = 300.0
WALL_LIMIT_S = 1800.0


def cpu_message(seconds: float) -> str:
    return _(
        "The program used more than {seconds} s of computing time and was stopped. Add a "
        "sleep() to your loops, or ask your teacher."
    ).format(seconds=number(seconds))


def wall_message(seconds: float) -> str:
    return _("The program ran for more than {seconds} s and was stopped by the simulator.").format(
        seconds=number(seconds)
    )
