"""The report file's schema (`exchange`'s records), property-tested: any content a registry can
hold is written, read back and checked to the same records; and what the checks refuse is
refused with a French message placed in the file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.registry.errors import RegistryError
from activities.registry.exchange import (
    Content,
    DossierRecord,
    EquipmentLineRecord,
    EquipmentRecord,
    GroupRecord,
    ProjectRecord,
    SchoolRecord,
    SessionRecord,
    TeacherRecord,
    UsageDayRecord,
    read_report_file,
    report_file,
)
from activities.registry.inputs import _INITIALS
from activities.registry.kinds import KNOWN, OTHER
from activities.registry.models import DOSSIER_STATES
from activities.registry.uai import check_letter
from activities.registry.usage import ACTIVITY, DEVICE_KIND, KIND

EXPORTED = dt.datetime(2026, 6, 30, 10, 0, tzinfo=dt.timezone.utc)


def texts(limit: int) -> st.SearchStrategy[str]:
    """Text as the registry keeps it: trimmed, single spaces, accents and punctuation welcome."""
    letters = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x00")
    return (
        st.text(letters, min_size=1, max_size=limit).map(lambda t: " ".join(t.split())).filter(bool)
    )


uais = st.integers(0, 9_999_999).map(lambda n: f"{n:07d}").map(lambda p: p + check_letter(p))
uids = st.uuids().map(lambda u: u.hex)
days = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
counts = st.integers(0, 10**9)
maybe_counts = st.none() | counts
identifiers = st.from_regex(ACTIVITY, fullmatch=True)

schools = st.builds(
    SchoolRecord,
    uai=uais,
    name=texts(200),
    commune=texts(200),
    degree=st.sampled_from((1, 2)),
    archived=st.booleans(),
)
dossiers = st.builds(
    DossierRecord,
    number=texts(64),
    demarche=texts(200),
    state=st.sampled_from(DOSSIER_STATES),
    school=st.none() | uais,
    deposited_on=st.none() | days,
    processed_on=st.none() | days,
    requested_cents=maybe_counts,
    granted_cents=maybe_counts,
    cofinancer=st.none() | texts(200),
    cofinancing_cents=maybe_counts,
    equipment_lines=st.lists(
        st.builds(
            EquipmentLineRecord,
            label=texts(200),
            quantity=counts,
            unit_cost_cents=maybe_counts,
        ),
        max_size=3,
    ),
)
known = st.builds(
    EquipmentRecord,
    kind=st.sampled_from(list(KNOWN)),
    identifier=texts(100),
    label=st.none(),
    archived=st.booleans(),
)
other = st.builds(
    EquipmentRecord,
    kind=st.just(OTHER),
    identifier=texts(100),
    label=texts(100),
    archived=st.booleans(),
)
device_counts = st.dictionaries(
    st.sampled_from([*KNOWN, OTHER]), st.integers(1, 1000), max_size=4
).map(lambda d: dict(sorted(d.items())))
usage = st.builds(
    UsageDayRecord,
    day=days,
    kind=st.from_regex(KIND, fullmatch=True),
    activity=st.just("") | identifiers,
    device_kind=st.just("") | st.from_regex(DEVICE_KIND, fullmatch=True),
    events=counts,
    cells=counts,
    errors=counts,
)


@st.composite
def groups_and_sessions(draw) -> tuple[list[GroupRecord], list[SessionRecord]]:
    names = draw(st.lists(texts(100), min_size=1, max_size=3, unique=True))
    groups = []
    for name in names:
        size = draw(st.integers(1, 100))
        girls = draw(st.integers(0, size))
        groups.append(GroupRecord(name=name, size=size, girls=girls, archived=draw(st.booleans())))
    sessions = draw(
        st.lists(
            st.builds(
                SessionRecord,
                uid=uids,
                group=st.sampled_from(names),
                activity=texts(100),
                date=days,
                minutes=st.integers(1, 10_000),
                devices=device_counts,
                archived=st.booleans(),
            ),
            max_size=3,
        )
    )
    return groups, sessions


@st.composite
def projects(draw) -> ProjectRecord:
    groups, sessions = draw(groups_and_sessions())
    return ProjectRecord(
        uid=draw(uids),
        school=draw(uais),
        title=draw(texts(200)),
        level=draw(texts(40)),
        teachers=draw(
            st.lists(
                st.builds(
                    TeacherRecord,
                    role=texts(40),
                    initials=st.from_regex(_INITIALS, fullmatch=True).filter(
                        lambda i: i == i.strip().upper()
                    ),
                ),
                max_size=2,
            )
        ),
        dossiers=draw(st.lists(texts(64), max_size=2)),
        equipment=draw(st.lists(known | other, max_size=3)),
        groups=groups,
        sessions=sessions,
        usage=draw(st.lists(usage, max_size=3)),
        archived=draw(st.booleans()),
    )


contents = st.builds(
    Content,
    schools=st.lists(schools, max_size=3),
    dossiers=st.lists(dossiers, max_size=3),
    projects=st.lists(projects(), max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=contents)
def test_a_report_file_reads_back_to_the_content_it_was_written_from(
    content: Content, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("rapport") / "rapport.json"
    path.write_bytes(report_file(content, EXPORTED))
    assert read_report_file(path) == content


def written(tmp_path: Path, content: dict, version: int | None = None) -> Path:
    path = tmp_path / "rapport.json"
    path.write_bytes(report_file(content, EXPORTED))
    if version is not None:
        document = json.loads(path.read_text(encoding="utf-8"))
        document["version"] = version
        path.write_text(json.dumps(document), encoding="utf-8")
    return path


def one_project(**changes) -> dict:
    project = ProjectRecord(
        uid="a" * 32,
        school="0180005H",
        title="Robots",
        level="CM2",
        teachers=[],
        dossiers=[],
        equipment=[],
        groups=[GroupRecord(name="CM2 A", size=24, girls=12)],
        sessions=[],
        usage=[],
    ).to_json()
    return {"schools": [], "dossiers": [], "projects": [project | changes]}


def test_a_version_1_file_reads_as_nothing_archived(tmp_path: Path) -> None:
    content = one_project()
    for item in (content["projects"][0], *content["projects"][0]["groups"]):
        del item["archived"]
    read = read_report_file(written(tmp_path, content, version=1))
    assert not read.projects[0].archived and not read.projects[0].groups[0].archived


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uid": "pas-un-uid"}, "«\u00a0uid\u00a0» manque ou est incorrect"),
        ({"groups": [{"name": "CM2 A", "size": 24, "girls": 30, "archived": False}]}, "filles"),
        (
            {
                "groups": [
                    {"name": "CM2 A", "size": 24, "girls": 12, "archived": False},
                    {"name": "CM2 A", "size": 20, "girls": 10, "archived": False},
                ]
            },
            "deux groupes s'appellent «\u00a0CM2 A\u00a0»",
        ),
        ({"archived": "oui"}, "«\u00a0archived\u00a0» manque ou est incorrect"),
        ({"school": "0180005A"}, "lettre de contrôle"),
    ],
)
def test_a_wrong_value_is_refused_in_french_naming_the_project(
    tmp_path: Path, french, changes: dict, message: str
) -> None:
    with pytest.raises(RegistryError, match=message) as refused:
        read_report_file(written(tmp_path, one_project(**changes)))
    assert "projet 1" in refused.value.message


@st.composite
def registries(draw) -> Content:
    """Content a registry could export: every school, dossier and group it names exists, keys
    are unique, and each list comes in the order the export writes it."""
    held = draw(st.lists(schools, min_size=1, max_size=2, unique_by=lambda s: s.uai))
    uai = st.sampled_from([s.uai for s in held])
    numbered = draw(st.lists(dossiers, max_size=3, unique_by=lambda d: d.number))
    numbered = [dataclasses.replace(d, school=draw(st.none() | uai)) for d in numbered]
    made = draw(st.lists(projects(), max_size=2))
    seen_sessions: set[str] = set()
    kept = []
    for project in made:
        sessions = [s for s in project.sessions if s.uid not in seen_sessions]
        seen_sessions.update(s.uid for s in sessions)
        equipment = {(e.kind, e.identifier): e for e in project.equipment}
        usage = {(u.day, u.kind, u.activity, u.device_kind): u for u in project.usage}
        kept.append(
            dataclasses.replace(
                project,
                school=draw(uai),
                dossiers=sorted(
                    draw(st.sets(st.sampled_from([d.number for d in numbered]))) if numbered else []
                ),
                teachers=sorted(project.teachers, key=lambda t: (t.role, t.initials)),
                equipment=[equipment[key] for key in sorted(equipment)],
                sessions=sessions,
                usage=[usage[key] for key in sorted(usage)],
            )
        )
    return Content(
        schools=sorted(held, key=lambda s: s.uai),
        dossiers=sorted(numbered, key=lambda d: d.number),
        projects=list({p.uid: p for p in kept}.values()),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=registries())
def test_content_merged_into_an_empty_registry_exports_the_same(
    content: Content, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The other half of the round trip: a file merged into a department's registry (SQLite)
    comes out of it again record for record, archiving included."""
    from activities.registry.exchange_store import export_content, merge
    from activities.registry.service import Registry

    folder = tmp_path_factory.mktemp("drane")
    registry = Registry.open(f"sqlite:///{folder / 'drane.sqlite3'}")
    registry.init()
    try:
        with registry.writing() as session:
            merge(session, content)
        with registry.reading() as session:
            assert export_content(session) == content
    finally:
        registry.close()
