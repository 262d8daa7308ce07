"""The printing's one error type: a message in the reader's language and the CLI's exit code."""

from __future__ import annotations

EXIT_BAD_INPUT = 2


class PrintingError(Exception):
    """Something `tne activities print` refuses (an unknown activity, a folder it cannot write,
    a sheet it cannot read); nothing has been written when it is raised."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
