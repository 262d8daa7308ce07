"""Where `tne` keeps what a user set once: the per-user configuration folder.

One function, so that the registry link (`activities/registry/link.py`) and the workshop's board
labels (`device_bridge/labels.py`) live side by side. `TNE_CONFIG_DIR` moves the folder
(portable installs, tests). Imports nothing heavy: the kernel and the CLI read it at start.
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_ENV_VAR = "TNE_CONFIG_DIR"
APP_NAME = "tne-robotique"


def config_dir() -> Path:
    """The user's configuration folder for tne (not created here)."""
    given = os.environ.get(CONFIG_ENV_VAR)
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
