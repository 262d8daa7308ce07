"""Radio between simulated boards: two child processes, their `radio` events relayed by a
`RadioMedium` as inputs to each other."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import pytest

from device_bridge import Board
from device_bridge.sim.radio_medium import RadioMedium
from tests.sim.local import LocalBoard


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Board, Board, RadioMedium]]:
    with Board.connect("sim") as alice, Board.connect("sim@v1") as bob:
        medium = RadioMedium().join(alice.transport).join(bob.transport)  # type: ignore[arg-type]
        try:
            yield alice, bob, medium
        finally:
            medium.close()


def settle(*boards: Board) -> None:
    for board in boards:
        assert board.transport.sync_events()  # type: ignore[attr-defined]


def receive(board: Board, call: str = "radio.receive()", tries: int = 50) -> object:
    """Packets arrive at the receiver's next simulated instant: poll as a pupil's loop does."""
    for _ in range(tries):
        value = board.eval(call)
        if value is not None:
            return value
        time.sleep(0.02)
    return None


def test_a_message_goes_from_one_board_to_the_other(pair) -> None:
    alice, bob, medium = pair
    bob.exec("import radio\nradio.on()\nradio.config(group=3)")
    alice.exec("import radio\nradio.on()\nradio.config(group=3)\nradio.send('bonjour')")
    settle(alice, bob)
    assert receive(bob) == "bonjour"
    assert bob.eval("radio.receive()") is None
    bob.exec("radio.send_bytes(b'\\x00\\xff')")
    settle(bob, alice)
    assert receive(alice, "radio.receive_bytes()") == b"\x00\xff"
    assert medium.relayed >= 2


def test_another_group_or_channel_hears_nothing(pair) -> None:
    alice, bob, _medium = pair
    bob.exec("radio.config(group=4)")
    alice.exec("radio.send('perdu')")
    bob.exec("radio.config(group=3, channel=9)")
    alice.exec("radio.send('perdu aussi')")
    settle(alice, bob)
    time.sleep(0.2)
    assert bob.eval("radio.receive()") is None
    bob.exec("radio.config(channel=7)")


def test_the_queue_keeps_only_as_many_packets_as_configured(pair) -> None:
    alice, bob, _medium = pair
    bob.exec("radio.config(queue=2)")
    alice.exec("for i in range(5):\n    radio.send(str(i))")
    settle(alice, bob)
    time.sleep(0.2)
    assert receive(bob) == "0"
    assert bob.eval("(radio.receive(), radio.receive())") == ("1", None)


def test_a_packet_longer_than_the_receivers_length_is_lost() -> None:
    board = LocalBoard("v2")
    board.run("import radio\nradio.on()\nradio.config(length=8)")
    board.give(
        {
            "kind": "radio",
            "data": "AQABYWJjZGVmZ2hpag==",
            "channel": 7,
            "group": 0,
            "address": 0x75626974,
            "data_rate": 0,
        }
    )
    board.give(
        {
            "kind": "radio",
            "data": "AQABYWJj",
            "channel": 7,
            "group": 0,
            "address": 0x75626974,
            "data_rate": 0,
        }
    )
    assert board.run("print(radio.receive(), radio.receive())") == "abc None\n"


def test_a_packet_of_the_longest_length_arrives_whole() -> None:
    board = LocalBoard("v2")
    board.run("import radio\nradio.on()\nradio.config(length=251)")
    text = "é" + "x" * 245  # 3 bytes of header + 248 of text
    data = base64.b64encode(b"\x01\x00\x01" + text.encode()).decode()
    for _ in range(2):
        board.give(
            {
                "kind": "radio",
                "data": data,
                "channel": 7,
                "group": 0,
                "address": 0x75626974,
                "data_rate": 0,
            }
        )
    assert board.run("print(radio.receive())") == text + "\n"
    assert board.run("print(radio.receive_full()[0][3:].decode())") == text + "\n"


@pytest.mark.parametrize(
    "code, error",
    [
        ("radio.send('x')", "ValueError: radio is not enabled"),
        ("radio.config(length=300)", "ValueError: value out of range for argument 'length'"),
        ("radio.config(channel=101)", "ValueError: value out of range for argument 'channel'"),
        ("radio.config(foo=1)", "ValueError: unknown argument 'foo'"),
    ],
)
def test_radio_errors_keep_the_firmwares_words(code: str, error: str) -> None:
    board = LocalBoard("v1")
    board.run("import radio")
    assert board.error_line(code) == error


def test_send_emits_a_radio_event_with_the_packet_and_settings() -> None:
    board = LocalBoard("v2")
    board.run("import radio\nradio.on()\nradio.config(channel=12, group=1)\nradio.send('hi')")
    (event,) = board.of_kind("radio")
    assert (event["data"], event["channel"], event["group"]) == ("AQABaGk=", 12, 1)
