"""Codes the registry stores (usage event kinds, device kinds) as a French reader names them:
every report format shows these, never `cli_run` or `microbit-v2-sim`. JSON keeps the codes."""

from __future__ import annotations

from tne.i18n import _

from ..kinds import label as kind_label
from ..usage import SIMULATED_SUFFIX


def event_label(kind: str) -> str:
    """A usage event kind: what happened on the linked machine."""
    return {
        "cli_run": _("program run from the command line"),
        "cli_flash": _("board flashed"),
        "workshop_run": _("program run at a workshop table"),
        "kernel_session": _("notebook session"),
        "grading_run": _("activity graded"),
    }.get(kind, kind)


def device_label(kind: str | None) -> str:
    """A device kind of a usage event or an inventory: a simulated board says so."""
    if not kind:
        return ""
    if kind == "sim":
        return _("simulated board")
    if kind.endswith(SIMULATED_SUFFIX):
        return _("{board} (simulated)").format(board=device_label(kind[: -len(SIMULATED_SUFFIX)]))
    if kind == "micropython":
        return _("other MicroPython board")
    return kind_label(kind)


def state_label(state: str) -> str:
    """A dossier's state (`models.DOSSIER_STATES`) as the démarches platform names it."""
    return {
        "brouillon": _("draft"),
        "en_construction": _("being completed"),
        "en_instruction": _("under review"),
        "accepte": _("accepted"),
        "refuse": _("refused"),
        "sans_suite": _("closed without follow-up"),
    }.get(state, state)
