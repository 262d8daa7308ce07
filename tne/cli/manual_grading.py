"""`tne class grade ACTIVITY --manual`: the teacher marks the open answers in the terminal,
one pupil's answer at a time, with the activity's rubric in view
(`activities/classroom/manual.py` reads and writes the gradebook).

Each mark is saved as soon as it is typed: Enter skips an answer (it stays to grade), `q` or
Ctrl-D stops, and what was typed before stays saved.
"""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.panel import Panel

from tne.i18n import _

from .output import say, stderr_console

#: What the teacher types to stop (Ctrl-D does the same).
QUIT = "q"


def grade_by_hand(course, activity_id: str, again: bool, names: dict[str, str]) -> int:
    """Ask for every answer still to grade; returns how many marks were saved."""
    from activities.classroom.errors import ClassroomError
    from activities.classroom.manual import open_answers, parse_points, record_mark

    saved = 0
    for answer in open_answers(course, activity_id, again):
        who = f"{names.get(answer.student_id, '?')} ({answer.student_id})"
        stderr_console().rule(
            _("{pupil}, answer « {cell} » (out of {most})").format(
                pupil=escape(who),
                cell=answer.cell.grade_id,
                most=f"{answer.cell.max_points:g}",
            )
        )
        stderr_console().print(Panel(escape(answer.text) or _("(no answer)"), expand=False))
        for criterion in answer.criteria:
            stderr_console().print(f"  • {escape(criterion)}")
        if answer.points is not None:
            say(_("Mark so far: {points}").format(points=f"{answer.points:g}".replace(".", ",")))
        while True:
            typed = _ask(
                _("Points (0 to {most}; Enter: later; q: stop)").format(
                    most=f"{answer.cell.max_points:g}"
                )
            )
            if typed is None or typed.strip().lower() == QUIT:
                say(_("Stopped: the marks already typed are saved."))
                return saved
            if not typed.strip():
                break
            try:
                points = parse_points(typed, answer.cell)
            except ClassroomError as problem:
                say(problem.message)
                continue
            comment = _ask(_("Comment for the pupil (optional)")) or ""
            record_mark(course, activity_id, answer, points, comment)
            saved += 1
            break
    return saved


def _ask(question: str) -> str | None:
    """One line typed by the teacher, or None at the end of the input (Ctrl-D)."""
    try:
        return typer.prompt(question, default="", show_default=False)
    except (typer.Abort, EOFError):
        return None
