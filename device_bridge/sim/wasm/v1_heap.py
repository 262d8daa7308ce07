"""The V1's heap where the simulator cannot have it: a long literal in a program.

The micro:bit V1 has 16 KB of RAM; its MicroPython (1.9.2) has about 10 KB of heap left at its
REPL (`gc.mem_free()` 8,816 after `gc.collect()`, measured in QEMU; 8,608 on a fresh board
reached through `device_bridge.Board`). Its raw REPL, its lexer and its compiler hold the
program's text and the literal being read at once, so a program with a string or bytes
literal of about 1,200 bytes or more is refused before it runs, with no traceback:
`MemoryError: memory allocation failed, allocating 1201 bytes` (measured in QEMU: 1,100
characters pass; 1,200 to 1,800 fail allocating one byte more than the literal; 2,000 fail
allocating 2,001; on a fresh board reached through `device_bridge.Board`, `s = '...'` alone
compiles with 1,332 bytes and fails with 1,333).

The sealed engine's heap is not that small yet (docs/simulator.md, "Garbage collection": the
simulator's own modules live in it, and each collection costs the program simulated time, far
more than the V1's), so `sim@v1` refuses such a program here, on the host, as the V1's compiler
does, and leaves every other allocation to the guest's large heap.
"""

from __future__ import annotations

import io
import tokenize

#: The shortest literal (bytes of UTF-8 between its quotes) that the V1 cannot compile.
V1_LONGEST_LITERAL = 1200


def v1_memory_error(source: str) -> str | None:
    """The V1's output for `source` if a literal in it is too long for its heap, else None
    (code that does not tokenize is left to the guest)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    for token in tokens:
        if token.type != tokenize.STRING:
            continue
        size = len(_body(token.string).encode("utf-8", "surrogatepass"))
        if size >= V1_LONGEST_LITERAL:
            return f"MemoryError: memory allocation failed, allocating {size + 1} bytes\n"
    return None


def _body(literal: str) -> str:
    """What lies between a literal's quotes."""
    text = literal.lstrip("rRbBuUfF")
    quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
    return text[len(quote) : len(text) - len(quote)]
