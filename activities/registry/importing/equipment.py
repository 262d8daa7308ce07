"""Equipment lines of a dossier, as one cell of the export lists them.

Accepted format: items separated by `;` or line breaks, each `[QUANTITY x] LABEL [à PRICE]`,
such as `3 x micro:bit à 20,00 €; 1 x Maqueen Lite à 35,00 €; Câbles USB`. The quantity
defaults to 1 (`x`, `X` and `×` all work); the price is a unit price in French notation.
A label that holds ` à ` itself (`Kit à souder`) stays whole when what follows is no amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tne.i18n import _

from .. import inputs
from ..errors import RegistryError
from ..french import amount_cents

_ITEM = re.compile(r"^(?:(\d+)\s*[x×X]\s+)?(.+)$", re.DOTALL)
_PRICE = re.compile(r"\s+(?:à|@)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class EquipmentLine:
    label: str
    quantity: int
    unit_cost_cents: int | None


def equipment_lines(text: str, field: str | None = None) -> list[EquipmentLine]:
    """The lines of a cell; `field` names a label in messages (translated once by the caller)."""
    field = field or _("equipment label")
    return [_line(item, field) for item in re.split(r"[;\n]", text) if item.strip()]


def _line(item: str, field: str) -> EquipmentLine:
    found = _ITEM.match(item.strip())
    assert found is not None  # the pattern matches any text that is not blank
    quantity = int(found.group(1)) if found.group(1) else 1
    label, price = found.group(2), None
    parts = _PRICE.split(label)
    if len(parts) > 1:
        try:
            price = amount_cents(parts[-1])
        except RegistryError:
            price = None
        else:
            label = " à ".join(parts[:-1])
    return EquipmentLine(inputs.text(label, field, 200), quantity, price)
