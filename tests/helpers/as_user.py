"""Which tests run as an ordinary account when the suite runs as root (CI), and how.

CI's machine gives root, teachers' machines do not: run as root, the tests of what a teacher
types (the CLI, the kernel, JupyterLab) would hide root-only assumptions (a cache that root
already had, a file only root may write). So when the suite runs as root on Linux, those tests
are taken out of the root run and run once, as an account made for it, by
`tests/install/test_suite_as_user.py` (never twice). A developer's ordinary run is unchanged.
"""

from __future__ import annotations

import os
import sys

#: The folders of tests that run as the ordinary account when the suite runs as root.
FOLDERS = ("tests/cli/", "tests/kernel/", "tests/e2e/")
#: The test that runs them there.
RUNNER = (
    "tests/install/test_suite_as_user.py::"
    "test_the_cli_kernel_and_lab_tests_pass_as_an_ordinary_user"
)


def applies() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0


def moved(nodeid: str) -> bool:
    return nodeid.startswith(FOLDERS)
