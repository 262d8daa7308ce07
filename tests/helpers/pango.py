"""Run a command on this machine as if Pango were not installed.

The only way that leaves the system alone: in a private mount namespace, /dev/null is bound
over the library, so WeasyPrint's dlopen fails as on a machine without it (a Windows school
without GTK, a Linux without libpango). Needs root (CI) and `unshare`; skipped or failed
otherwise, as the suite does for every missing part."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

from tests.conftest import skip_or_fail


def pango_library() -> str | None:
    listed = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in listed.splitlines():
        if "libpango-1.0.so.0" in line and "=>" in line:
            return line.split("=>")[1].strip()
    return None


def run_without_pango(
    command: list[str], env: dict[str, str], cwd: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    library = pango_library()
    if os.geteuid() != 0 or library is None or not shutil.which("unshare"):
        skip_or_fail("needs root, unshare and Pango (Debian libpango-1.0-0) to hide Pango")
    hidden = f"mount --bind /dev/null {library} && exec {shlex.join(command)}"
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", hidden],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )
