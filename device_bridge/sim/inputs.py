"""Scripted inputs: a JSON file that plays a person's part, so that a run repeats exactly.

The file holds a list of inputs, each with the simulated instant (ms since power-on) it
happens at: `[{"t": 500, "kind": "button", "name": "a", "pressed": true}, ...]`. The kinds are
the side channel's (docs/simulator.md, "Inputs"). `load_inputs` checks the file and says in
French what is wrong with it; `schedule` hands each input to `Hardware.queue_input`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from tne.i18n import _

from .hardware import Hardware


class InputsError(ValueError):
    """A scripted-inputs file the simulator cannot use (the message says why, in French)."""


def load_inputs(path: str | Path) -> list[dict]:
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputsError(
            _("The inputs file {path} cannot be read: {error}.").format(
                path=file, error=error.strerror or error
            )
        ) from error
    except ValueError as error:
        raise InputsError(
            _("The inputs file {path} is not valid JSON ({error}).").format(path=file, error=error)
        ) from error
    if not isinstance(data, list):
        raise InputsError(_("The inputs file {path} must hold a list of inputs.").format(path=file))
    for index, item in enumerate(data, start=1):
        at = item.get("t") if isinstance(item, dict) else None
        valid_time = isinstance(at, (int, float)) and not isinstance(at, bool) and math.isfinite(at)
        if not valid_time or at < 0 or not isinstance(item.get("kind"), str):
            raise InputsError(
                _(
                    'Input {index} of {path} needs a time "t" (ms, 0 or more) and a '
                    '"kind", for example {example}.'
                ).format(
                    index=index,
                    path=file,
                    example='{"t": 500, "kind": "button", "name": "a", "pressed": true}',
                )
            )
    return data


def schedule(hardware: Hardware, inputs: list[dict]) -> None:
    for item in inputs:
        message = {key: value for key, value in item.items() if key != "t"}
        hardware.queue_input(message, at_ms=float(item["t"]))
