"""One exception hierarchy for everything the bridge can report.

Each error carries a message for people (already translated, French by default) and a technical
detail for logs, and the CLI exit code that the error stands for, so front ends never guess.
"""

from __future__ import annotations


class BridgeError(Exception):
    """Base of all bridge errors. `str(error)` is the message for people."""

    exit_code = 3

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class UsageError(BridgeError):
    """The caller asked for something impossible (bad address, bad local path, bad hex)."""

    exit_code = 2


class DeviceUnreachable(BridgeError):
    """No board at this address, or it cannot be opened."""


class DeviceBusy(DeviceUnreachable):
    """Another program (Thonny, Mu, a notebook) holds the port."""


class LinkLost(DeviceUnreachable):
    """The link dropped while we were talking (cable pulled, port closed)."""


class DeviceNotResponding(BridgeError):
    """The board stopped answering, and interrupting it did not bring it back."""


class ExecTimeout(BridgeError):
    """Nothing came from the board for the allowed time; the program was stopped."""


class BoardError(BridgeError):
    """The code raised on the board. `traceback` is the board's own text."""

    exit_code = 1

    def __init__(self, message: str, traceback: str, stdout: bytes = b"") -> None:
        super().__init__(message, detail=traceback)
        self.traceback = traceback
        self.stdout = stdout

    @property
    def exception_name(self) -> str:
        """`NameError` from a traceback's last line `NameError: name 'x' isn't defined`."""
        last = self.traceback.strip().splitlines()[-1] if self.traceback.strip() else ""
        return last.split(":", 1)[0].strip()


class BoardFileError(BridgeError):
    """The board reported a file error (missing file, full flash, partial copy)."""

    exit_code = 1


class PartialFileError(BoardFileError):
    """A file on the board is known to be an incomplete copy."""

    def __init__(self, message: str, name: str, detail: str = "") -> None:
        super().__init__(message, detail)
        self.name = name


class FlashError(BridgeError):
    """Copying a firmware to the board's USB drive failed or was refused."""

    exit_code = 1
