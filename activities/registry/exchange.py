"""Report files: how a school sends its registry to the DRANE, and how the DRANE merges them.

A report file is JSON (UTF-8):

    {"format": "tne-registry-report", "version": 1, "exported_at": "2026-06-30T10:00:00+00:00",
     "content": {"schools": [...], "dossiers": [...], "projects": [...]},
     "sha256": "<hex digest of the canonical JSON of content>"}

`content` holds the schools, the dossiers with their equipment lines, and the projects, each with
its teachers (role and initials), dossier numbers, equipment, groups (name, size, girls: counts
only), sessions, and **usage per day** (event kind, activity, device kind, number of events,
cells, errors): never a usage event. The digest catches a file damaged on the way or edited by
hand; it is not a signature (whoever can edit the file can recompute it), so every value is also
checked as if typed at the CLI.

Merging is idempotent, on natural keys and stable uids: schools by UAI, dossiers by number,
projects and sessions by their uid (made when they were created, see `models.new_uid`), groups
by name within their project, daily usage by (project, day, kind, activity, device kind), whose
totals are *replaced*, not added. A school's file is the truth about its projects (teachers and
equipment are replaced), but a dossier the department already knows keeps the department's
figures: its own import of the démarches export is authoritative. All files of one
`import-report` are checked before anything is written, then merged in one transaction: a broken
file leaves the registry as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import Date, cast, func, literal_column, select
from sqlalchemy.orm import Session

from tne.i18n import _
from tne.os_errors import os_error_text

from . import inputs
from .errors import RegistryError
from .kinds import OTHER, equipment_kind
from .models import (
    DOSSIER_STATES,
    ClassroomSession,
    Dossier,
    DossierEquipmentLine,
    Equipment,
    Group,
    Project,
    ProjectTeacher,
    School,
    SessionDevice,
    UsageDaily,
    UsageEvent,
)
from .uai import department_of, normalise_uai
from .usage import ACTIVITY, DEVICE_KIND, KIND

FORMAT = "tne-registry-report"
VERSION = 1


def digest(content: Any) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- export ----------------------------------------------------------------------------------


def export_content(session: Session) -> dict:
    """Everything the registry holds, as the `content` of a report file (usage summed per day)."""
    usage = _usage_by_project_day(session)
    projects = []
    for project in session.scalars(select(Project).order_by(Project.id)):
        groups = {g.id: g.name for g in project.groups}
        sessions = session.scalars(
            select(ClassroomSession)
            .where(ClassroomSession.project_id == project.id)
            .order_by(ClassroomSession.id)
        )
        projects.append(
            {
                "uid": project.uid,
                "school": project.school_uai,
                "title": project.title,
                "level": project.level,
                "teachers": [{"role": t.role, "initials": t.initials} for t in project.teachers],
                "dossiers": sorted(d.number for d in project.dossiers),
                "equipment": sorted(
                    (
                        {"kind": e.kind, "identifier": e.identifier}
                        | ({"label": e.label} if e.label else {})
                        for e in project.equipment
                    ),
                    key=lambda e: (e["kind"], e["identifier"]),
                ),
                "groups": [
                    {"name": g.name, "size": g.size, "girls": g.girls} for g in project.groups
                ],
                "sessions": [
                    {
                        "uid": s.uid,
                        "group": groups[s.group_id],
                        "activity": s.activity,
                        "date": s.date.isoformat(),
                        "minutes": s.minutes,
                        "devices": {d.kind: d.quantity for d in s.devices},
                    }
                    for s in sessions
                ],
                "usage": usage.get(project.id, []),
            }
        )
    return {
        "schools": [
            {"uai": s.uai, "name": s.name, "commune": s.commune, "degree": s.degree}
            for s in session.scalars(select(School).order_by(School.uai))
        ],
        "dossiers": [
            _dossier_json(d) for d in session.scalars(select(Dossier).order_by(Dossier.number))
        ],
        "projects": projects,
    }


def _dossier_json(d: Dossier) -> dict:
    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "number": d.number,
        "demarche": d.demarche,
        "state": d.state,
        "school": d.school_uai,
        "deposited_on": day(d.deposited_on),
        "processed_on": day(d.processed_on),
        "requested_cents": d.requested_cents,
        "granted_cents": d.granted_cents,
        "cofinancer": d.cofinancer,
        "cofinancing_cents": d.cofinancing_cents,
        "equipment_lines": [
            {
                "label": line.label,
                "quantity": line.quantity,
                "unit_cost_cents": line.unit_cost_cents,
            }
            for line in d.equipment_lines
        ],
    }


def _usage_by_project_day(session: Session) -> dict[int, list[dict]]:
    """Usage events summed per project and UTC day in SQL, plus daily totals already merged."""
    if session.get_bind().dialect.name == "sqlite":
        day = func.date(UsageEvent.occurred_at)
    else:
        # a literal, not a bound parameter: PostgreSQL must see the same expression in GROUP BY
        day = cast(func.timezone(literal_column("'UTC'"), UsageEvent.occurred_at), Date)
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    queries = (
        select(
            UsageEvent.project_id,
            day,
            UsageEvent.kind,
            UsageEvent.activity,
            UsageEvent.device_kind,
            func.count(),
            func.sum(UsageEvent.cells),
            func.sum(UsageEvent.errors),
        ).group_by(
            UsageEvent.project_id,
            day,
            UsageEvent.kind,
            UsageEvent.activity,
            UsageEvent.device_kind,
        ),
        select(
            UsageDaily.project_id,
            UsageDaily.day,
            UsageDaily.kind,
            UsageDaily.activity,
            UsageDaily.device_kind,
            UsageDaily.events,
            UsageDaily.cells,
            UsageDaily.errors,
        ),
    )
    for query in queries:
        for project_id, when, kind, act, dev, n, cells, errors in session.execute(query):
            when = when if isinstance(when, str) else when.isoformat()
            total = totals[(project_id, when[:10], kind, act or "", dev or "")]
            total[0] += int(n)
            total[1] += int(cells or 0)
            total[2] += int(errors or 0)
    found: dict[int, list[dict]] = defaultdict(list)
    for (project_id, when, kind, act, dev), (n, cells, errors) in sorted(totals.items()):
        found[project_id].append(
            {
                "day": when,
                "kind": kind,
                "activity": act,
                "device_kind": dev,
                "events": n,
                "cells": cells,
                "errors": errors,
            }
        )
    return found


def report_file(content: dict, exported_at: dt.datetime) -> bytes:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "content": content,
        "sha256": digest(content),
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- reading and checking --------------------------------------------------------------------


class _Checker:
    """Reads one file's content into checked values; the first problem is refused with the
    file's name and where in it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def refuse(self, where: str, reason: str) -> RegistryError:
        return RegistryError(
            _("The report file '{file}' is refused ({where}): {reason}").format(
                file=self.name, where=where, reason=reason
            )
        )

    def field(self, item: Any, key: str, kind: type | tuple, where: str, optional=False) -> Any:
        if not isinstance(item, dict):
            raise self.refuse(where, _("an object was expected"))
        value = item.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, kind):
            raise self.refuse(where, _("the field '{key}' is missing or wrong").format(key=key))
        return value

    def count(self, item: Any, key: str, where: str, optional: bool = False) -> int | None:
        value = self.field(item, key, int, where, optional)
        if value is not None and value < 0:
            raise self.refuse(where, _("the field '{key}' is negative").format(key=key))
        return value

    def check(self, where: str, call, *args):
        """Run one of `inputs`' checks, its refusal placed in the file."""
        try:
            return call(*args)
        except RegistryError as problem:
            raise self.refuse(where, problem.message) from None

    def identifier(self, value: str, pattern, where: str, key: str) -> str:
        """A usage identifier as `usage` accepts them ('' for none, except for a kind)."""
        if (value or key == "kind") and not pattern.match(value):
            raise self.refuse(where, _("the field '{key}' is not an identifier").format(key=key))
        return value


def read_report_file(path: Path) -> dict:
    """The checked content of one report file; refused whole at the first problem."""
    name = path.name
    checker = _Checker(name)
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as problem:
        raise RegistryError(
            _("Cannot read '{path}': {error}").format(path=path, error=os_error_text(problem))
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise checker.refuse(_("whole file"), _("it is not a JSON report file")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise checker.refuse(_("whole file"), _("it is not a TNE registry report"))
    if document.get("version") != VERSION:
        raise checker.refuse(
            _("whole file"),
            _("version {version} is not known to this tne").format(version=document.get("version")),
        )
    content = document.get("content")
    if not isinstance(content, dict) or document.get("sha256") != digest(content):
        raise checker.refuse(
            _("whole file"), _("it was modified or damaged after its export (checksum)")
        )
    return _checked_content(content, checker)


def _checked_content(content: dict, c: _Checker) -> dict:
    schools = []
    for n, item in enumerate(_list(content, "schools", c), 1):
        where = _("school {n}").format(n=n)
        uai = c.check(where, normalise_uai, c.field(item, "uai", str, where))
        schools.append(
            {
                "uai": uai,
                "name": c.check(
                    where, inputs.text, c.field(item, "name", str, where), _("school's name"), 200
                ),
                "commune": c.check(
                    where, inputs.text, c.field(item, "commune", str, where), _("commune"), 200
                ),
                "degree": c.check(where, inputs.degree, c.field(item, "degree", int, where)),
            }
        )
    dossiers = []
    for n, item in enumerate(_list(content, "dossiers", c), 1):
        where = _("dossier {n}").format(n=n)
        state = c.field(item, "state", str, where)
        if state not in DOSSIER_STATES:
            raise c.refuse(where, _("unknown state '{state}'").format(state=state))
        school = c.field(item, "school", str, where, optional=True)
        lines = []
        for line in _list(item, "equipment_lines", c):
            lines.append(
                {
                    "label": c.check(
                        where, inputs.text, c.field(line, "label", str, where), _("equipment"), 200
                    ),
                    "quantity": c.count(line, "quantity", where),
                    "unit_cost_cents": c.count(line, "unit_cost_cents", where, optional=True),
                }
            )
        dossiers.append(
            {
                "number": c.check(
                    where, inputs.text, c.field(item, "number", str, where), _("dossier number"), 64
                ),
                "demarche": c.check(
                    where,
                    inputs.text,
                    c.field(item, "demarche", str, where),
                    _("call for projects"),
                    200,
                ),
                "state": state,
                "school_uai": c.check(where, normalise_uai, school) if school else None,
                "deposited_on": _day(c, item, "deposited_on", where),
                "processed_on": _day(c, item, "processed_on", where),
                "requested_cents": c.count(item, "requested_cents", where, optional=True),
                "granted_cents": c.count(item, "granted_cents", where, optional=True),
                "cofinancer": c.check(
                    where, inputs.text, item["cofinancer"], _("co-financing authority"), 200
                )
                if c.field(item, "cofinancer", str, where, optional=True)
                else None,
                "cofinancing_cents": c.count(item, "cofinancing_cents", where, optional=True),
                "equipment_lines": lines,
            }
        )
    projects = [
        _checked_project(item, n, c) for n, item in enumerate(_list(content, "projects", c), 1)
    ]
    return {"schools": schools, "dossiers": dossiers, "projects": projects}


def _checked_project(item: Any, n: int, c: _Checker) -> dict:
    where = _("project {n}").format(n=n)
    uid = c.field(item, "uid", str, where)
    if len(uid) != 32 or any(ch not in "0123456789abcdef" for ch in uid):
        raise c.refuse(where, _("the field '{key}' is missing or wrong").format(key="uid"))
    groups = {}
    for group in _list(item, "groups", c):
        name = c.check(
            where, inputs.text, c.field(group, "name", str, where), _("group's name"), 100
        )
        size, girls = c.check(
            where,
            inputs.group_counts,
            c.field(group, "size", int, where),
            c.field(group, "girls", int, where),
        )
        groups[name] = (size, girls)
    sessions = []
    for record in _list(item, "sessions", c):
        group = c.field(record, "group", str, where)
        if group not in groups:
            raise c.refuse(where, _("a session names an unknown group '{name}'").format(name=group))
        session_uid = c.field(record, "uid", str, where)
        if len(session_uid) != 32 or any(ch not in "0123456789abcdef" for ch in session_uid):
            raise c.refuse(where, _("the field '{key}' is missing or wrong").format(key="uid"))
        devices = c.field(record, "devices", dict, where)
        checked_devices: dict[str, int] = {}
        for kind, quantity in devices.items():
            # Files from before the vocabulary hold free text: it is mapped like the migration.
            kind = c.check(where, equipment_kind, kind)[0]
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
                raise c.refuse(
                    where, _("the field '{key}' is missing or wrong").format(key="devices")
                )
            checked_devices[kind] = checked_devices.get(kind, 0) + quantity
        sessions.append(
            {
                "uid": session_uid,
                "group": group,
                "activity": c.check(
                    where, inputs.text, c.field(record, "activity", str, where), _("activity"), 100
                ),
                "date": c.check(where, inputs.day, c.field(record, "date", str, where)),
                "minutes": c.check(
                    where,
                    inputs.positive,
                    c.field(record, "minutes", int, where),
                    _("duration in minutes"),
                ),
                "devices": checked_devices,
            }
        )
    usage = []
    for row in _list(item, "usage", c):
        usage.append(
            {
                "day": c.check(where, inputs.day, c.field(row, "day", str, where)),
                "kind": c.identifier(c.field(row, "kind", str, where), KIND, where, "kind"),
                "activity": c.identifier(
                    c.field(row, "activity", str, where), ACTIVITY, where, "activity"
                ),
                "device_kind": c.identifier(
                    c.field(row, "device_kind", str, where), DEVICE_KIND, where, "device_kind"
                ),
                "events": c.count(row, "events", where),
                "cells": c.count(row, "cells", where),
                "errors": c.count(row, "errors", where),
            }
        )
    return {
        "uid": uid,
        "school": c.check(where, normalise_uai, c.field(item, "school", str, where)),
        "title": c.check(
            where, inputs.text, c.field(item, "title", str, where), _("project's title"), 200
        ),
        "level": c.check(where, inputs.text, c.field(item, "level", str, where), _("level"), 40),
        "teachers": [
            (
                c.check(
                    where, inputs.text, c.field(t, "role", str, where), _("teacher's role"), 40
                ),
                c.check(where, inputs.initials, c.field(t, "initials", str, where)),
            )
            for t in _list(item, "teachers", c)
        ],
        "dossiers": [
            c.check(where, inputs.text, number, _("dossier number"), 64)
            if isinstance(number, str)
            else _raise(
                c.refuse(where, _("the field '{key}' is missing or wrong").format(key="dossiers"))
            )
            for number in _list(item, "dossiers", c)
        ],
        "equipment": [_equipment(e, where, c) for e in _list(item, "equipment", c)],
        "groups": groups,
        "sessions": sessions,
        "usage": usage,
    }


def _raise(problem: Exception):
    raise problem


def _list(item: Any, key: str, c: _Checker) -> list:
    value = item.get(key) if isinstance(item, dict) else None
    if not isinstance(value, list):
        raise c.refuse(key, _("the field '{key}' is missing or wrong").format(key=key))
    return value


def _day(c: _Checker, item: Any, key: str, where: str) -> dt.date | None:
    value = c.field(item, key, str, where, optional=True)
    return c.check(where, inputs.day, value) if value else None


# -- merging ---------------------------------------------------------------------------------


def merge(session: Session, content: dict) -> dict[str, int]:
    """Merge checked content into the registry (inside the caller's transaction); how many
    records were created or changed, by kind."""
    changed: dict[str, int] = defaultdict(int)
    for s in content["schools"]:
        school = session.get(School, s["uai"])
        if school is None:
            school = School(uai=s["uai"], department=department_of(s["uai"]))
            session.add(school)
        changed["schools"] += _assign(
            school, name=s["name"], commune=s["commune"], degree=s["degree"]
        )
    session.flush()
    for d in content["dossiers"]:
        dossier = session.scalar(select(Dossier).where(Dossier.number == d["number"]))
        if dossier is None:
            if d["school_uai"] and session.get(School, d["school_uai"]) is None:
                raise RegistryError(
                    _("The school {uai} is not in the registry.").format(uai=d["school_uai"])
                )
            fields = {k: v for k, v in d.items() if k != "equipment_lines"}
            dossier = Dossier(**fields)
            dossier.equipment_lines = [
                DossierEquipmentLine(**line) for line in d["equipment_lines"]
            ]
            session.add(dossier)
            changed["dossiers"] += 1
    session.flush()
    for p in content["projects"]:
        _merge_project(session, p, changed)
    return dict(changed)


def _assign(record: object, **values: object) -> int:
    """Set the values that differ; 1 when something changed (a new record counts), else 0."""
    different = {k: v for k, v in values.items() if getattr(record, k, None) != v}
    for key, value in different.items():
        setattr(record, key, value)
    return int(bool(different))


def _equipment(item: Any, where: str, c: _Checker) -> tuple[str, str, str]:
    """(kind, identifier, label or '') of a device in a report file; a kind written as free
    text by an older tne is mapped to the vocabulary like the migration does."""
    kind = c.field(item, "kind", str, where)
    label = item.get("label") if isinstance(item, dict) else None
    if kind == OTHER and isinstance(label, str):
        kind = f"{OTHER}:{label}"
    code, label = c.check(where, equipment_kind, kind)
    identifier = c.check(
        where, inputs.text, c.field(item, "identifier", str, where), _("device identifier"), 100
    )
    return code, identifier, label or ""


def _merge_project(session: Session, p: dict, changed: dict[str, int]) -> None:
    if session.get(School, p["school"]) is None:
        raise RegistryError(_("The school {uai} is not in the registry.").format(uai=p["school"]))
    project = session.scalar(select(Project).where(Project.uid == p["uid"]))
    if project is None:
        project = Project(uid=p["uid"])
        session.add(project)
    touched = _assign(project, school_uai=p["school"], title=p["title"], level=p["level"])
    teachers = sorted(p["teachers"])
    if sorted((t.role, t.initials) for t in project.teachers) != teachers:
        project.teachers = [ProjectTeacher(role=r, initials=i) for r, i in teachers]
        touched = 1
    changed["projects"] += touched
    equipment = sorted(set(p["equipment"]))
    if sorted((e.kind, e.identifier, e.label or "") for e in project.equipment) != equipment:
        project.equipment.clear()
        session.flush()  # the old rows go before new ones with the same unique key arrive
        project.equipment = [
            Equipment(kind=k, identifier=i, label=label or None) for k, i, label in equipment
        ]
        session.flush()
        changed["equipment"] += 1
    for number in p["dossiers"]:
        dossier = session.scalar(select(Dossier).where(Dossier.number == number))
        if dossier is None:
            raise RegistryError(
                _(
                    "The dossier {number} is not in the registry. Import the dossiers export first."
                ).format(number=number)
            )
        if dossier not in project.dossiers:
            project.dossiers.append(dossier)
            changed["links"] += 1
    session.flush()
    groups = {g.name: g for g in project.groups}
    for name, (size, girls) in p["groups"].items():
        group = groups.get(name)
        if group is None:
            group = groups[name] = Group(name=name, size=size, girls=girls)
            project.groups.append(group)
            changed["groups"] += 1
        else:
            changed["groups"] += _assign(group, size=size, girls=girls)
    session.flush()
    for s in p["sessions"]:
        record = session.scalar(select(ClassroomSession).where(ClassroomSession.uid == s["uid"]))
        if record is None:
            record = ClassroomSession(uid=s["uid"], project_id=project.id)
            session.add(record)
        n = _assign(
            record,
            project_id=project.id,
            group_id=groups[s["group"]].id,
            activity=s["activity"],
            date=s["date"],
            minutes=s["minutes"],
        )
        if {d.kind: d.quantity for d in record.devices} != s["devices"]:
            record.devices.clear()
            session.flush()  # likewise: a kind kept is the same primary key
            record.devices = [
                SessionDevice(kind=k, quantity=q) for k, q in sorted(s["devices"].items())
            ]
            n = 1
        changed["sessions"] += n
    session.flush()
    for u in p["usage"]:
        key = (project.id, u["day"], u["kind"], u["activity"], u["device_kind"])
        row = session.get(UsageDaily, key)
        if row is None:
            row = UsageDaily(
                project_id=project.id,
                day=u["day"],
                kind=u["kind"],
                activity=u["activity"],
                device_kind=u["device_kind"],
            )
            session.add(row)
        changed["usage_days"] += _assign(
            row, events=u["events"], cells=u["cells"], errors=u["errors"]
        )
    session.flush()
