"""A bleak backend on Google's bumble stack, so bleak's public API reaches emulated peripherals.

bleak 3.x ships no bumble backend; `BleakScanner` and `BleakClient` take a `backend=` class, and
these are such classes, implementing `bleak.backends.scanner.BaseBleakScanner` and
`bleak.backends.client.BaseBleakClient` on a bumble `Device` (a Bluetooth host in Python). That
host reaches its controller over HCI through the transport named by `TNE_BUMBLE_HCI`, normally
`tcp-client:127.0.0.1:PORT` where `python -m tests.helpers.ble_peripheral` runs the virtual
controllers and the emulated boards. The bytes on that link are real HCI packets, and the
controller, link layer, L2CAP, ATT and GATT are bumble's implementations of the specification.

`tne` loads it with `TNE_BLE_BACKEND=tests.helpers.bumble_bleak:Backend`.

One bumble host per event loop and controller (so one per process for `tne`, whose BLE
transports share one loop): it is created on first use and keeps its HCI connection until the
process ends.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_str
from bumble.core import UUID, AdvertisingData
from bumble.device import Device, Peer
from bumble.gatt import Characteristic
from bumble.hci import Address, HCI_ErrorCode
from bumble.transport import open_transport

HCI_VARIABLE = "TNE_BUMBLE_HCI"
#: What a central asks for; the peripheral's own limit decides (MTU 23 or 247 in the tests).
REQUESTED_MTU = 517

#: bumble property bits -> bleak's property names.
PROPERTY_NAMES = {
    Characteristic.Properties.BROADCAST: "broadcast",
    Characteristic.Properties.READ: "read",
    Characteristic.Properties.WRITE_WITHOUT_RESPONSE: "write-without-response",
    Characteristic.Properties.WRITE: "write",
    Characteristic.Properties.NOTIFY: "notify",
    Characteristic.Properties.INDICATE: "indicate",
    Characteristic.Properties.AUTHENTICATED_SIGNED_WRITES: "authenticated-signed-writes",
    Characteristic.Properties.EXTENDED_PROPERTIES: "extended-properties",
}
UUID_LISTS = (
    AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
)

_hosts: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Task[Device]] = {}


def bleak_uuid(uuid: UUID) -> str:
    return normalize_uuid_str(uuid.to_hex_str("-"))


async def _start_host(spec: str) -> Device:
    transport = await open_transport(spec)
    device = Device.with_hci(
        "tne-central", Address.generate_static_address(), transport.source, transport.sink
    )
    device.hci_transport = transport  # kept alive with the device
    await device.power_on()
    return device


async def shared_host() -> Device:
    """This loop's bumble host on the controller `TNE_BUMBLE_HCI` names, started once even when
    several callers ask at the same time."""
    spec = os.environ.get(HCI_VARIABLE, "")
    if not spec:
        raise BleakError(f"{HCI_VARIABLE} is not set (e.g. tcp-client:127.0.0.1:PORT)")
    loop = asyncio.get_running_loop()
    task = _hosts.get((loop, spec))
    if task is None or (task.done() and task.exception() is not None):
        task = _hosts[loop, spec] = loop.create_task(_start_host(spec))
    return await asyncio.shield(task)


class BumbleScanner(BaseBleakScanner):
    """Scans with the shared host; every advertising report becomes bleak's detection."""

    def __init__(
        self,
        detection_callback: Any,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **_kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._active = scanning_mode == "active"
        self._device: Device | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._device = await shared_host()
        self._device.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        await self._device.start_scanning(active=self._active, filter_duplicates=False)

    async def stop(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            device.remove_listener(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
            await device.stop_scanning()

    def _on_advertisement(self, advertisement: Any) -> None:
        data: AdvertisingData = advertisement.data
        name = data.get(AdvertisingData.COMPLETE_LOCAL_NAME) or data.get(
            AdvertisingData.SHORTENED_LOCAL_NAME
        )
        uuids = [bleak_uuid(uuid) for kind in UUID_LISTS for uuid in (data.get(kind) or [])]
        if not self.is_allowed_uuid(uuids):
            return
        address = str(advertisement.address).split("/")[0]
        previous = self.seen_devices.get(address)
        if previous is not None:  # a scan response adds to what the advertisement said
            name = name or previous[1].local_name
            uuids = uuids or previous[1].service_uuids
        advert = AdvertisementData(
            local_name=name if isinstance(name, str) else None,
            manufacturer_data={},
            service_data={},
            service_uuids=uuids,
            tx_power=None,
            rssi=advertisement.rssi,
            platform_data=(advertisement,),
        )
        device = self.create_or_update_device(address, address, advert.local_name, None, advert)
        self.call_detection_callbacks(device, advert)


class BumbleClient(BaseBleakClient):
    """A GATT client on the shared host: connect, discover, read, write, subscribe."""

    def __init__(self, address_or_ble_device: Any, **kwargs: Any) -> None:
        super().__init__(
            address_or_ble_device,
            disconnected_callback=kwargs.get("disconnected_callback"),
            timeout=kwargs.get("timeout", 10.0),
        )
        self._connection: Any = None
        self._peer: Peer | None = None
        self._leaving = False

    @property
    def name(self) -> str:
        return self.address

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection is not None else 23

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        host = await shared_host()
        try:
            connection = await host.connect(Address(self.address), timeout=self._timeout)
        except Exception as error:
            raise BleakError(f"could not connect to {self.address}: {error!r}") from error
        self._connection = connection
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)
        self._peer = peer = Peer(connection)
        await peer.request_mtu(REQUESTED_MTU)
        self.services = await self._discover(peer)

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        for service in await peer.discover_services():
            await service.discover_characteristics()
            bleak_service = BleakGATTService(service, service.handle, bleak_uuid(service.uuid))
            collection.add_service(bleak_service)
            for characteristic in service.characteristics:
                await characteristic.discover_descriptors()
                bleak_characteristic = BleakGATTCharacteristic(
                    characteristic,
                    characteristic.handle,
                    bleak_uuid(characteristic.uuid),
                    [
                        name
                        for bit, name in PROPERTY_NAMES.items()
                        if characteristic.properties & bit
                    ],
                    self._payload,
                    bleak_service,
                )
                collection.add_characteristic(bleak_characteristic)
                for descriptor in characteristic.descriptors:
                    collection.add_descriptor(
                        BleakGATTDescriptor(
                            descriptor,
                            descriptor.handle,
                            bleak_uuid(descriptor.type),
                            bleak_characteristic,
                        )
                    )
        return collection

    def _payload(self) -> int:
        return self.mtu_size - 3

    def _on_disconnection(self, _reason: int) -> None:
        self._connection = None
        self._peer = None
        callback: Callable[[], None] | None = self._disconnected_callback
        if callback is not None and not self._leaving:
            callback()

    def _live_peer(self) -> Peer:
        if self._peer is None:
            raise BleakError("Not connected")
        return self._peer

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        self._leaving = True
        try:
            await connection.disconnect(HCI_ErrorCode.REMOTE_USER_TERMINATED_CONNECTION_ERROR)
        except Exception:  # already gone: nothing to do
            self._connection = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("the emulated boards need no pairing")

    async def unpair(self) -> None:
        raise NotImplementedError("the emulated boards need no pairing")

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, **kwargs: Any
    ) -> bytearray:
        return bytearray(await self._live_peer().read_value(characteristic.obj))

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, **kwargs: Any
    ) -> bytearray:
        return bytearray(await self._live_peer().read_value(descriptor.obj))

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Any, response: bool
    ) -> None:
        await self._live_peer().write_value(characteristic.obj, bytes(data), with_response=response)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        await self._live_peer().write_value(descriptor.obj, bytes(data), with_response=True)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        await self._live_peer().subscribe(
            characteristic.obj, lambda value: callback(bytearray(value)), prefer_notify=True
        )

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        await self._live_peer().unsubscribe(characteristic.obj)


class Backend:
    """What `TNE_BLE_BACKEND=tests.helpers.bumble_bleak:Backend` names."""

    scanner = BumbleScanner
    client = BumbleClient
