"""The kernel's hooks into the widgets (kernels/microbit/live.py): a misspelt hook fails at
once, and the widgets implement every hook the kernel calls."""

from __future__ import annotations

import pytest

from kernels.microbit.live import HOOKS, Guarded, NoLive


def test_a_misspelt_hook_is_an_error_not_a_silent_no_op() -> None:
    live = Guarded(NoLive())
    live.on_cell_start()
    with pytest.raises(AttributeError):
        live.on_cel_start()  # type: ignore[attr-defined]


def test_the_widgets_have_every_hook_the_kernel_calls() -> None:
    from kernels.widgets.live import LiveWidgets

    assert {"on_connection", "on_output", "on_cell_start", "on_cell_end"} == HOOKS
    assert all(callable(getattr(LiveWidgets, hook, None)) for hook in HOOKS)
