"""Which column of an export holds which fact of a dossier.

Each démarche labels its own fields, so a label is never compared as a whole string: it is
folded (case, accents, punctuation, « (€) », « de l'établissement »...) and matched against the
words that say each field (`RULES`). Content then confirms a label (of two columns labelled like
a UAI, the one holding UAIs wins) or finds the one column of UAIs, or of dates, when no label
says it. Amounts cannot be told apart by their content (requested, granted, co-financing): an
amount column no label names is an error that names it and points to the mapping file.

A mapping file is a JSON object from a header, as written in the export, to a field name, for
example `{"Numéro de dossier": "number", "Subvention TNE": "granted"}`; a header mapped to `null`
is ignored, and `"_absent": ["uai"]` says that the export has no school column on purpose.
Columns that map to no field (the applicant's e-mail, name, first name...) are never read:
nothing personal enters the registry through an import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tne.i18n import _, quoted

from .. import french
from ..french import Cell
from .reading import UnreadableFile

#: The facts an import can fill in, and what each means (shown when a mapping names another).
FIELDS = {
    "number": "dossier number (the key: importing again updates, never duplicates)",
    "state": "state of the dossier (brouillon, en construction, ..., classé sans suite)",
    "demarche": "call for projects (otherwise --demarche, otherwise the file's name)",
    "deposited_on": "date filed",
    "processed_on": "date processed",
    "updated_on": "date of the last update (of two rows of one dossier, the latest wins)",
    "requested": "amount requested",
    "granted": "amount granted",
    "cofinancer": "co-financing authority",
    "cofinancing": "co-financing amount",
    "uai": "UAI of the school",
    "school_name": "school's name (used only to add a school the registry lacks)",
    "school_commune": "school's commune (likewise)",
    "school_degree": "school's degree, 1 or 2 (likewise; otherwise read from its name)",
    "equipment": "equipment lines, such as: 3 x micro:bit à 20,00 €; 1 x Maqueen à 35 €",
}

#: The fields a summary says are missing when no column gives them (number and state are
#: required, the school is required unless the mapping file says it is absent).
EXPECTED = (
    "deposited_on",
    "processed_on",
    "requested",
    "granted",
    "cofinancer",
    "cofinancing",
    "equipment",
)
AMOUNTS = ("requested", "granted", "cofinancing")
ABSENT_KEY = "_absent"

#: Each field and the folded labels that say it, first rule first: « Montant du cofinancement »
#: is the co-financing amount before it is a co-financer. Patterns match whole folded labels.
RULES: tuple[tuple[str, str], ...] = (
    ("number", r"(id|numero|n|no|num)( du| de)?( dossier)?|dossier|numero dossier"),
    ("updated_on", r".*(derniere mise a jour|mis a jour|modifie le|date de modification).*"),
    ("state", r"(etat|statut)( du dossier)?"),
    ("demarche", r"demarche|appel a projets?|.*nom de la demarche.*"),
    ("deposited_on", r".*(depose|date de depot|depot le|date du depot).*"),
    ("processed_on", r".*(traite le|date de traitement|date de decision|decide le).*"),
    ("uai", r".*\b(uai|rne)\b.*"),
    ("cofinancing", r".*(montant|somme|part).*co ?financ.*|co ?financement( eur)?"),
    ("cofinancer", r".*co ?financeur.*|collectivite.*|.*co ?financ.*"),
    ("requested", r".*montant.*(demand|sollicit).*|.*(demand|sollicit).*montant.*"),
    (
        "granted",
        r".*montant.*(accord|attribu|notifi|alloue).*|.*subvention.*|.*(accord|attribu).*montant.*",
    ),
    ("school_degree", r".*degre.*"),
    ("school_commune", r".*(commune|ville|localite).*"),
    ("school_name", r".*(etablissement|ecole|college|lycee).*"),
    ("equipment", r".*(materiel|equipement).*"),
)
_RULES = tuple((name, re.compile(pattern)) for name, pattern in RULES)

#: Sample size for content checks: enough to see a column's kind, small enough for 50 MB files.
SAMPLE = 200
_UAI_SHAPE = re.compile(r"\b\d{7}\s?[A-Za-z]\b")
_AMOUNT_HINT = re.compile(r"(€|\beur(os)?\b|\bmontant\b)", re.IGNORECASE)


def fold(header: str) -> str:
    """A label as rules read it: `Montant accordé (€) :` -> `montant accorde`."""
    words = french.plain(header).replace("°", " ").replace("€", " eur ")
    words = re.sub(r"[^a-z0-9]+", " ", words).split()
    while words and words[-1] in ("eur", "euros", "ttc", "ht"):
        words.pop()
    return " ".join(words)


@dataclass
class Mapping:
    """What an academy's mapping file says: headers to fields (None: ignore the column), and
    fields the export lacks on purpose."""

    headers: dict[str, str | None] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()


@dataclass
class Columns:
    """Where each field was found, and how: `by` is `mapping`, `label` or `content`."""

    headers: list[str]
    index: dict[str, int]
    by: dict[str, str]
    ignored: list[str]
    missing: list[str]

    def to_json(self) -> dict:
        return {
            "mapped": {f: {"column": self.headers[i], "by": self.by[f]} for f, i in self},
            "ignored": self.ignored,
            "missing": self.missing,
        }

    def __iter__(self):  # (field, index) pairs, in the order of the file
        return iter(sorted(self.index.items(), key=lambda item: item[1]))

    def __contains__(self, name: object) -> bool:
        return name in self.index

    def __getitem__(self, name: str) -> int:
        return self.index[name]


def load_mapping(path: Path) -> Mapping:
    """An academy's headers from a JSON mapping file, checked before anything is read."""
    try:
        found = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UnreadableFile(_("The file {path} does not exist.").format(path=path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise UnreadableFile(
            _("The mapping file {path} is not valid JSON: {error}").format(path=path, error=problem)
        ) from None
    absent = found.pop(ABSENT_KEY, []) if isinstance(found, dict) else None
    if (
        not isinstance(found, dict)
        or not isinstance(absent, list)
        or not all(isinstance(a, str) for a in absent)
        or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in found.items()
        )
    ):
        raise UnreadableFile(
            _(
                'The mapping file {path} must be a JSON object such as {{"Numéro de dossier": '
                '"number"}}.'
            ).format(path=path)
        )
    unknown = sorted(({v for v in found.values() if v is not None} | set(absent)) - set(FIELDS))
    if unknown:
        raise UnreadableFile(
            _(
                "The mapping file {path} names unknown fields: {unknown}. Known fields: {known}."
            ).format(path=path, unknown=", ".join(unknown), known=", ".join(FIELDS))
        )
    return Mapping(found, frozenset(absent))


def label_field(header: str) -> str | None:
    """The field a header's words say, if any."""
    folded = fold(header)
    if not folded:
        return None
    return next((name for name, rule in _RULES if rule.fullmatch(folded)), None)


def locate(
    headers: list[str],
    mapping: Mapping | dict[str, str | None] | None = None,
    sample: Sequence[Sequence[Cell]] = (),
) -> Columns:
    """The column of each field in `headers`: the mapping file first, then the labels (content
    deciding between two candidates), then the content alone for the UAI and the date filed."""
    if not isinstance(mapping, Mapping):
        mapping = Mapping(dict(mapping or {}))
    chosen = {fold(h): f for h, f in mapping.headers.items()}
    index: dict[str, int] = {}
    by: dict[str, str] = {}
    unmapped: set[int] = set()
    candidates: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        key = fold(header)
        if key in chosen:
            name = chosen[key]
            if name is None:
                unmapped.add(position)
            elif name not in index:
                index[name], by[name] = position, "mapping"
            continue
        name = label_field(header)
        if name is not None:
            candidates.setdefault(name, []).append(position)
    column = _Content(sample)
    for name, positions in candidates.items():
        if name in index:
            continue
        index[name] = column.best(name, positions)
        by[name] = "label"
    taken = set(index.values()) | unmapped
    free = [p for p in range(len(headers)) if p not in taken]
    for name, shape in (("uai", column.uais), ("deposited_on", column.dates)):
        if name not in index and name not in mapping.absent:
            found = [p for p in free if shape(p)]
            if len(found) == 1:
                index[name], by[name] = found[0], "content"
                free.remove(found[0])
    _require(headers, index, mapping, free, column)
    ignored = [headers[p] or f"#{p + 1}" for p in range(len(headers)) if p not in index.values()]
    missing = [f for f in EXPECTED if f not in index and f not in mapping.absent]
    return Columns(headers, index, by, ignored, missing)


def _require(
    headers: list[str], index: dict[str, int], mapping: Mapping, free: list[int], column: _Content
) -> None:
    """Refuse an export whose number, state, school or amounts cannot be found for sure."""
    if "number" not in index:
        raise UnreadableFile(
            _(
                "No column gives the dossier number (such as ID or Numéro de dossier). Headers "
                "found: {headers}. Name the column in a mapping file: --mapping."
            ).format(headers=", ".join(h for h in headers if h) or "-")
        )
    if "state" not in index:
        raise UnreadableFile(
            _(
                "No column gives the state of the dossiers (such as État du dossier). Name it in "
                "a mapping file: --mapping."
            )
        )
    if "uai" not in index and "uai" not in mapping.absent:
        raise UnreadableFile(
            _(
                "No column gives the school's UAI (by its label or its content). Name it in a "
                'mapping file (--mapping), or write "_absent": ["uai"] there if the export has '
                "no school."
            )
        )
    unknown_amounts = [
        headers[p] for p in free if _AMOUNT_HINT.search(headers[p]) or column.amounts(p)
    ]
    if unknown_amounts and any(a not in index and a not in mapping.absent for a in AMOUNTS):
        raise UnreadableFile(
            _(
                "These columns hold amounts, but their labels do not say whether they are "
                "requested, granted or co-financing: {columns}. Name them in a mapping file "
                '(--mapping), such as {{"{first}": "granted"}}.'
            ).format(
                columns=", ".join(quoted(h) for h in unknown_amounts), first=unknown_amounts[0]
            )
        )


class _Content:
    """What the first rows say about a column."""

    def __init__(self, sample: Sequence[Sequence[Cell]]) -> None:
        self.sample = sample[:SAMPLE]

    def _values(self, position: int) -> list[Cell]:
        return [
            r[position] for r in self.sample if position < len(r) and not french.blank(r[position])
        ]

    def _share(self, position: int, test) -> float:
        values = self._values(position)
        return sum(1 for v in values if test(v)) / len(values) if values else 0.0

    def uais(self, position: int) -> bool:
        return self._share(position, lambda v: bool(_UAI_SHAPE.search(str(v)))) >= 0.8

    def dates(self, position: int) -> bool:
        return self._share(position, _is_date) >= 0.8

    def amounts(self, position: int) -> bool:
        return self._share(position, lambda v: isinstance(v, str) and "€" in v) >= 0.8

    def best(self, name: str, positions: list[int]) -> int:
        """Of several columns labelled for `name`, the first whose content fits it."""
        fits = {"uai": self.uais, "deposited_on": self.dates, "processed_on": self.dates}.get(name)
        if fits is not None and len(positions) > 1:
            return next((p for p in positions if fits(p)), positions[0])
        return positions[0]


def _is_date(value: Cell) -> bool:
    try:
        return french.day(value) is not None
    except Exception:  # noqa: BLE001 - any refusal means "not a date"
        return False
