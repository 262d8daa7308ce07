"""The installed version of tne-robotique, read from the package's metadata.

One place, so that `tne --version`, the kernel's `implementation_version`, the kernelspecs and
the upgrade step (`tne/cli/upgrade.py`) never disagree with pyproject.toml. Imports nothing
heavy: the kernel reads it at start.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "tne-robotique"


def installed_version() -> str:
    """The version pip installed ("?" when run from sources that were never installed)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "?"
