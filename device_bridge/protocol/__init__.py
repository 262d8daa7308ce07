"""The MicroPython raw REPL over any transport: the only place that knows the control bytes."""

from .raw_repl import Pacing, Phase, RawRepl, RunResult, board_error

__all__ = ["Pacing", "Phase", "RawRepl", "RunResult", "board_error"]
