"""USB serial (and any pyserial URL such as `socket://host:port`) as a transport.

Port names are passed to pyserial untouched, so `COM3` works on Windows and `/dev/ttyACM0` or a
QEMU pty elsewhere. The port is opened exclusively where the platform allows it, so two programs
never interleave their bytes on one board.
"""

from __future__ import annotations

import contextlib
import time
from types import ModuleType

from tne.i18n import _

from ..errors import DeviceBusy, DeviceUnreachable, LinkLost
from ..holders import looks_busy, port_holder
from .base import Transport

BAUDRATE = 115200


def pyserial() -> ModuleType:
    """pyserial, imported on first use: its POSIX back end imports termios and fcntl, and
    importing our modules must work where those do not exist."""
    import serial

    return serial


def _errors() -> tuple[type[BaseException], ...]:
    return (pyserial().SerialException, OSError)


class SerialTransport(Transport):
    def __init__(self, port: str, baudrate: int = BAUDRATE) -> None:
        self.port = port
        self.label = port
        self.baudrate = baudrate
        self._serial = None
        self._timeout: float | None = None

    def open(self) -> None:
        serial = pyserial()
        if "://" not in self.port:
            # Programs that open ports without a lock (Thonny, Mu...) are found by the OS's own
            # account of open files; two programs on one board would garble each other.
            holder = port_holder(self.port)
            if holder is not None:
                raise self._busy(holder)
        try:
            if "://" in self.port:
                link = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=0)
            else:
                link = serial.Serial(self.port, self.baudrate, timeout=0, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as error:
            if looks_busy(error):
                raise self._busy(detail=str(error)) from error
            raise DeviceUnreachable(
                _("Cannot open the port {port}: is the board plugged in?").format(port=self.port),
                detail=str(error),
            ) from error
        self._serial = link
        self._timeout = 0

    def _busy(self, holder: str | None = None, detail: str = "") -> DeviceBusy:
        if holder:
            message = _(
                "The port {port} is used by the program {program}. Close it, then try again."
            ).format(port=self.port, program=holder)
        else:
            message = _(
                "The port {port} is already used by another program (Thonny, Mu, an open "
                "notebook?). Close that program, then try again."
            ).format(port=self.port)
        return DeviceBusy(message, detail=detail)

    @property
    def _link(self):  # -> serial.SerialBase
        if self._serial is None:
            raise LinkLost(_("The connection to the board is closed."))
        return self._serial

    def _lost(self, error: Exception) -> LinkLost:
        self.close()
        return LinkLost(
            _("The connection to the board on {port} was lost (cable unplugged?).").format(
                port=self.port
            ),
            detail=str(error),
        )

    def write(self, data: bytes) -> None:
        try:
            self._link.write(data)
            self._link.flush()
        except _errors() as error:
            raise self._lost(error) from error

    def read(self, timeout: float) -> bytes:
        link = self._link
        try:
            waiting = link.in_waiting
            if waiting:
                return link.read(waiting)
            if timeout <= 0:
                return b""
            if self._timeout != timeout:
                link.timeout = timeout
                self._timeout = timeout
            first = link.read(1)
            if not first:
                return b""
            rest = link.in_waiting
            return first + (link.read(rest) if rest else b"")
        except _errors() as error:
            raise self._lost(error) from error

    def close(self) -> None:
        link, self._serial = self._serial, None
        if link is not None:
            with contextlib.suppress(*_errors()):
                link.close()

    def reset_line(self) -> bool:
        """A serial break resets a micro:bit through its interface chip (DAPLink); on ESP32
        boards RTS drives EN. Not every medium has either, so failure is a plain False."""
        try:
            link = self._link
            link.send_break(0.1)
            if hasattr(link, "rts"):
                link.rts = True
                time.sleep(0.05)
                link.rts = False
            return True
        except (*_errors(), NotImplementedError, AttributeError):
            return False
