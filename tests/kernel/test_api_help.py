"""Shift-Tab help for the micro:bit API, found under the names pupils type."""

from __future__ import annotations

from kernels.microbit.api_help import api_help


def test_buttons_and_pins_share_their_help_and_unknown_names_have_none() -> None:
    assert api_help("button_a.is_pressed") == api_help("button_b.is_pressed") != ""
    assert "de 0 (0 V) à 1023 (3 V)" in api_help("pin12.read_analog")
    assert api_help("pin_logo.is_touched") == api_help("pin0.is_touched") != ""
    assert api_help("microbit.display.scroll") == api_help("display.scroll")
    assert api_help("display.inconnu") == "" and api_help("ma_variable") == ""
