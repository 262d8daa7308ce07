"""Tab completion and Shift-Tab inspection from the names that exist on the board.

Names come from the board itself (`dir()` of its globals and builtins, `dir(module)` after a
dot), asked through `Board.eval` with a short silence limit, and cached until the next cell runs
(a cell is the only thing that changes them). Only dotted names are ever evaluated, never calls,
so completing cannot change the board's state.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from device_bridge import Board
from device_bridge.profiles import FIRMWARE_MODULES

from .api_help import api_help

#: Seconds of silence allowed to the board for one question (it answers in milliseconds).
BOARD_TIMEOUT = 0.5
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.?$")
NAME_CHARS = re.compile(r"[A-Za-z0-9_.]*$")
GLOBALS = "dir()+dir(__import__('builtins'))"
IMPORT_LINE = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)?$")
IMPORTS = "\0imports"  # cache key (no dotted name looks like it)


@dataclass
class Completer:
    cache: dict[str, list[str]] = field(default_factory=dict)

    def forget(self) -> None:
        """A cell ran: the board's names may have changed."""
        self.cache.clear()

    def names(self, board: Board, owner: str) -> list[str]:
        """The names of `owner` on the board ("" for the globals), [] if it has none."""
        if owner not in self.cache:
            expression = f"dir({owner})" if owner else GLOBALS
            try:
                value = board.eval(expression, timeout=BOARD_TIMEOUT)
            except Exception:  # noqa: BLE001 - no names is the answer to any failure
                value = []
                if not owner:
                    try:
                        value = board.eval("dir()", timeout=BOARD_TIMEOUT)
                    except Exception:  # noqa: BLE001
                        value = []
            self.cache[owner] = sorted(
                {name for name in value if isinstance(name, str)} if isinstance(value, list) else []
            )
        return self.cache[owner]

    def modules(self, board: Board) -> list[str]:
        """Modules a pupil may import: the firmware's usual ones and the board's .py files."""
        if IMPORTS not in self.cache:
            try:
                files = [info.name[:-3] for info in board.fs.ls() if info.name.endswith(".py")]
            except Exception:  # noqa: BLE001 - the usual modules are still worth offering
                files = []
            self.cache[IMPORTS] = sorted(set(FIRMWARE_MODULES) | set(files))
        return self.cache[IMPORTS]

    def complete(self, board: Board, code: str, cursor_pos: int) -> dict[str, object]:
        """A Jupyter `complete_reply` for the (dotted) name before the cursor, or for a module
        name after `import` / `from`."""
        before = code[:cursor_pos]
        line = before[before.rfind("\n") + 1 :]
        module = IMPORT_LINE.match(line)
        if module:
            prefix = module.group(1)
            matches = [name for name in self.modules(board) if name.startswith(prefix)]
            return reply(matches, cursor_pos - len(prefix), cursor_pos)
        token = NAME_CHARS.search(before)
        text = token.group(0) if token else ""
        if text and not DOTTED.match(text):
            return reply([], cursor_pos, cursor_pos)
        owner, _dot, prefix = text.rpartition(".")
        candidates = self.names(board, owner)
        if not owner:
            candidates = sorted(set(candidates) | set(keyword.kwlist))
        matches = [name for name in candidates if name.startswith(prefix)]
        if not prefix.startswith("_"):
            matches = [name for name in matches if not name.startswith("_")]
        return reply(matches, cursor_pos - len(prefix), cursor_pos)

    def inspect(self, board: Board, code: str, cursor_pos: int) -> dict[str, object]:
        """A Jupyter `inspect_reply`: the type and value of the name at the cursor."""
        start = cursor_pos
        while start > 0 and re.match(r"[A-Za-z0-9_.]", code[start - 1]):
            start -= 1
        end = cursor_pos
        while end < len(code) and re.match(r"[A-Za-z0-9_]", code[end]):
            end += 1
        name = code[start:end].strip(".")
        if not name or not DOTTED.match(name) or keyword.iskeyword(name):
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        try:
            kind, value = board.eval(f"(repr(type({name})),repr({name}))", timeout=BOARD_TIMEOUT)
        except Exception:  # noqa: BLE001 - an unknown name is simply not found
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        text = f"{name}: {kind}\n{value[:500]}"
        about = api_help(name)
        if about:
            text = f"{about}\n\n{text}"
        return {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}


def reply(matches: list[str], start: int, end: int) -> dict[str, object]:
    return {
        "status": "ok",
        "matches": matches,
        "cursor_start": start,
        "cursor_end": end,
        "metadata": {},
    }
