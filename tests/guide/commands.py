"""The `tne` command lines a guide page shows, checked against the real command tree.

A page may only tell a teacher to type what exists: every subcommand must be one of `tne`'s,
and every `--option` one of that subcommand's. Arguments and placeholders (`NUMÉRO`, `FICHIER`)
are not judged. The tree is typer's (which carries its own click), walked by its attributes
(`commands`, `params`). Command lines are read from code spans and code blocks, where a
reader copies them from; a `#` starts a comment.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer import _click

FENCE = re.compile(r"^(```|~~~)")
SPAN = re.compile(r"`([^`\n]+)`")
#: `tne` as a command (not `tne-robotique`, not `tne_robotique`).
START = re.compile(r"(?:^|(?<=\s))tne(?=\s|$)")
HELP = {"--help", "-h"}


@dataclass(frozen=True)
class Mistake:
    page: str
    line: int
    command: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.command!r}: {self.problem}"


def command_lines(markdown: str) -> list[tuple[int, str]]:
    """(line number, text from `tne` on) for each command in code spans and code blocks."""
    found: list[tuple[int, str]] = []
    in_block = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if FENCE.match(line.strip()):
            in_block = not in_block
            continue
        pieces = [line] if in_block else SPAN.findall(line)
        for piece in pieces:
            piece = piece.split(" #", 1)[0]
            match = START.search(piece)
            if match:
                found.append((number, piece[match.start() :].strip()))
    return found


def check_command(root: Any, command: str) -> str | None:
    """What is wrong with `command` (a line starting with `tne`), or None."""
    try:
        words = shlex.split(command)[1:]
    except ValueError as error:
        return f"cannot be split into words ({error})"
    current = root
    descending = True
    for written in words:
        word = written.strip("[]")  # a synopsis's optional part, `[--json]`, is still checked
        if not word:
            continue
        if word.startswith("-") and word != "-":
            descending = False
            name = word.split("=", 1)[0]
            if name in HELP:
                continue
            known = {
                opt for param in current.params for opt in (*param.opts, *param.secondary_opts)
            }
            if name not in known:
                return f"{current.name} has no option {name}"
            continue
        if descending and hasattr(current, "list_commands"):
            sub = current.get_command(_click.Context(current), word)
            if sub is None:
                return f"{current.name} has no subcommand {word!r}"
            current = sub
        else:
            descending = False
    return None


def check_pages(root: Any, pages: list[Path]) -> list[Mistake]:
    mistakes = []
    for page in pages:
        for number, command in command_lines(page.read_text(encoding="utf-8")):
            problem = check_command(root, command)
            if problem:
                mistakes.append(Mistake(page.name, number, command, problem))
    return mistakes
