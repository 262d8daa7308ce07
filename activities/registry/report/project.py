"""What a project's report adds for the DRANE: its dossiers, its school, the dated list of its
sessions with each group's counts, and the equipment its dossiers bought against the equipment
its sessions used.

Counts of pupils are never recomputed here: each session shows its group's counts exactly as
the report's group table publishes them (already protected, `suppression`), so no new figure
about pupils appears and nothing hidden there can be read here. The session list has no total of
pupils (a group seen twice is one group).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..kinds import OTHER, known_kind
from ..models import ClassroomSession, Project, SessionDevice
from .figures import BreakdownRow, DossierLine, EquipmentBalance, ProjectDetails, SessionLine
from .request import ReportRequest
from .suppression import SECRET


def project_details(
    session: Session, request: ReportRequest, groups: Mapping[str, BreakdownRow]
) -> ProjectDetails:
    """The details of the project `request` names; `groups`: the report's group rows by key
    (the group's id), already protected."""
    project = session.get(Project, request.project)
    assert project is not None  # the report's scope label has refused an unknown project
    return ProjectDetails(
        title=project.title,
        level=project.level,
        school_uai=project.school.uai,
        school_name=project.school.name,
        commune=project.school.commune,
        dossiers=[
            DossierLine(d.number, d.demarche, d.state, d.granted_cents)
            for d in sorted(project.dossiers, key=lambda d: d.number)
        ],
        sessions=_sessions(session, request, groups),
        equipment=_equipment(session, project, request),
    )


def _in_period(request: ReportRequest):
    conditions = [ClassroomSession.archived_at.is_(None)]
    if request.start is not None:
        conditions.append(ClassroomSession.date >= request.start)
    if request.end is not None:
        conditions.append(ClassroomSession.date <= request.end)
    return conditions


def _sessions(
    session: Session, request: ReportRequest, groups: Mapping[str, BreakdownRow]
) -> list[SessionLine]:
    found = session.scalars(
        select(ClassroomSession)
        .where(ClassroomSession.project_id == request.project, *_in_period(request))
        .order_by(ClassroomSession.date, ClassroomSession.id)
    )
    lines = []
    for record in found:
        group = groups.get(str(record.group_id))  # None: an archived group (not published)
        lines.append(
            SessionLine(
                date=record.date,
                activity=record.activity,
                group=group.label if group else record.group.name,
                minutes=record.minutes,
                pupils=group.pupils if group else SECRET,
                girls=group.girls if group else SECRET,
                devices={d.kind: d.quantity for d in sorted(record.devices, key=lambda d: d.kind)},
            )
        )
    return lines


def _equipment(
    session: Session, project: Project, request: ReportRequest
) -> list[EquipmentBalance]:
    """By kind: how many the dossiers' lines bought (a line whose label names no known kind is
    its own row, by label), how many the inventory holds, and what sessions used."""
    bought: dict[tuple[str, str], int] = defaultdict(int)
    for dossier in project.dossiers:
        for line in dossier.equipment_lines:
            code = known_kind(line.label)
            bought[(code, "") if code else (OTHER, line.label)] += line.quantity
    owned: dict[tuple[str, str], int] = defaultdict(int)
    for device in project.equipment:
        if not device.archived:
            owned[(device.kind, device.label or "")] += 1
    used = {
        (kind, ""): (int(n), int(peak))
        for kind, n, peak in session.execute(
            select(SessionDevice.kind, func.count(), func.max(SessionDevice.quantity))
            .join(ClassroomSession, ClassroomSession.id == SessionDevice.session_id)
            .where(ClassroomSession.project_id == project.id, *_in_period(request))
            .group_by(SessionDevice.kind)
        )
    }
    return [
        EquipmentBalance(
            kind=kind,
            label=label or None,
            bought=bought.get((kind, label), 0),
            inventory=owned.get((kind, label), 0),
            sessions=used.get((kind, label), (0, 0))[0],
            most_in_one_session=used.get((kind, label), (0, 0))[1],
        )
        for kind, label in sorted(set(bought) | set(owned) | set(used))
    ]


__all__ = ["project_details"]
