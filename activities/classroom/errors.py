"""The classroom's one error type: a French message a teacher can act on."""

from __future__ import annotations


class ClassroomError(Exception):
    """Input refused or a step that cannot be done; nothing has been changed when it is raised
    (exit 2 in the CLI)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
