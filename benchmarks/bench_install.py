"""How long installing tne takes on a school computer, the way scripts/setup.sh does it.

    python benchmarks/bench_install.py [--python /usr/bin/python3]

Measured once each (every step takes tens of seconds to minutes, and the network dominates),
with the distribution's Python, into fresh virtual environments:

- from PyPI with an empty pip cache (a classroom's first install);
- from PyPI again with that cache warm (a re-install, or CI);
- the offline folder made by scripts/bundle.py (on the connected machine, warm cache);
- from that folder with `--no-index` (the classroom without Internet).

Writes its section of benchmarks/RESULTS.md (between its markers) through results_section.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results_section import commit, cpu_model, load_average, markers, write_section  # noqa: E402

SECTION = "install"


def timed(command: list[str], environ: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=environ, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def fresh_install(python: str, folder: Path, pip_options: list[str], environ: dict) -> float:
    """Seconds to make a venv and install the project into it (the venv's pip, quiet)."""
    venv = folder / f"venv-{len(list(folder.glob('venv-*')))}"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    command = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *pip_options]
    return timed(command, environ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="/usr/bin/python3")
    options = parser.parse_args()
    started = time.perf_counter()
    load_start = load_average()
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        cache = work / "pip-cache"
        environ = dict(os.environ, PIP_CACHE_DIR=str(cache))
        wheel_dir = work / "wheel"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "-q",
                "--no-deps",
                "-w",
                str(wheel_dir),
                str(ROOT),
            ],
            check=True,
        )
        (project,) = wheel_dir.glob("*.whl")
        rows.append(
            ("PyPI, empty pip cache", fresh_install(options.python, work, [str(project)], environ))
        )
        rows.append(
            ("PyPI, warm pip cache", fresh_install(options.python, work, [str(project)], environ))
        )
        bundle = work / "paquets"
        version = subprocess.run(
            [options.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        bundle_command = [
            sys.executable,
            str(ROOT / "scripts" / "bundle.py"),
            "--platform",
            "linux",
        ]
        bundle_command += ["--python-version", version, str(bundle)]
        rows.append(("scripts/bundle.py (warm cache)", timed(bundle_command, environ)))
        files = len(list(bundle.glob("*.whl")))
        size = sum(path.stat().st_size for path in bundle.iterdir()) / 1e6
        offline = ["--no-index", "--find-links", str(bundle), "tne-robotique"]
        rows.append(
            ("offline folder, --no-index", fresh_install(options.python, work, offline, environ))
        )
    start, end = markers(SECTION)
    lines = [
        start,
        "## Installing tne",
        "",
        "Written by `python benchmarks/bench_install.py` (this section only, between its "
        "markers): a fresh virtual environment made by the distribution's Python "
        f"(`{options.python}`, Python {version}) and the project's wheel installed into it "
        "with its dependencies; one run of each, since the network dominates.",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit()}, "
        f"{cpu_model()}, load average {load_start} at start and {load_average()} at the end, "
        f"run time {time.perf_counter() - started:.0f} s. The offline folder: {files} wheels, "
        f"{size:.0f} MB.",
        "",
        "| install | seconds |",
        "|---|---|",
        *(f"| {label} | {seconds:.0f} |" for label, seconds in rows),
        end,
        "",
    ]
    write_section(SECTION, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
