"""One way for every benchmark script to write its own section of `benchmarks/RESULTS.md`
(and to stamp it with the commit and the processor measured).

Each script owns the text between its two markers (`<!-- NAME: start -->`, `<!-- NAME: end -->`)
and replaces only that, so several benchmarks share one results file without overwriting each
other; a section not there yet is appended.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: start -->", f"<!-- {name}: end -->"


def write_section(name: str, text: str, results: Path = RESULTS) -> None:
    """Put `text` (which starts and ends with `markers(name)`) in place of that section."""
    start, end = markers(name)
    current = results.read_text(encoding="utf-8") if results.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _match: text, current)
    else:
        updated = current.rstrip("\n") + ("\n\n" if current else "") + text
    results.write_text(updated, encoding="utf-8")


def commit() -> str:
    """The repository's short commit, to say in a section what was measured ("?" without git)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=20,
            cwd=RESULTS.parent,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return done.stdout.strip() or "?"


def cpu_model() -> str:
    """The processor's model name (Linux `/proc/cpuinfo`), else what `platform` knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (`1.20, 0.80, 0.50`), "?" where there are none."""
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "?"
