"""What a PDF page draws, read back from its content stream with pypdf: rectangles and line
segments in page points (origin bottom left), after the transformations in force.

Enough of PDF's graphics operators for what WeasyPrint writes: `q`/`Q` (save, restore), `cm`
(transform), `re` (rectangle), `m`/`l` (path), and form XObjects drawn with `Do`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PageObject
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: `cm` m makes CTM = m × CTM)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass
class Drawing:
    rectangles: list[tuple[float, float, float, float]] = field(default_factory=list)
    segments: list[tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=list)


def drawing(page: PageObject) -> Drawing:
    found = Drawing()
    _walk(page.get_contents(), page.pdf, page.get("/Resources"), IDENTITY, found)
    return found


def _walk(contents, pdf, resources, ctm: Matrix, found: Drawing) -> None:
    stack: list[Matrix] = []
    current = None
    for operands, operator in ContentStream(contents, pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            x0, y0 = _apply(ctm, x, y)
            x1, y1 = _apply(ctm, x + w, y + h)
            found.rectangles.append((min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))
        elif operator == b"m":
            current = _apply(ctm, float(operands[0]), float(operands[1]))
        elif operator == b"l" and current is not None:
            point = _apply(ctm, float(operands[0]), float(operands[1]))
            found.segments.append((current, point))
            current = point
        elif operator == b"Do" and resources is not None:
            form = resources["/XObject"][operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
                _walk(form, pdf, form.get("/Resources", resources), _multiply(matrix, ctm), found)
