"""Emulated Bluetooth LE boards for tests and development: `python -m tests.helpers.ble_peripheral`.

One process runs bumble virtual controllers joined by a `LocalLink` (bumble's in-process radio):

- a central port, `tcp-server:127.0.0.1:PORT` in bumble's transport terms: every TCP client
  that connects (a `tne` process, the test process) gets its own fresh virtual controller on the
  link, and speaks HCI to it as to a USB dongle. When the client goes away, the controller
  leaves the link and its connections end, as a dongle pulled out would end them;
- one or more peripherals, each a bumble `Device` on its own controller, advertising the Nordic
  UART Service (the service UUID is in the advertising data itself, because bumble's virtual
  controller sends the advertising data again as the scan response). Behind each NUS is, by
  default, a real micro:bit MicroPython firmware in QEMU: the peripheral relays GATT writes to the
  QEMU pty (at the 115200-baud line rate, as `tests.helpers.link` does) and the pty's output back
  as notifications (or indications, for the MakeCode convention), cut to the negotiated MTU.
  So the REPL behind the radio is the real one.

Scripted behaviour, only for what the firmware cannot produce: `--board none` swallows every
write and never answers; `--notify-early` sends a notification the moment a central connects,
before it subscribed (as some boards print a banner on connection); `--convention hm10` offers
an HM-10 serial module's service instead of NUS (a device tne must refuse).

It prints one JSON line on stdout once ready:
`{"hci": "tcp-client:127.0.0.1:PORT", "peripherals": [{"name", "address", ...}]}`; `tne` then
runs with `TNE_BLE_BACKEND=tests.helpers.bumble_bleak:Backend` and `TNE_BUMBLE_HCI` set to the
`hci` value. On stdin it takes commands, one per line: `cut N` drops peripheral N's connections
as a link lost out of range would (reason: connection timeout), `hide N` stops its advertising
(out of range for good) and `show N` starts it again, `quit` stops.

By hand:

    python -m tests.helpers.ble_peripheral --name mpy-uart --mtu 247
    export TNE_BLE_BACKEND=tests.helpers.bumble_bleak:Backend
    export TNE_BUMBLE_HCI=tcp-client:127.0.0.1:PORT  # the "hci" it printed
    tne exec --device ble:mpy-uart "print(1+1)"
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import threading
from typing import Any

from bumble import hci, ll
from bumble.controller import Controller
from bumble.core import UUID, AdvertisingData
from bumble.device import Device
from bumble.gatt import Characteristic, CharacteristicValue, Service
from bumble.hci import Address, HCI_ErrorCode
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink, StreamPacketSource

from tests.helpers import qemu
from tests.helpers.link import _open_board_end

NUS_SERVICE = UUID("6E400001-B5A3-F393-E0A9-E50E24DCCA9E")
NUS_2 = UUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")
NUS_3 = UUID("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")
HM10_SERVICE = UUID.from_16_bits(0xFFE0)
HM10_CHARACTERISTIC = UUID.from_16_bits(0xFFE1)
WRITES = Characteristic.Properties.WRITE | Characteristic.Properties.WRITE_WITHOUT_RESPONSE
EARLY_TEXT = b"robot ready\r\n"


class _StreamSink:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    def on_packet(self, packet: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(packet)


class CentralController(Controller):
    """bumble's virtual controller, with LE Create Connection Cancel as the specification has it
    (Vol 4, Part E, 7.8.13: the pending connect stops and an LE Connection Complete event with
    status "unknown connection identifier" follows). bumble's acknowledges the command but keeps
    the connect pending, so a connect that timed out (a board out of range) would block every
    later one and then complete when the board came back, to a host that no longer waits."""

    def on_hci_le_create_connection_cancel_command(self, command: Any) -> Any:
        pending, self.pending_le_connection = self.pending_le_connection, None
        if pending is not None:
            ended = hci.HCI_LE_Connection_Complete_Event(
                status=hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR,
                connection_handle=0,
                role=hci.Role.CENTRAL,
                peer_address_type=pending.peer_address.address_type,
                peer_address=pending.peer_address,
                connection_interval=0,
                peripheral_latency=0,
                supervision_timeout=0,
                central_clock_accuracy=0,
            )
            # After the Command Complete that the caller sends for this command's return value.
            asyncio.get_running_loop().call_soon(self.send_hci_packet, ended)
        return super().on_hci_le_create_connection_cancel_command(command)


class CentralPort:
    """The TCP port where hosts attach; one fresh controller per TCP client."""

    def __init__(self, link: LocalLink) -> None:
        self.link = link
        self.count = 0
        self.port = 0

    async def start(self, port: int) -> None:
        server = await asyncio.start_server(self._client, "127.0.0.1", port)
        self.port = server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.count += 1
        source = StreamPacketSource()
        controller = CentralController(
            f"central-{self.count}",
            host_source=source,
            host_sink=_StreamSink(writer),
            link=self.link,
        )
        try:
            while data := await reader.read(65536):
                source.data_received(data)
        except (ConnectionError, OSError):
            pass
        finally:
            reason = HCI_ErrorCode.REMOTE_USER_TERMINATED_CONNECTION_ERROR
            for connection in list(controller.le_connections.values()):
                with contextlib.suppress(Exception):
                    connection.send_ll_control_pdu(ll.TerminateInd(reason))
                    controller.on_le_disconnected(connection, reason)
            self.link.remove_controller(controller)
            writer.close()


class NusPeripheral:
    """One emulated board: NUS on a bumble Device, relaying to a QEMU micro:bit (or to nothing)."""

    def __init__(self, link: LocalLink, index: int, options: argparse.Namespace) -> None:
        self.index = index
        self.name = options.name
        self.convention = options.convention
        self.mtu = options.mtu
        self.notify_early = options.notify_early
        self.hidden = False
        self.address = Address(f"F0:5E:00:00:{options.address_byte:02X}:{index + 1:02X}")
        self.with_board = options.board == "qemu"
        self.qemu: qemu.QemuMicrobit | None = None
        self.board_end: Any = None
        self.loop = asyncio.get_running_loop()
        self.outgoing: asyncio.Queue[bytes] = asyncio.Queue()
        self.to_board: list[bytes] = []
        self.to_board_ready = threading.Condition()
        self.stopping = threading.Event()
        controller = Controller(f"peripheral-{index}", link=link)
        self.device = Device(
            name=self.name, address=self.address, host=Host(controller, AsyncPipeSink(controller))
        )
        self.device.gatt_server.max_mtu = self.mtu
        self._build_service()

    def _build_service(self) -> None:
        incoming = CharacteristicValue(write=self._on_write)
        self.service_uuid = NUS_SERVICE
        if self.convention == "makecode":
            # The micro:bit's UART service: it indicates on 6E400002 and takes writes on 3.
            self.tx = Characteristic(
                NUS_2, Characteristic.Properties.INDICATE, Characteristic.READABLE, b""
            )
            self.rx = Characteristic(NUS_3, WRITES, Characteristic.WRITEABLE, incoming)
            characteristics = [self.tx, self.rx]
        else:
            # MicroPython's ble_uart_repl: writes to 6E400002, notifications on 6E400003.
            self.rx = Characteristic(NUS_2, WRITES, Characteristic.WRITEABLE, incoming)
            self.tx = Characteristic(
                NUS_3,
                Characteristic.Properties.READ | Characteristic.Properties.NOTIFY,
                Characteristic.READABLE,
                b"",
            )
            characteristics = [self.rx, self.tx]
        if self.convention == "hm10":
            # Scripted: a serial module of another kind (HM-10's service FFE0, one characteristic
            # FFE1 that both takes writes and notifies), for the "not a NUS board" refusal.
            self.rx = self.tx = Characteristic(
                HM10_CHARACTERISTIC,
                WRITES | Characteristic.Properties.NOTIFY,
                Characteristic.WRITEABLE,
                incoming,
            )
            self.service_uuid = HM10_SERVICE
            self.device.add_service(Service(HM10_SERVICE, [self.rx]))
            return
        self.device.add_service(Service(NUS_SERVICE, characteristics))

    async def start(self) -> None:
        if self.with_board:
            self.qemu = await asyncio.to_thread(qemu.QemuMicrobit("pty").start)
            self.board_end = await asyncio.to_thread(_open_board_end, self.qemu.address)
            threading.Thread(target=self._from_board, daemon=True).start()
            threading.Thread(target=self._towards_board, daemon=True).start()
        self.device.on(Device.EVENT_CONNECTION, self._on_connection)
        await self.device.power_on()
        await self._advertise()
        self.loop.create_task(self._send_loop())

    async def _advertise(self) -> None:
        data = AdvertisingData(
            [
                (AdvertisingData.FLAGS, bytes([0x06])),
                self._advertised_service(),
                (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode("utf-8")),
            ]
        )
        await self.device.start_advertising(
            advertising_data=bytes(data),
            auto_restart=False,
            advertising_interval_min=20.0,
            advertising_interval_max=20.0,
        )

    def _advertised_service(self) -> tuple[int, bytes]:
        if self.service_uuid == HM10_SERVICE:
            return AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, bytes(HM10_SERVICE)
        return AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, bytes(NUS_SERVICE)

    def _on_connection(self, connection: Any) -> None:
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)
        if self.notify_early:
            self.loop.create_task(self._early(connection))

    def _on_disconnection(self, _reason: int) -> None:
        if not self.hidden:  # back on air, as a board in range advertises again
            self.loop.create_task(self._advertise())

    async def hide(self) -> None:
        """Out of range for good: stop advertising until `show()`."""
        self.hidden = True
        with contextlib.suppress(Exception):
            await self.device.stop_advertising()

    async def show(self) -> None:
        self.hidden = False
        if not self.device.connections:
            await self._advertise()

    async def _early(self, connection: Any) -> None:
        send = (
            self.device.indicate_subscriber
            if self.convention == "makecode"
            else self.device.notify_subscriber
        )
        with contextlib.suppress(Exception):
            await send(connection, self.tx, EARLY_TEXT, force=True)

    def _on_write(self, _connection: Any, value: bytes) -> None:
        if not self.with_board:
            return  # a board that never answers
        with self.to_board_ready:
            self.to_board.append(bytes(value))
            self.to_board_ready.notify()

    def _towards_board(self) -> None:
        while not self.stopping.is_set():
            with self.to_board_ready:
                while not self.to_board and not self.stopping.is_set():
                    self.to_board_ready.wait(0.2)
                data, self.to_board[:] = b"".join(self.to_board), []
            if data:
                self.board_end.write(data)

    def _from_board(self) -> None:
        while not self.stopping.is_set():
            data = self.board_end.read(0.2)
            if data is None:
                return
            if data:
                self.loop.call_soon_threadsafe(self.outgoing.put_nowait, data)

    async def _send_loop(self) -> None:
        pending = b""
        while True:
            pending += await self.outgoing.get()
            while not self.outgoing.empty():
                pending += self.outgoing.get_nowait()
            for connection in list(self.device.connections.values()):
                size = connection.att_mtu - 3
                for start in range(0, len(pending), size):
                    await self._send(connection, pending[start : start + size])
            pending = b""

    async def _send(self, connection: Any, piece: bytes) -> None:
        with contextlib.suppress(Exception):
            if self.convention == "makecode":
                await self.device.indicate_subscriber(connection, self.tx, piece)
            else:
                await self.device.notify_subscriber(connection, self.tx, piece)

    async def cut(self) -> None:
        """Drop every connection as a supervision timeout would (the board went out of range)."""
        for connection in list(self.device.connections.values()):
            with contextlib.suppress(Exception):
                await connection.disconnect(HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR)

    def stop(self) -> None:
        self.stopping.set()
        if self.board_end is not None:
            self.board_end.close()
        if self.qemu is not None:
            self.qemu.stop()

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address": str(self.address).split("/")[0],
            "convention": self.convention,
            "mtu": self.mtu,
            "board": self.qemu.address if self.qemu else None,
        }


async def serve(options: argparse.Namespace) -> None:
    link = LocalLink()
    central = CentralPort(link)
    await central.start(options.port)
    peripherals = [NusPeripheral(link, index, options) for index in range(options.count)]
    try:
        await asyncio.gather(*(peripheral.start() for peripheral in peripherals))
        ready = {
            "hci": f"tcp-client:127.0.0.1:{central.port}",
            "peripherals": [peripheral.describe() for peripheral in peripherals],
        }
        print(json.dumps(ready), flush=True)
        await _commands(peripherals, options.exit_on_eof)
    finally:
        for peripheral in peripherals:
            peripheral.stop()


async def _commands(peripherals: list[NusPeripheral], exit_on_eof: bool) -> None:
    """`cut N` and `quit` from stdin; at the end of stdin, stop or (started in the background
    by hand) serve until interrupted."""
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            if exit_on_eof:
                return
            await asyncio.Event().wait()
        words = line.split()
        if words[:1] == ["quit"]:
            return
        if words[:1] in (["cut"], ["hide"], ["show"]) and len(words) == 2 and words[1].isdigit():
            await getattr(peripherals[int(words[1])], words[0])()
            print(json.dumps({words[0]: int(words[1])}), flush=True)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.helpers.ble_peripheral",
        description=(
            "Emulated Bluetooth LE boards (Nordic UART Service) on bumble virtual controllers, "
            "with the QEMU micro:bit's MicroPython behind each. Prints one JSON line with the "
            "HCI transport for TNE_BUMBLE_HCI once ready; reads 'cut N' and 'quit' on stdin."
        ),
    )
    parser.add_argument("--name", default="mpy-uart", help="advertised name (default mpy-uart)")
    parser.add_argument("--mtu", type=int, default=247, help="largest ATT MTU the board accepts")
    parser.add_argument(
        "--convention",
        choices=["micropython", "makecode", "hm10"],
        default="micropython",
        help="micropython: write 6E400002, notify 6E400003; makecode: swapped, indications; "
        "hm10: no NUS (an HM-10 serial module's FFE0 service)",
    )
    parser.add_argument("--count", type=int, default=1, help="peripherals, all with that name")
    parser.add_argument(
        "--board",
        choices=["qemu", "none"],
        default="qemu",
        help="qemu: the real firmware behind NUS; none: a board that never answers",
    )
    parser.add_argument(
        "--notify-early",
        action="store_true",
        help="send a notification as soon as a central connects, before it subscribes",
    )
    parser.add_argument(
        "--exit-on-eof", action="store_true", help="stop when stdin ends (for test harnesses)"
    )
    parser.add_argument("--port", type=int, default=0, help="central TCP port (0: a free one)")
    parser.add_argument(
        "--address-byte", type=int, default=1, help="5th byte of the boards' addresses"
    )
    options = parser.parse_args(argv)
    if not 23 <= options.mtu <= 517:
        parser.error("--mtu must be between 23 and 517")
    return options


def main(argv: list[str] | None = None) -> None:
    options = parse_arguments(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(options))


if __name__ == "__main__":
    main()
