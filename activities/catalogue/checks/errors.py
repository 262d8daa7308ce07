"""What a `%%check` cell ends with when it does not pass, each with a French message."""

from __future__ import annotations


class CheckError(Exception):
    """A check that did not pass; `message` is for the pupil (French, « tu »)."""

    ename = "CheckError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CheckFailed(CheckError):
    """The pupil's program did not do what the check expected: what was expected, what
    happened."""

    ename = "AssertionError"  # what nbgrader and pupils know from Python's own tests


class CheckRefused(CheckError):
    """The check's text uses something outside the check language (it never runs)."""

    ename = "CheckRefused"


class CheckSetupError(CheckError):
    """The check asks for something the simulator cannot do (a bad world, a wrong argument)."""

    ename = "CheckSetupError"
