"""French typography for printed text: a no-break space (U+00A0, as in the message catalogue)
before « : ; ! ? » and inside guillemets, typographic apostrophes; code is left as written.

Sheets are written in a text editor, where a plain space before « : » may fall at a line's end
on paper and the colon start the next line; a no-break space keeps them together.
"""

from __future__ import annotations

import re
from html import escape, unescape

#: Elements whose text is code or machine text, never retouched.
VERBATIM = ("code", "pre", "kbd", "samp", "script", "style")
NBSP = "\u00a0"

_TAG = re.compile(r"(<[^>]*>)")
_OPEN = re.compile(r"<(" + "|".join(VERBATIM) + r")\b", re.IGNORECASE)
_CLOSE = re.compile(r"</(" + "|".join(VERBATIM) + r")\s*>", re.IGNORECASE)
_RULES = (
    # A space already there becomes a no-break one.
    (re.compile(r"[ \t\n\u202f]+([:;!?])"), NBSP + r"\1"),
    (re.compile("«[ \t\n\u00a0\u202f]*"), "«" + NBSP),
    (re.compile("[ \t\n\u00a0\u202f]*»"), NBSP + "»"),
    # A missing one is added where a word ends and a space follows (not in 10:30 or a URL).
    (re.compile(r"(?<=[\w»])([:;!?])(?=\s|$)"), NBSP + r"\1"),
    (re.compile(r"(?<=\w)'(?=\w)"), "\u2019"),
)


def french_text(text: str) -> str:
    """Plain text with French typography."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def french_html(html: str) -> str:
    """HTML whose text (outside code) follows French typography; tags and code untouched."""
    parts, depth = [], 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            if _CLOSE.match(piece):
                depth = max(0, depth - 1)
            elif _OPEN.match(piece) and not piece.endswith("/>"):
                depth += 1
            parts.append(piece)
        elif depth or not piece.strip():
            parts.append(piece)
        else:
            parts.append(escape(french_text(unescape(piece)), quote=False))
    return "".join(parts)
