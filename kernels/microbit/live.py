"""The hook through which the widgets follow the kernel (contract in docs/architecture.md).

The kernel calls a "live" object at each event: `on_connection(label, connected)`,
`on_output(text, stream)`, `on_cell_start()`, `on_cell_end(ok)`. The widgets package provides
one with `kernels.widgets.make_live(kernel)`; without it (or if it fails to load) the kernel uses
`NoLive`. Every call is guarded: a failing widget is logged, never shown as a cell error.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from typing import Any

log = logging.getLogger(__name__)
WIDGETS_MODULE = "kernels.widgets"
#: `TNE_WIDGETS=off` starts the kernel without widgets (grading, benchmarks).
SWITCH_VARIABLE = "TNE_WIDGETS"


class NoLive:
    """What the kernel calls when no widgets are installed: nothing happens."""

    def on_connection(self, label: str | None, connected: bool) -> None:
        pass

    def on_output(self, text: str, stream: str) -> None:
        pass

    def on_cell_start(self) -> None:
        pass

    def on_cell_end(self, ok: bool) -> None:
        pass


#: The hooks the kernel calls: `NoLive`'s methods, and every live object has them all.
HOOKS = frozenset(name for name in vars(NoLive) if name.startswith("on_"))


class Guarded:
    """Calls the widgets' live object, logging (and swallowing) whatever it raises. A name
    that is not a hook is an error at once (a misspelt hook never becomes a silent no-op)."""

    def __init__(self, live: Any) -> None:
        self.live = live

    def __getattr__(self, name: str) -> Any:
        if name not in HOOKS:
            raise AttributeError(f"no live hook {name!r}; the hooks are {sorted(HOOKS)}")
        method = getattr(self.live, name)

        def call(*args: Any) -> None:
            try:
                method(*args)
            except Exception:  # noqa: BLE001 - a widget bug must not break a cell
                log.exception("live hook %s failed", name)

        return call


def make_live(kernel: Any) -> Guarded:
    """`kernels.widgets.make_live(kernel)` when that module exists (and `TNE_WIDGETS` is not
    `off`), else `NoLive()`."""
    live: Any = NoLive()
    if os.environ.get(SWITCH_VARIABLE, "").strip().lower() in ("off", "0", "no"):
        return Guarded(live)
    try:
        if importlib.util.find_spec(WIDGETS_MODULE) is not None:
            live = importlib.import_module(WIDGETS_MODULE).make_live(kernel)
    except Exception:  # noqa: BLE001 - the kernel runs without widgets
        log.exception("could not load %s", WIDGETS_MODULE)
        live = NoLive()
    return Guarded(live)
