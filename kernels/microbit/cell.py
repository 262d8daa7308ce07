"""What a notebook cell asks for: magics first, then board code, or a whole `%%host` cell, or
a whole `%%check` cell (an activity's test, interpreted on the host: activities/catalogue/checks).

Magic lines (`%connect sim`) are only recognised at the top of a cell, before any code, as in
IPython: a `%` further down is board code (and a SyntaxError the hints explain). `%save NAME`
takes the rest of the cell as the file's content. The board code keeps its position in the cell
(`first_line`), so the board's line numbers map back to the cell's.

When the board code ends with an expression, the kernel shows its value as the board's REPL
would: the expression is assigned to a temporary global and printed after a record-separator
byte that the output splitter recognises. The rewrite keeps every line where it was.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

#: Printed by the board before the repr of a cell's last expression (never typed by pupils).
RESULT_MARK = "\x1e"
RESULT_NAME = "__tne_r"


@dataclass
class Cell:
    """A parsed cell. `magics` are (cell line number, text after the `%`)."""

    magics: list[tuple[int, str]] = field(default_factory=list)
    code: str = ""
    first_line: int = 1  # cell line of the board code's line 1
    host: str | None = None  # the body of a `%%host` cell
    check: str | None = None  # the body of a `%%check` cell (activities/catalogue/checks)
    save: tuple[str, str] | None = None  # (file name, content) of `%save NAME`

    def cell_line(self, board_line: int) -> int:
        return board_line + self.first_line - 1


def parse_cell(text: str) -> Cell:
    lines = text.split("\n")
    cell = Cell()
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith("%%"):
            if stripped[2:].split(maxsplit=1)[:1] == ["host"] and not cell.magics:
                cell.host = "\n".join(lines[index + 1 :])
                return cell
            if stripped[2:].split(maxsplit=1)[:1] == ["check"] and not cell.magics:
                cell.check = "\n".join(lines[index + 1 :])
                return cell
            cell.magics.append((index + 1, stripped[1:]))  # unknown cell magic: reported
            index += 1
            continue
        if stripped.startswith("%"):
            words = stripped[1:].split(maxsplit=1)
            if words and words[0] == "save":
                name = words[1].strip() if len(words) > 1 else ""
                cell.save = (name, "\n".join(lines[index + 1 :]))
                return cell
            cell.magics.append((index + 1, stripped[1:]))
            index += 1
            continue
        if stripped and not stripped.startswith("#"):
            break
        index += 1
    cell.first_line = index + 1
    cell.code = "\n".join(lines[index:])
    return cell


def show_last_value(code: str) -> tuple[str, bool]:
    """The code rewritten so that the board prints the value of a final expression (not
    None) after `RESULT_MARK`, and whether it was rewritten. Code that CPython cannot parse is
    left alone: the board's own error is the one to show."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return code, False
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return code, False
    node = tree.body[-1]
    if node.end_lineno is None or node.end_col_offset is None:
        return code, False
    lines = [line.encode("utf-8") for line in code.split("\n")]
    start, end = node.lineno - 1, node.end_lineno - 1
    # Offsets are in UTF-8 bytes; insert the closing bracket first so the opening one does
    # not shift it when both are on one line.
    lines[end] = lines[end][: node.end_col_offset] + b")" + lines[end][node.end_col_offset :]
    prefix = f"{RESULT_NAME}=(".encode()
    lines[start] = lines[start][: node.col_offset] + prefix + lines[start][node.col_offset :]
    tail = f"\nif {RESULT_NAME} is not None:print('\\x1e'+repr({RESULT_NAME}))\ndel {RESULT_NAME}"
    return b"\n".join(lines).decode("utf-8") + tail, True
