"""The registry's one error type: a French message that people can act on, and its exit code."""

from __future__ import annotations

EXIT_BAD_INPUT = 2
EXIT_DATABASE = 3


class RegistryError(Exception):
    """Input the registry refuses (exit 2 in the CLI), with a message already in the reader's
    language; `exit_code` lets the database being unreachable say so differently (3)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseUnavailable(RegistryError):
    """The database cannot be opened, is not initialised, or needs `migrate`."""

    exit_code = EXIT_DATABASE
