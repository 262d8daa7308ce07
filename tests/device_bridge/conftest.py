"""Fixtures of the bridge's tests."""

from __future__ import annotations

import pytest

from device_bridge import Board

BOARDS = ["sim", pytest.param("board", marks=pytest.mark.qemu)]


@pytest.fixture(params=BOARDS)
def any_board(request: pytest.FixtureRequest) -> Board:
    """Each in turn: the simulated micro:bit, and the real V1 firmware in QEMU."""
    return request.getfixturevalue(request.param)
