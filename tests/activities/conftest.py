"""Fixtures: the micro:bit kernelspecs found through JUPYTER_PATH (as in tests/kernel)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.kernel import install_specs


@pytest.fixture(scope="module")
def kernelspecs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", install_specs(prefix))
        patch.setenv("TNE_LANG", "fr")
        patch.delenv("TNE_DEVICE", raising=False)
        yield prefix
