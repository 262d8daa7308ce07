"""Benchmark `tne report` for the whole department over 1,000,000 usage events, on SQLite and on
PostgreSQL, against the naive way (fetch every event into Python and count there).

Run from the repository root: `python benchmarks/bench_registry_report.py [--events N]`.
It builds a department (200 schools, 400 projects, 2,000 groups, 20,000 sessions) and bulk-loads
the events first (sqlite3 `executemany`, PostgreSQL `COPY`): that load is reported but is not
the measured figure. Each measurement is the median of 3 runs on a warm database. PostgreSQL is
reached through TNE_TEST_PG_URL (default postgresql+psycopg://tne:tne@127.0.0.1/tne_test, see
scripts/setup_postgres.sh), in a schema of its own that is dropped afterwards.

It rewrites the "Registry: department report" section of benchmarks/RESULTS.md (between its
markers) and leaves the other sections alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results_section import markers, write_section  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from activities.registry.models import (  # noqa: E402
    ClassroomSession,
    Group,
    Project,
    School,
    SessionDevice,
    UsageEvent,
)
from activities.registry.report.render import to_json  # noqa: E402
from activities.registry.report.request import ReportRequest  # noqa: E402
from activities.registry.service import Registry  # noqa: E402
from activities.registry.uai import check_letter  # noqa: E402
from tests.helpers import postgres  # noqa: E402

SECTION = "bench_registry_report.py"
START, END = markers(SECTION)
TARGET_SECONDS = 2.0
RUNS = 3
ACTIVITIES = ["robot-suiveur", "musique", "boussole", "thermometre", "radio", "defi-labyrinthe"]
DEVICES = ["microbit-v1", "microbit-v2", "sim", "esp32"]


def populate(registry: Registry, events: int, rng: random.Random) -> float:
    """The department, then the events in bulk; seconds spent loading the events."""
    schools = [f"018{n:04d}" for n in range(200)]
    with registry.writing() as session:
        session.execute(
            insert(School),
            [
                {
                    "uai": p + check_letter(p),
                    "name": f"École {i}",
                    "commune": f"Commune {i % 50}",
                    "degree": 1 + i % 2,
                    "department": "018",
                }
                for i, p in enumerate(schools)
            ],
        )
        session.execute(
            insert(Project),
            [
                {
                    "id": i + 1,
                    "uid": f"{i:032x}",
                    "school_uai": schools[i // 2] + check_letter(schools[i // 2]),
                    "title": f"Projet {i}",
                    "level": "CM2",
                    "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                }
                for i in range(400)
            ],
        )
        session.execute(
            insert(Group),
            [
                {
                    "id": g + 1,
                    "project_id": g // 5 + 1,
                    "name": f"Groupe {g}",
                    "size": rng.randint(4, 30),
                    "girls": 0,
                }
                for g in range(2000)
            ],
        )
        session.execute(text("UPDATE groups SET girls = size / 2"))
        start = dt.date(2025, 9, 1)
        session.execute(
            insert(ClassroomSession),
            [
                {
                    "id": s + 1,
                    "uid": f"{s:032x}",
                    "project_id": (s % 2000) // 5 + 1,
                    "group_id": s % 2000 + 1,
                    "activity": rng.choice(ACTIVITIES),
                    "date": start + dt.timedelta(days=rng.randrange(300)),
                    "minutes": rng.choice((45, 55, 60, 90)),
                }
                for s in range(20_000)
            ],
        )
        session.execute(
            insert(SessionDevice),
            [{"session_id": s + 1, "kind": "microbit", "quantity": 12} for s in range(20_000)],
        )
    began = time.perf_counter()
    base = dt.datetime(2025, 9, 1, tzinfo=dt.timezone.utc)
    rows = (
        (
            rng.randrange(400) + 1,
            "cell",
            rng.choice(ACTIVITIES),
            rng.choice(DEVICES),
            rng.randrange(5),
            rng.randrange(2),
            base + dt.timedelta(seconds=rng.randrange(300 * 86400)),
        )
        for _ in range(events)
    )
    raw = registry.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if registry.engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")  # the engine's connections run in autocommit mode
            cursor.executemany(
                "INSERT INTO usage_events (project_id, kind, activity, device_kind, cells, "
                "errors, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((*r[:6], r[6].strftime("%Y-%m-%d %H:%M:%S.%f")) for r in rows),
            )
            raw.commit()
        else:
            with cursor.copy(
                "COPY usage_events (project_id, kind, activity, device_kind, cells, errors, "
                "occurred_at) FROM STDIN"
            ) as copy:
                for r in rows:
                    copy.write_row(r)
            raw.commit()
            cursor.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - began


def report_in_sql(registry: Registry) -> int:
    report = registry.report(ReportRequest())
    to_json(report)
    return sum(u.events for u in report.usage)


def naive_in_python(registry: Registry) -> int:
    """What one would write without GROUP BY: every event into Python, counted in a dict."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    with registry.reading() as session:
        for kind, activity, device, cells, errors in session.execute(
            select(
                UsageEvent.kind,
                UsageEvent.activity,
                UsageEvent.device_kind,
                UsageEvent.cells,
                UsageEvent.errors,
            )
        ):
            total = totals[(kind, activity, device)]
            total[0] += 1
            total[1] += cells
            total[2] += errors
    return sum(t[0] for t in totals.values())


def median_of(runs: int, work: Callable[[], int], expected: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        assert work() == expected
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(name: str, url: str, events: int) -> dict:
    registry = Registry.open(url)
    registry.init()
    load = populate(registry, events, random.Random(5))
    report_in_sql(registry)  # warm the caches
    sql = median_of(RUNS, lambda: report_in_sql(registry), events)
    naive = median_of(RUNS, lambda: naive_in_python(registry), events)
    registry.close()
    print(f"{name}: load {load:.1f} s, report {sql:.2f} s, naive {naive:.2f} s", flush=True)
    return {"name": name, "load": load, "sql": sql, "naive": naive}


def section(results: list[dict], events: int, skipped: list[str]) -> str:
    import sqlalchemy

    lines = [
        START,
        "## Registry: department report",
        "",
        f"`python benchmarks/bench_registry_report.py` on {dt.date.today().isoformat()}, "
        f"{platform.machine()} ({platform.python_implementation()} "
        f"{platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}), "
        f"{events:,} usage events, 200 schools, 400 projects, 2,000 groups, 20,000 sessions. "
        f"Median of {RUNS} runs on a warm database; target {TARGET_SECONDS:.0f} s.",
        "",
        "| database | bulk load of the events (not measured) | `tne report` department "
        "(SQL GROUP BY) | naive: every event into Python | naive / report | target met? |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['load']:.1f} s | {r['sql']:.2f} s | {r['naive']:.2f} s | "
            f"{r['naive'] / r['sql']:.1f}× | {'yes' if r['sql'] <= TARGET_SECONDS else 'NO'} |"
        )
    for reason in skipped:
        lines.append(f"\nNot measured: {reason}")
    lines += [
        "",
        "The report (sessions, pupils, money, equipment and usage, built and rendered as JSON) "
        "is a handful of GROUP BY queries; the naive column only sums the usage events, "
        "the one table that grows with use. The machine is shared (2 cores): other test "
        f"suites may be running (load average {os.getloadavg()[0]:.1f} at the end).",
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    results, skipped = [], []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        results.append(measure("SQLite (WAL)", url, args.events))
    problem = postgres.unreachable_reason()
    if problem:
        skipped.append(problem)
    else:
        schema = postgres.Schema()
        try:
            results.append(measure("PostgreSQL", schema.url, args.events))
        finally:
            schema.drop()
    write_section(SECTION, section(results, args.events, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
