"""The board's bytes as Jupyter text: decoded as they come, line ends normalised, and the
value of a cell's last expression (after `cell.RESULT_MARK`) kept apart from printed text."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from .cell import RESULT_MARK


class BoardText:
    """Feed it the board's bytes from one stream; it calls `emit(text)` with what to show."""

    def __init__(self, emit: Callable[[str], None], watch_result: bool = False) -> None:
        self._emit = emit
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._carriage = False  # a "\r" that may be the start of "\r\n"
        self._watch = watch_result
        self.result: str | None = None  # the repr after RESULT_MARK, when one came

    def feed(self, data: bytes) -> None:
        self._text(self._decoder.decode(data))

    def close(self) -> None:
        self._text(self._decoder.decode(b"", final=True))
        if self._carriage:
            self._carriage = False
            self._out("\r")

    def _text(self, text: str) -> None:
        if not text:
            return
        if self._carriage:
            text = "\r" + text
            self._carriage = False
        if text.endswith("\r"):
            text, self._carriage = text[:-1], True
        self._out(text.replace("\r\n", "\n"))

    def _out(self, text: str) -> None:
        if self.result is not None:
            self.result += text
            return
        if self._watch and RESULT_MARK in text:
            text, _mark, rest = text.partition(RESULT_MARK)
            self.result = rest
        if text:
            self._emit(text)

    @property
    def value(self) -> str | None:
        """The repr printed by the board for the last expression, without its line end."""
        return None if self.result is None else self.result.rstrip("\n")
