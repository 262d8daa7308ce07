"""The one check mechanism of the activities: `%%check` cells, interpreted on the host against
the trace of a fresh simulated run (docs/activities.md, "Checks")."""

from .errors import CheckError, CheckFailed, CheckRefused, CheckSetupError
from .session import CheckSession, run_check

__all__ = [
    "CheckError",
    "CheckFailed",
    "CheckRefused",
    "CheckSetupError",
    "CheckSession",
    "run_check",
]
