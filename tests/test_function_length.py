"""Functions stay short enough to read at once: at most 60 lines in the project's packages.

A longer function needs a comment directly above it (above its decorators) that starts with
`# Long:` and says why it reads better whole, such as a dispatch table whose cases are one line
each. Alembic migrations are exempt: each is a script written once, in order.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("device_bridge", "kernels", "activities", "tne")
LIMIT = 60
MARK = "# Long:"


def long_functions(source: str, limit: int = LIMIT) -> list[tuple[str, int, int]]:
    """(name, first line, length) of each function longer than `limit` lines without the
    `# Long:` comment directly above it."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        length = node.end_lineno - node.lineno + 1
        if length <= limit:
            continue
        top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        above = top - 2  # index of the line directly above, in `lines`
        while above >= 0 and lines[above].strip().startswith("#"):
            if lines[above].strip().startswith(MARK):
                break
            above -= 1
        else:
            found.append((node.name, node.lineno, length))
            continue
        if above < 0:
            found.append((node.name, node.lineno, length))
    return found


def project_files() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def test_no_function_of_the_project_runs_over_60_lines_without_saying_why() -> None:
    over = [
        f"{path.relative_to(ROOT)}:{line} {name} ({length} lines)"
        for path in project_files()
        for name, line, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not over, "Functions over 60 lines (split them, or say why above with # Long:):\n" + (
        "\n".join(over)
    )


def test_the_length_check_sees_a_long_function_and_accepts_a_reason() -> None:
    body = "".join(f"    x = {n}\n" for n in range(60))
    bare = f"def long():\n{body}"
    assert long_functions(bare) == [("long", 1, 61)]
    assert long_functions(f"# an unrelated remark\n@decorated\n{bare}") == [("long", 3, 61)]
    reasoned = (
        f"# Long: one case per line, as the protocol lists them.\n# More.\n@decorated\n{bare}"
    )
    assert long_functions(reasoned) == []
    short_body = "".join(f"    x = {n}\n" for n in range(59))
    assert long_functions(f"def short():\n{short_body}") == []
