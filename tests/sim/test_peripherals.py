"""Buttons, pins, sensors, i2c, machine, neopixel and music, driven by the side channel's input
kinds (docs/simulator.md, "Inputs") and seen through their events."""

from __future__ import annotations

import pytest

from device_bridge import Board
from device_bridge.sim.sensors import posture
from device_bridge.transports.sim import SimTransport
from tests.sim.local import LocalBoard


@pytest.fixture
def board() -> LocalBoard:
    board = LocalBoard("v2")
    board.run("from microbit import *")
    return board


def test_a_press_counts_once_and_is_pressed_follows_the_button(board: LocalBoard) -> None:
    assert board.run("print(button_a.is_pressed(), button_a.was_pressed())") == "False False\n"
    board.give({"kind": "button", "name": "a", "pressed": True})
    board.give({"kind": "button", "name": "a", "pressed": True})  # still held: no new press
    assert board.run("print(button_a.is_pressed(), pin5.read_digital())") == "True 0\n"
    board.give({"kind": "button", "name": "a", "pressed": False})
    board.give({"kind": "button", "name": "a", "pressed": True})
    board.give({"kind": "button", "name": "a", "pressed": False})
    assert board.run("print(button_a.is_pressed(), button_a.get_presses())") == "False 2\n"
    assert board.run("print(button_a.was_pressed(), button_b.get_presses())") == "False 0\n"
    board.give({"kind": "button", "name": "b", "pressed": True})
    assert board.run("print(button_b.was_pressed(), button_b.was_pressed())") == "True False\n"


def test_a_scripted_press_waits_for_its_instant(board: LocalBoard) -> None:
    board.give({"kind": "button", "name": "a", "pressed": True}, at_ms=1000)
    code = "while not button_a.is_pressed():\n    sleep(10)\nprint(running_time() // 10 * 10)"
    assert board.run(code) == "1000\n"


def test_logo_and_pin_touches(board: LocalBoard) -> None:
    board.give({"kind": "button", "name": "logo", "pressed": True})
    board.give({"kind": "touch", "name": "pin1", "touched": True})
    assert board.run("print(pin_logo.is_touched(), pin1.is_touched(), pin0.is_touched())") == (
        "True True False\n"
    )
    board.give({"kind": "touch", "name": "logo", "touched": False})
    assert board.run("print(pin_logo.is_touched(), pin1.get_mode())") == "False touch\n"


def test_pins_read_what_drives_them_or_their_pull(board: LocalBoard) -> None:
    assert board.run("print(pin0.read_digital(), pin1.read_analog(), pin0.get_mode())") == (
        "0 0 read_digital\n"
    )
    board.run("pin2.set_pull(pin2.PULL_UP)")
    assert board.run("print(pin2.read_digital(), pin2.get_pull())") == "1 3\n"
    board.give({"kind": "pin", "name": "pin1", "value": 700})
    board.give({"kind": "pin", "name": "pin8", "value": 1})
    assert board.run("print(pin1.read_analog(), pin1.read_digital(), pin8.read_digital())") == (
        "700 1 1\n"
    )
    assert board.error_line("pin3.get_pull()") == "ValueError: Pin 3 in display mode"


def test_pin_writes_are_events_and_reach_the_hardware(board: LocalBoard) -> None:
    written: list[tuple[str, str, int]] = []
    board.hardware.pin_listeners.append(lambda *args: written.append(args))
    board.run("pin0.write_digital(1)\npin1.write_analog(511)\npin1.set_analog_period(20)")
    assert written == [("pin0", "digital", 1), ("pin1", "analog", 511), ("pin1", "period", 20000)]
    assert [(e["name"], e["mode"], e["value"]) for e in board.of_kind("pin")] == written
    assert board.run("print(pin0.get_mode(), pin1.get_mode())") == "write_digital write_analog\n"


@pytest.mark.parametrize(
    "code, error",
    [
        ("pin0.write_digital(2)", "ValueError: value must be 0 or 1"),
        ("pin0.write_analog(1024)", "ValueError: value must be between 0 and 1023"),
        ("pin0.set_pull(5)", "ValueError: invalid pull"),
        ("pin0.set_analog_period(0)", "ValueError: invalid period"),
        (
            "pin3.is_touched()",
            "AttributeError: 'MicroBitAnalogDigitalPin' object has no attribute 'is_touched'",
        ),
        (
            "pin5.read_analog()",
            "AttributeError: 'MicroBitDigitalPin' object has no attribute 'read_analog'",
        ),
        ("pin0.get_pull()", "ValueError: Pin 0 in unused mode"),
    ],
)
def test_bad_pin_calls_fail_with_the_firmwares_words(
    board: LocalBoard, code: str, error: str
) -> None:
    assert board.error_line(code) == error


def test_v1_has_no_logo_nor_speaker() -> None:
    board = LocalBoard("v1")
    code = (
        "import microbit\nprint([hasattr(microbit, n) for n in ('pin_logo', 'speaker', 'pin17')])"
    )
    assert board.run(code) == "[False, False, False]\n"


@pytest.mark.parametrize(
    "xyz, gesture",
    [
        ((0, 0, -1024), "face up"),
        ((0, 0, 1024), "face down"),
        ((0, -1024, 0), "up"),
        ((0, 1024, 0), "down"),
        ((-1024, 0, 0), "left"),
        ((1024, 0, 0), "right"),
        ((0, 0, 0), "freefall"),
        ((0, 0, -3500), "3g"),
        ((0, 0, -7000), "6g"),
        ((0, 0, -9000), "8g"),
        ((300, 300, -600), ""),
    ],
)
def test_gestures_are_derived_from_the_acceleration(xyz, gesture) -> None:
    assert posture(*xyz) == gesture


def test_accelerometer_defaults_inputs_and_gesture_history(board: LocalBoard) -> None:
    assert board.run("print(accelerometer.get_values(), accelerometer.current_gesture())") == (
        "(0, 0, -1024) face up\n"
    )
    board.give({"kind": "accelerometer", "x": -1024, "y": 0, "z": 0})
    board.give({"kind": "gesture", "name": "shake"})
    assert board.run("print(accelerometer.get_x(), accelerometer.was_gesture('left'))") == (
        "-1024 True\n"
    )
    assert (
        board.run("print(accelerometer.was_gesture('left'), accelerometer.is_gesture('shake'))")
        == "False True\n"
    )
    assert board.run("print(accelerometer.get_gestures())") == "('face up', 'left', 'shake')\n"
    assert board.error_line("accelerometer.is_gesture('wobble')") == "ValueError: invalid gesture"


def test_compass_temperature_and_light_follow_their_inputs(board: LocalBoard) -> None:
    assert (
        board.run("print(temperature(), display.read_light_level(), compass.is_calibrated())")
        == "21 128 False\n"
    )
    board.give({"kind": "compass", "heading": 90})
    board.give({"kind": "temperature", "celsius": 35})
    board.give({"kind": "light", "level": 300})
    assert board.run("print(compass.heading(), temperature(), display.read_light_level())") == (
        "90 35 255\n"
    )
    assert board.run("print(compass.is_calibrated(), compass.get_x(), compass.get_y())") == (
        "True -22000 0\n"
    )
    board.run("compass.clear_calibration()")
    assert board.run("print(compass.is_calibrated())") == "False\n"


def test_a_malformed_input_is_ignored(board: LocalBoard) -> None:
    board.give({"kind": "button", "name": "z", "pressed": True})
    board.give({"kind": "accelerometer", "x": "beaucoup"})
    board.give({"kind": "temperature"})
    assert board.run("print(button_a.is_pressed(), accelerometer.get_z(), temperature())") == (
        "False -1024 21\n"
    )


def test_i2c_reaches_the_device_at_its_address(board: LocalBoard) -> None:
    class Echo:
        def __init__(self) -> None:
            self.last = b""

        def i2c_write(self, data: bytes) -> None:
            self.last = data

        def i2c_read(self, nbytes: int) -> bytes:
            return self.last[:nbytes].ljust(nbytes, b"\0")

    board.hardware.attach_i2c(0x10, Echo())
    assert (
        board.run(
            "i2c.init(freq=400000)\ni2c.write(0x10, bytes([1, 2]), repeat=True)\n"
            "print(i2c.scan(), i2c.read(0x10, 3))"
        )
        == "[16] b'\\x01\\x02\\x00'\n"
    )
    assert board.error_line("i2c.read(0x11, 1)") == "OSError: [Errno 19] ENODEV"
    assert board.error_line("i2c.write(0x10, 'texte')") == (
        "TypeError: object with buffer protocol required"
    )


def test_machine_module(board: LocalBoard) -> None:
    assert (
        board.run(
            "import machine\nt = running_time()\nprint(machine.time_pulse_us(pin1, 1, 5000), "
            "running_time() - t >= 5, machine.freq(), machine.unique_id())"
        )
        == "-2 True 64000000 b'\\x03\\x00\\x00\\x00xV4\\x12'\n"
    )
    assert board.run("s = machine.disable_irq()\nmachine.enable_irq(s)\nprint(s)") == "True\n"


def test_neopixel_show_sends_the_colours(board: LocalBoard) -> None:
    board.run(
        "import neopixel\nn = neopixel.NeoPixel(pin15, 3)\nn[0] = (255, 0, 0)\nn[-1] = (0, 0, 9)\n"
        "n.show()\nprint(n[0], n[1], len(n))\nn.clear()"
    )
    shown = board.of_kind("neopixel")
    assert shown[0] == {
        "kind": "neopixel",
        "t": shown[0]["t"],
        "pin": "pin15",
        "pixels": [[255, 0, 0], [0, 0, 0], [0, 0, 9]],
    }
    assert shown[1]["pixels"] == [[0, 0, 0]] * 3
    assert board.error_line("n[3] = (1, 1, 1)") == "IndexError: NeoPixel index out of range"
    assert board.error_line("n[0] = (256, 0, 0)") == "ValueError: invalid colour"
    assert board.error_line("n[0] = (1, 0)") == (
        "ValueError: requested length 3 but object has length 2"
    )


def test_the_v1_neopixel_has_no_fill_nor_write() -> None:
    code = (
        "from microbit import *\nimport neopixel\nn = neopixel.NeoPixel(pin0, 2)\n"
        "print(hasattr(n, 'fill'), hasattr(n, 'write'))"
    )
    assert LocalBoard("v2").run(code) == "True True\n"
    v1 = LocalBoard("v1")
    assert v1.run(code) == "False False\n"
    assert v1.error_line("n.fill((1, 2, 3))") == (
        "AttributeError: 'NeoPixel' object has no attribute 'fill'"
    )


#: Simulated ms a call's own work may add to what it waits: MicroPython builds its arguments and
#: reads its answer, and `audio.play` checks that each of 250 frames is an `AudioFrame` (about
#: 10 ms). The sealed engine counts that work, as a board spends time on it.
CALL_WORK_MS = 15


def test_music_takes_its_real_time_and_tells_each_note(board: LocalBoard) -> None:
    board.run("import music\nt = running_time()\nmusic.play(music.BA_DING)\nd = running_time() - t")
    assert 500 <= int(board.run("print(d)")) <= 500 + CALL_WORK_MS  # 1 + 3 ticks of 125 ms
    notes = [e for e in board.of_kind("music") if e["note"]]
    assert [(e["note"], e["frequency"], e["duration"]) for e in notes] == [
        ("b5:1", 988, 125.0),
        ("e6:3", 1319, 375.0),
    ]
    board.run(
        "music.set_tempo(bpm=240)\nt = running_time()\nmusic.play(['c4:4', 'r', 'd'])\n"
        "d = running_time() - t"
    )
    assert 750 <= int(board.run("print(d)")) <= 750 + CALL_WORK_MS
    assert board.run("print(music.get_tempo())") == "(240, 4)\n"
    board.run("music.reset()\nt = running_time()\nmusic.pitch(440, 200)\nd = running_time() - t")
    assert 200 <= int(board.run("print(d)")) <= 200 + CALL_WORK_MS


def test_music_without_waiting_plays_on_in_simulated_time(board: LocalBoard) -> None:
    board.run(
        "import music\nt = running_time()\nmusic.play(music.JUMP_UP, wait=False)\n"
        "d = running_time() - t"
    )
    assert int(board.run("print(d)")) <= CALL_WORK_MS  # at once: the tune lasts 500 ms
    board.run("sleep(1000)")
    notes = [e for e in board.of_kind("music") if e["note"]]
    assert [e["note"] for e in notes] == ["c5:1", "d", "e", "f", "g"]
    assert round(notes[-1]["t"] - notes[0]["t"]) == 500
    assert len(board.run("print(music.NYAN)")) > 100


def test_buttons_pressed_through_the_transport_reach_a_running_program() -> None:
    with Board.connect("sim") as sim:
        transport = sim.transport
        assert isinstance(transport, SimTransport)
        transport.send_input({"kind": "button", "name": "b", "pressed": True})
        transport.send_input({"kind": "button", "name": "b", "pressed": False})
        assert transport.sync_events()
        out = sim.exec("from microbit import *\nsleep(1)\nprint(button_b.get_presses())").stdout
        assert out == b"1\r\n"


def test_audio_frames_take_their_time_in_the_foreground_and_the_background(
    board: LocalBoard,
) -> None:
    board.run(
        "import audio\nf = audio.AudioFrame()\nf[0] = 255\nt = running_time()\n"
        "audio.play([f] * 250)\nd = running_time() - t"
    )
    assert 1024 <= int(board.run("print(d)")) <= 1024 + CALL_WORK_MS  # 250 frames of 4.096 ms
    assert board.run("audio.play([f] * 250, wait=False)\nprint(audio.is_playing())") == "True\n"
    board.run("sleep(1100)")
    assert board.run("print(audio.is_playing())") == "False\n"
    played = board.of_kind("audio")
    assert [(e["pin"], e["frames"], e["duration"]) for e in played] == [("pin0", 250, 1024.0)] * 2
    assert board.error_line("f[0] = 256") == "ValueError: value out of range"
    assert board.error_line("audio.play([1])") == "TypeError: not an AudioFrame"


def test_v2_built_in_sounds_play_for_their_nominal_time(board: LocalBoard) -> None:
    board.run("t = running_time()\naudio.play(Sound.HAPPY)\nd = running_time() - t")
    assert 1000 <= int(board.run("print(d)")) <= 1000 + CALL_WORK_MS
    (played,) = [e for e in board.of_kind("audio") if e.get("sound")]
    assert (played["sound"], played["duration"]) == ("happy", 1000.0)
    v1 = LocalBoard("v1")
    assert (
        v1.error_line("from microbit import *\nSound") == "NameError: name 'Sound' is not defined"
    )


def test_a_reboot_stops_what_the_last_program_left_playing() -> None:
    with Board.connect("sim") as sim:
        transport = sim.transport
        assert isinstance(transport, SimTransport)
        sim.exec("import music\nmusic.play(music.NYAN, wait=False, loop=True)")
        sim.reset("soft")
        assert transport.sync_events()
        events: list[dict] = []
        transport.subscribe(events.append)
        sim.exec("from microbit import sleep\nsleep(5000)")
        assert transport.sync_events()
        assert not [e for e in events if e["kind"] == "music"]


def test_uart_writes_on_the_serial_line_and_spi_reads_zeros() -> None:
    with Board.connect("sim@v1") as sim:
        code = (
            "from microbit import *\nuart.init(115200)\n"
            "print(uart.write('a,1\\n'), uart.any(), uart.read(), spi.read(2))"
        )
        assert sim.exec(code).stdout == b"a,1\r\n4 False None b'\\x00\\x00'\r\n"
