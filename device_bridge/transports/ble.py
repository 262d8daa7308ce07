"""Bluetooth LE as a transport: the Nordic UART Service (NUS) through bleak.

Two conventions share the NUS UUIDs, and the characteristics are told apart by their properties,
not by UUID alone:

- MicroPython's BLE UART REPL (`ble_uart_repl.py`, robots built on ESP32): the central writes to
  `6E400002` and listens to notifications on `6E400003`;
- the micro:bit MakeCode UART service: the roles are swapped (`6E400002` indicates, `6E400003`
  takes writes) and there is no Python behind it, so only text goes through (`runs_python` is
  False and `Board` refuses it; `tne monitor` talks to it).

bleak is asyncio, the Transport contract is synchronous: every BLE transport of the process runs
its coroutines on one event loop in a background thread (`_BleLoop`). One loop for all, because a
Bluetooth stack connection (BlueZ's D-Bus link, WinRT's adapter, a bumble host in the tests) is
bound to the loop that made it, and `--device all` may hold several boards at once. The thread
is a plain Python thread, so WinRT runs it in its default multi-threaded COM apartment on Windows.

Connects are serialised by a process-wide lock: BlueZ refuses a connect while another is in
progress (bleak issue #1036), and a scan during a connect confuses some adapters too.

Writes are cut to the negotiated ATT payload (MTU - 3: 20 bytes at MTU 23, 244 at 247) and use
write-without-response when the characteristic offers it. Pacing towards the board's own buffers
is the protocol's business (`raw_repl.PACINGS["ble"]`).

A link lost (the robot went out of range, its battery died) is reported by the stack after the
connection's supervision timeout (a few seconds; bleak's disconnected callback): the current
read or write raises `LinkLost`. Reconnection: once a loss has been reported, the next write
reconnects (same address, one attempt; if the board is still away that command fails with
`DeviceUnreachable` and the one after tries again), so the next command of a kernel or of `Board`
finds the board again without a new `Board.connect`; `Board` re-enters raw mode first because the
interrupted run left it out of the idle phase. What the program on the board did meanwhile is
unknown: it may have kept running, and the re-entry sends Ctrl-C.

`TNE_BLE_BACKEND=module:Name`, only for tests and development, replaces the platform's Bluetooth
stack: `Name` is an object with attributes `scanner` and `client`, bleak backend classes passed as
`backend=` to `BleakScanner` and `BleakClient` (the tests use a bumble-backed one,
`tests.helpers.bumble_bleak:Backend`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import os
import queue
import re
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tne.i18n import _

from ..errors import BridgeError, DeviceUnreachable, LinkLost, UsageError
from .base import Transport, take_queued

NUS_SERVICE = "6e400001-b5a3-f393-e0a9-e50e24dcca9e"
NUS_2 = "6e400002-b5a3-f393-e0a9-e50e24dcca9e"
NUS_3 = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"

BACKEND_VARIABLE = "TNE_BLE_BACKEND"
#: How long a scan listens. A name match listens the whole time, so that two boards with the
#: same name are both seen (most boards advertise several times a second).
SCAN_SECONDS = 3.0
CONNECT_SECONDS = 20.0
#: A write not acknowledged by the stack in this time means the link is gone.
WRITE_SECONDS = 5.0
DISCONNECT_SECONDS = 3.0
#: The smallest ATT payload (MTU 23 - 3), used until the stack says more.
MIN_PAYLOAD = 20

_ADDRESS = re.compile(
    r"^(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}"  # AA:BB:CC:DD:EE:FF (Linux, Windows)
    r"|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$"  # macOS
)

T = TypeVar("T")

#: Process-wide: one connect at a time (bleak issue #1036).
CONNECT_LOCK = threading.Lock()


def is_ble_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))


@dataclass(frozen=True)
class BleFound:
    """One advertiser seen by a scan."""

    address: str
    name: str
    rssi: int
    has_uart: bool
    #: bleak's BLEDevice: connecting with it spares the stack a second scan (and on macOS the
    #: address is only meaningful to the scanner that saw it).
    device: Any = field(default=None, compare=False, repr=False)


# -- the event loop -------------------------------------------------------------------------


class _BleLoop:
    """One asyncio loop in a daemon thread, started on first use, shared by the process."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def loop(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="tne-ble", daemon=True).start()
                cls._loop = loop
            return cls._loop

    @classmethod
    def run(cls, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coroutine` on the loop; `TimeoutError` after `timeout` seconds (it is cancelled)."""
        future = asyncio.run_coroutine_threadsafe(coroutine, cls.loop())
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:  # not the builtin TimeoutError before 3.11
            future.cancel()
            raise TimeoutError(f"no answer from the Bluetooth stack in {timeout} s") from None


def run_ble(coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
    """Run a bleak coroutine from synchronous code (the tests and the benchmark use it too)."""
    return _BleLoop.run(coroutine, timeout)


# -- the stack ------------------------------------------------------------------------------


def _bleak() -> Any:
    """bleak, imported on first use, so that `tne` works where it is not installed."""
    try:
        import bleak
    except ImportError as error:
        raise DeviceUnreachable(
            _("Bluetooth needs the Python package bleak: pip install bleak"), detail=str(error)
        ) from error
    return bleak


def backends() -> tuple[Any, Any]:
    """The (scanner, client) bleak backends named by `TNE_BLE_BACKEND`, or (None, None) for the
    platform's own stack."""
    spec = os.environ.get(BACKEND_VARIABLE, "").strip()
    if not spec:
        return None, None
    module_name, _sep, attribute = spec.partition(":")
    try:
        holder = getattr(importlib.import_module(module_name), attribute)
        return holder.scanner, holder.client
    except (ImportError, AttributeError, ValueError) as error:
        raise UsageError(
            _(
                "{variable} must name module:Name, an object with scanner and client backends."
            ).format(variable=BACKEND_VARIABLE),
            detail=f"{spec}: {error!r}",
        ) from error


def _no_bluetooth(error: BaseException) -> DeviceUnreachable:
    return DeviceUnreachable(
        _("Bluetooth is not available on this computer (is it switched on?)."), detail=repr(error)
    )


async def _scan(seconds: float) -> list[BleFound]:
    bleak = _bleak()
    scanner_backend, _client = backends()
    seen = await bleak.BleakScanner.discover(
        seconds, return_adv=True, **({"backend": scanner_backend} if scanner_backend else {})
    )
    found = [
        BleFound(
            address=device.address,
            name=advert.local_name or device.name or "",
            rssi=advert.rssi,
            has_uart=NUS_SERVICE in [uuid.lower() for uuid in advert.service_uuids],
            device=device,
        )
        for device, advert in seen.values()
    ]
    return sorted(found, key=lambda item: (item.name, item.address))


def scan(seconds: float = SCAN_SECONDS) -> list[BleFound]:
    """Every advertiser heard within `seconds` (scans take the connect lock: see the module)."""
    with CONNECT_LOCK:
        try:
            return run_ble(_scan(seconds), seconds + 10.0)
        except (DeviceUnreachable, UsageError):
            raise
        except Exception as error:  # bleak raises its own and OS errors alike
            raise _no_bluetooth(error) from error


def ambiguous_message(name: str, matches: list[BleFound]) -> str:
    lines = [
        _(
            "Several Bluetooth boards are called '{name}'. Choose one by its address, for example "
            "--device ble:{address}"
        ).format(name=name, address=matches[0].address)
    ]
    lines += [
        _("  ble:{address}  ({name}, signal {rssi} dBm)").format(
            address=found.address, name=found.name, rssi=found.rssi
        )
        for found in matches
    ]
    return "\n".join(lines)


# -- the transport --------------------------------------------------------------------------


class BleTransport(Transport):
    """One board behind a Nordic UART Service. `target` is a name or a Bluetooth address."""

    medium = "ble"

    def __init__(self, target: str, scan_seconds: float = SCAN_SECONDS) -> None:
        self.target = target
        self.label = f"ble:{target}"
        self.scan_seconds = scan_seconds
        self.address = target if is_ble_address(target) else ""
        self.convention = ""  # "micropython" or "makecode", known once connected
        self.mtu = 23
        self.payload = MIN_PAYLOAD
        self.runs_python = True
        self.writes = 0  # ATT writes sent, for the benchmark's bytes-per-write figure
        self._client: Any = None
        self._rx: Any = None  # the characteristic we write to
        self._with_response = False
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._lost = False  # the link dropped
        self._reported = False  # ... and a LinkLost said so
        self._closed = True
        self._generation = 0

    # -- connecting ------------------------------------------------------------------------

    def open(self) -> None:
        with CONNECT_LOCK:
            try:
                run_ble(self._connect(), self.scan_seconds + CONNECT_SECONDS + 10.0)
            except (DeviceUnreachable, UsageError):
                raise
            except Exception as error:
                raise DeviceUnreachable(
                    _(
                        "Cannot connect to the Bluetooth board {target}: is it switched on and "
                        "close enough?"
                    ).format(target=self.target),
                    detail=repr(error),
                ) from error
        self._closed = False

    async def _find(self) -> Any:
        """The BLEDevice (or address) to connect to: by address directly, by name after a scan."""
        if self.address:
            return self.address
        found = [item for item in await _scan(self.scan_seconds) if item.name == self.target]
        if not found:
            raise DeviceUnreachable(
                _(
                    "No Bluetooth board called '{name}' answered. Check that it is switched on "
                    "and close enough; tne devices --ble lists the boards around."
                ).format(name=self.target)
            )
        if len(found) > 1:
            raise DeviceUnreachable(
                ambiguous_message(self.target, found),
                detail=", ".join(item.address for item in found),
            )
        return found[0].device or found[0].address

    async def _connect(self) -> None:
        bleak = _bleak()
        _scanner, client_backend = backends()
        target = await self._find()
        self.address = target if isinstance(target, str) else target.address
        self._generation += 1
        generation = self._generation

        def on_disconnect(_client: Any) -> None:
            if generation == self._generation:  # not a link we already let go of
                self._lost = True
                self._queue.put(None)

        client = bleak.BleakClient(
            target,
            disconnected_callback=on_disconnect,
            timeout=CONNECT_SECONDS,
            **({"backend": client_backend} if client_backend else {}),
        )
        self._queue = queue.SimpleQueue()
        self._lost = self._reported = False
        await client.connect()
        try:
            rx, tx, self.convention = pick_characteristics(client.services, self.target)
            self.runs_python = self.convention == "micropython"
            self._with_response = "write-without-response" not in rx.properties
            # BlueZ always reports MTU 23 (bleak's docs) but knows the write size: take both.
            self.payload = max(
                MIN_PAYLOAD,
                client.mtu_size - 3 if self._with_response else rx.max_write_without_response_size,
            )
            self.mtu = max(client.mtu_size, self.payload + 3)
            await client.start_notify(tx, self._on_data)
        except BaseException:
            with contextlib.suppress(Exception):
                await client.disconnect()
            raise
        self._client, self._rx = client, rx

    def _on_data(self, _characteristic: Any, data: bytearray) -> None:
        self._queue.put(bytes(data))

    # -- moving bytes ----------------------------------------------------------------------

    def _link_lost(self, detail: str = "") -> LinkLost:
        self._lost = self._reported = True
        return LinkLost(
            _(
                "The Bluetooth link to {target} was lost (board switched off or too far away?). "
                "The next command reconnects."
            ).format(target=self.target),
            detail=detail,
        )

    def write(self, data: bytes) -> None:
        if self._closed:
            raise LinkLost(_("The connection to the board is closed."))
        if self._lost:
            if not self._reported:
                raise self._link_lost("disconnected")
            self._reconnect()
        for start in range(0, len(data), self.payload):
            piece = data[start : start + self.payload]
            try:
                run_ble(
                    self._client.write_gatt_char(self._rx, piece, response=self._with_response),
                    WRITE_SECONDS,
                )
            except Exception as error:
                raise self._link_lost(repr(error)) from error
            self.writes += 1

    def _reconnect(self) -> None:
        self._drop_client()
        try:
            self.open()
        except BridgeError:
            self._lost = self._reported = True  # still away: the next write tries again
            raise

    def read(self, timeout: float) -> bytes:
        if self._closed:
            raise LinkLost(_("The connection to the board is closed."))
        data, ended = take_queued(self._queue, timeout)
        if ended:
            self._lost = True
        if not data and self._lost:
            raise self._link_lost("disconnected")
        return data

    def close(self) -> None:
        self._closed = True
        self._drop_client()

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        self._generation += 1  # its disconnection is ours, not a lost link
        with contextlib.suppress(Exception):
            run_ble(client.disconnect(), DISCONNECT_SECONDS)


def pick_characteristics(services: Any, target: str) -> tuple[Any, Any, str]:
    """(rx, tx, convention) of the Nordic UART Service: rx is the characteristic we write to, tx
    the one that notifies or indicates; which UUID plays which role tells the convention."""
    service = services.get_service(NUS_SERVICE)
    writable = listening = None
    for characteristic in service.characteristics if service else []:
        properties = set(characteristic.properties)
        if writable is None and properties & {"write", "write-without-response"}:
            writable = characteristic
        elif listening is None and properties & {"notify", "indicate"}:
            listening = characteristic
    if writable is None or listening is None:
        raise DeviceUnreachable(
            _(
                "The Bluetooth device {target} has no Nordic UART Service: it is not a board tne "
                "can talk to."
            ).format(target=target)
        )
    convention = "makecode" if listening.uuid.lower() == NUS_2 else "micropython"
    return writable, listening, convention
