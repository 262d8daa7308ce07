"""`print_activity`: every PDF of an activity, made in memory, then written all together.

A bad id, a sheet that cannot be read, a folder that cannot be written: `PrintingError` in
French before anything is written; and if writing fails midway, what was written is removed,
so the folder gets all the PDFs or none of them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from device_bridge.sim.world import World, WorldError, load_world
from tne.i18n import _, ngettext, number

from .errors import PrintingError
from .mat import is_bare, layout, mat_pdf, start_text
from .memo import memo_pdf
from .pdf import PAPERS, Pdf
from .sheets import PUPIL_SHEET, TEACHER_SHEET, sheet_pdf
from .source import ActivityInfo, find_activity, uses_robot
from .typography import french_text

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Printed:
    """One PDF written, and what it is for people."""

    path: Path
    what: str
    pages: int


def default_folder(activity_id: str) -> Path:
    return Path.cwd() / f"{activity_id}-a-imprimer"


def print_activity(
    activity_id: str,
    out: Path | None = None,
    paper: str = "A4",
    catalogue: Path | None = None,
    progress: Progress | None = None,
) -> list[Printed]:
    """The pupil sheet, the teacher sheet, the memo and (robot activities) the mat of
    `activity_id`, as PDFs in `out` (by default `<id>-a-imprimer` in the current folder)."""
    say = progress or (lambda message: None)
    paper = paper.upper()
    if paper not in PAPERS:
        raise PrintingError(_("Unknown paper size '{paper}': choose A4 or A3.").format(paper=paper))
    activity = find_activity(activity_id, catalogue)
    folder = out if out is not None else default_folder(activity.id)
    _check_writable(folder)
    say(_("Printing « {title} » ({id})…").format(title=french_text(activity.title), id=activity.id))
    made: list[tuple[str, str, Pdf]] = [
        (f"{activity.id}-fiche-eleve.pdf", _("pupil sheet"), sheet_pdf(activity, PUPIL_SHEET)),
        (
            f"{activity.id}-fiche-enseignant.pdf",
            _("teacher sheet"),
            sheet_pdf(activity, TEACHER_SHEET),
        ),
        (f"{activity.id}-aide-memoire.pdf", _("memo"), memo_pdf(activity)),
    ]
    if uses_robot(activity):
        made.append(_mat(activity, paper, say))
    written = _write_all(folder, [(name, pdf.data) for name, _what, pdf in made])
    printed = [
        Printed(path, what, pdf.pages)
        for path, (_name, what, pdf) in zip(written, made, strict=True)
    ]
    for item in printed:
        say(
            ngettext(
                "Written: {path} ({what}, {pages} page).",
                "Written: {path} ({what}, {pages} pages).",
                item.pages,
            ).format(path=item.path, what=item.what, pages=item.pages)
        )
    return printed


def _mat(activity: ActivityInfo, paper: str, say: Progress) -> tuple[str, str, Pdf]:
    """A robot activity's mat at actual size, after telling how it is cut into sheets (and that
    a bare mat can be marked out with tape instead)."""
    world = _world(activity)
    plan = layout(world, paper)
    say(
        _(
            "Mat « {title} »: {width} × {height} cm at actual size, {sheets} sheets "
            "{paper} ({rows} rows of {columns}) and an assembly plan."
        ).format(
            title=french_text(world.title),
            width=number(world.width),
            height=number(world.height),
            sheets=plan.rows * plan.columns,
            paper=paper,
            rows=plan.rows,
            columns=plan.columns,
        )
    )
    if is_bare(world):
        say(
            _(
                "This world has no line, wall or obstacle: instead of printing it, you can "
                "also mark out {width} × {height} cm with tape. {start}"
            ).format(
                width=number(world.width), height=number(world.height), start=start_text(world)
            )
        )
    return f"{activity.id}-tapis-{paper}.pdf", _("mat"), mat_pdf(world, paper)[0]


def _world(activity: ActivityInfo) -> World:
    try:
        return load_world(activity.world)
    except WorldError as problem:
        raise PrintingError(
            _("The activity '{id}' names a world that cannot be printed: {error}").format(
                id=activity.id, error=problem.message
            )
        ) from None


def _cannot_write(folder: Path, problem: OSError) -> PrintingError:
    return PrintingError(
        _("Cannot write in the folder '{path}': {error}. Choose another one with --out.").format(
            path=folder, error=problem.strerror or problem
        )
    )


def _check_writable(folder: Path) -> None:
    """Refuse, before any work, a folder that cannot be made or written to; the folders made
    to try are removed."""
    if folder.exists() and not folder.is_dir():
        raise PrintingError(
            _("'{path}' is a file, not a folder: choose another folder with --out.").format(
                path=folder
            )
        )
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".tne-print-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as problem:
        raise _cannot_write(folder, problem) from None
    finally:
        # Made again when the PDFs are ready: until then, nothing new on disk.
        for path in missing:
            if path.is_dir():
                path.rmdir()


def _write_all(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Each file appears whole (written aside, then renamed); if one fails, those already
    written are removed."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            target, partial = folder / name, folder / f".{name}.part"
            try:
                partial.write_bytes(data)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
            written.append(target)
    except OSError as problem:
        for path in written:
            path.unlink(missing_ok=True)
        raise _cannot_write(folder, problem) from None
    return written
