"""nbgrader migrates its gradebook with the `alembic` command, which it looks up on PATH.

Teachers run `.venv/bin/tne` without activating the environment, and the tests run
`.venv/bin/python -m pytest` the same way: `alembic` is then next to the running Python but not
on PATH, and nbgrader fails with « No such file or directory: 'alembic' ». Every place that
drives nbgrader (the classroom commands, the catalogue's grading round trip) calls this first.
"""

from __future__ import annotations

import os
import sysconfig


def alembic_on_path() -> None:
    """Put the running environment's scripts folder (where pip put `alembic`) first on PATH."""
    scripts = sysconfig.get_path("scripts")
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, path]) if path else scripts
