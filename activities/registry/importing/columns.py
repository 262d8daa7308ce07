"""Which column of an export holds which fact of a dossier: built-in démarches-simplifiées
headers, plus an academy's own headers from a mapping file.

A mapping file is a JSON object from a header, as written in the export, to a field name, for
example `{"Numéro de dossier": "number", "Subvention TNE": "granted"}`; a field mapped to `null`
is ignored. Headers are compared without regard to case, accents, spacing or a trailing `:`/`*`.
Columns that map to no field (the applicant's e-mail, name, first name...) are never read:
nothing personal enters the registry through an import.
"""

from __future__ import annotations

import json
from pathlib import Path

from tne.i18n import _

from .french import plain
from .reading import UnreadableFile

#: The facts an import can fill in, and what each means (shown when a mapping names another).
FIELDS = {
    "number": "dossier number (the key: importing again updates, never duplicates)",
    "state": "state of the dossier (brouillon, en construction, ..., classé sans suite)",
    "demarche": "call for projects (otherwise --demarche, otherwise the file's name)",
    "deposited_on": "date filed",
    "processed_on": "date processed",
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

#: Headers of démarches-simplifiées exports, and the usual names of a TNE call's form fields.
BUILT_IN = {
    "ID": "number",
    "Numéro": "number",
    "Numéro de dossier": "number",
    "N° de dossier": "number",
    "N° dossier": "number",
    "Dossier": "number",
    "État du dossier": "state",
    "État": "state",
    "Statut": "state",
    "Démarche": "demarche",
    "Appel à projets": "demarche",
    "Déposé le": "deposited_on",
    "Date de dépôt": "deposited_on",
    "Traité le": "processed_on",
    "Date de traitement": "processed_on",
    "Date de décision": "processed_on",
    "Montant demandé": "requested",
    "Montant sollicité": "requested",
    "Montant accordé": "granted",
    "Montant attribué": "granted",
    "Subvention accordée": "granted",
    "Cofinanceur": "cofinancer",
    "Collectivité cofinanceuse": "cofinancer",
    "Montant du cofinancement": "cofinancing",
    "Montant cofinancé": "cofinancing",
    "UAI": "uai",
    "Code UAI": "uai",
    "Numéro UAI": "uai",
    "UAI de l'établissement": "uai",
    "RNE": "uai",
    "Établissement": "school_name",
    "Nom de l'établissement": "school_name",
    "Commune": "school_commune",
    "Commune de l'établissement": "school_commune",
    "Degré": "school_degree",
    "Matériel": "equipment",
    "Matériel demandé": "equipment",
    "Équipement": "equipment",
    "Équipements": "equipment",
}


def _key(header: str) -> str:
    return plain(header).rstrip(" :*")


def load_mapping(path: Path) -> dict[str, str | None]:
    """An academy's headers from a JSON mapping file, checked before anything is read."""
    try:
        found = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UnreadableFile(_("The file {path} does not exist.").format(path=path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise UnreadableFile(
            _("The mapping file {path} is not valid JSON: {error}").format(path=path, error=problem)
        ) from None
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in found.items()
    ):
        raise UnreadableFile(
            _(
                'The mapping file {path} must be a JSON object such as {{"Numéro de dossier": '
                '"number"}}.'
            ).format(path=path)
        )
    unknown = sorted({v for v in found.values() if v is not None} - set(FIELDS))
    if unknown:
        raise UnreadableFile(
            _(
                "The mapping file {path} names unknown fields: {unknown}. Known fields: {known}."
            ).format(path=path, unknown=", ".join(unknown), known=", ".join(FIELDS))
        )
    return found


def locate(headers: list[str], mapping: dict[str, str | None] | None = None) -> dict[str, int]:
    """The column index of each field found in `headers` (the mapping file wins over the
    built-in headers; the first column wins when two map to one field)."""
    names = {_key(h): f for h, f in BUILT_IN.items()}
    names.update({_key(h): f for h, f in (mapping or {}).items()})
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = names.get(_key(header))
        if field is not None and field not in columns:
            columns[field] = index
    if "number" not in columns:
        raise UnreadableFile(
            _(
                "No column gives the dossier number (such as ID or Numéro de dossier). Headers "
                "found: {headers}. Name the column in a mapping file: --mapping."
            ).format(headers=", ".join(h for h in headers if h) or "-")
        )
    if "state" not in columns:
        raise UnreadableFile(
            _(
                "No column gives the state of the dossiers (such as État du dossier). Name it in "
                "a mapping file: --mapping."
            )
        )
    return columns
