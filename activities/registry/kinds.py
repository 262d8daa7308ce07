"""The kinds of equipment a project owns and a session uses: a controlled vocabulary, so that
« Maqueen Lite », « maqueen » and « MAQUEEN LITE » are one kind and reports count one row.

What people type is matched with case, accents, spaces and punctuation folded away (« micro:bit »,
« Micro Bit », « microbit » are one); anything else is « autre » with the text kept as its label.
"""

from __future__ import annotations

import re

from tne.i18n import _

from .errors import RegistryError
from .french import plain

OTHER = "autre"

#: Each known kind: its code (stored) and the folded names people use for it.
KNOWN: dict[str, tuple[str, ...]] = {
    "microbit-v1": ("microbitv1", "microbitv15"),
    "microbit-v2": ("microbitv2", "microbitv22", "microbitv221", "microbitv2sim"),
    "microbit": ("microbit", "bbcmicrobit"),
    "maqueen-lite": ("maqueenlite", "maqueen", "dfrobotmaqueen", "maqueenlitev4"),
    "maqueen-plus-v2": ("maqueenplusv2", "maqueenplus", "maqueenv2"),
    "cutebot": ("cutebot", "elecfreakscutebot"),
    "cutebot-pro": ("cutebotpro",),
    "bitbot": ("bitbot", "4tronixbitbot"),
    "thymio": ("thymio", "thymioii", "thymio2"),
    "esp32": ("esp32",),
    "pico": ("pico", "raspberrypipico", "picow"),
}
_BY_NAME = {name: code for code, names in KNOWN.items() for name in names}
_PREFIXES = ("cartes", "carte", "robots", "robot", "kits", "kit", "bbc")


def label(code: str) -> str:
    """A kind as French reports and lists name it."""
    return {
        "microbit-v1": _("micro:bit V1"),
        "microbit-v2": _("micro:bit V2"),
        "microbit": _("micro:bit (version not given)"),
        "maqueen-lite": "Maqueen Lite",
        "maqueen-plus-v2": "Maqueen Plus V2",
        "cutebot": "Cutebot",
        "cutebot-pro": "Cutebot Pro",
        "bitbot": "Bit:bot",
        "thymio": "Thymio",
        "esp32": "ESP32",
        "pico": "Raspberry Pi Pico",
        OTHER: _("other"),
    }.get(code, code)


def fold(text: str) -> str:
    """`Cartes micro:bit V2` -> `microbitv2`: what two spellings of one kind share."""
    folded = re.sub(r"[^a-z0-9]+", "", plain(text))
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            folded = folded[len(prefix) :]
            break
    return folded


def known_kind(text: str) -> str | None:
    """The code of a known kind, if `text` names one (a code names itself)."""
    folded = fold(text)
    found = _BY_NAME.get(folded)
    if found is None and folded.endswith("s"):  # « microbits », « thymios »
        found = _BY_NAME.get(folded[:-1])
    return found


def equipment_kind(text: str) -> tuple[str, str | None]:
    """(code, label) of what a person typed: a known kind with no label, or « autre » with the
    text as its label (`autre:Robot Lego` gives the label explicitly)."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise RegistryError(_("The device kind cannot be empty."))
    head, sep, rest = cleaned.partition(":")
    if sep and fold(head) in (OTHER, "other"):
        cleaned = rest.strip()
        if not cleaned:
            raise RegistryError(_("Give the label of the other kind, such as autre:Lego WeDo."))
    elif (code := known_kind(cleaned)) is not None:
        return code, None
    if fold(cleaned) in (OTHER, "other"):
        raise RegistryError(_("Give the label of the other kind, such as autre:Lego WeDo."))
    if len(cleaned) > 100:
        raise RegistryError(
            _("The device kind is too long ({length} characters, {limit} at most).").format(
                length=len(cleaned), limit=100
            )
        )
    return OTHER, cleaned
