"""Exports as the platform and spreadsheets write them, for the dossier import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from activities.registry.uai import check_letter

HEADERS = [
    "ID",
    "Email",
    "État du dossier",
    "Déposé le",
    "Traité le",
    "UAI de l'établissement",
    "Nom de l'établissement",
    "Commune",
    "Montant demandé",
    "Montant accordé",
    "Cofinanceur",
    "Montant du cofinancement",
    "Matériel",
]


def uai(n: int) -> str:
    """A valid UAI of the Cher (department 18)."""
    prefix = f"018{n:04d}"
    return prefix + check_letter(prefix)


def row(number: int | str, state: str = "Accepté", school: int = 5, **changes: str) -> list[str]:
    """A good row of `HEADERS`; `changes` by header, spaces and apostrophes as underscores."""
    values = {
        "ID": str(number),
        "Email": "directrice@example.org",
        "État du dossier": state,
        "Déposé le": "15/03/2023 10:42",
        "Traité le": "02/04/2023",
        "UAI de l'établissement": uai(school),
        "Nom de l'établissement": f"École {school}",
        "Commune": "Bourges",
        "Montant demandé": "12 500,00 €",
        "Montant accordé": "12\u202f000 €",
        "Cofinanceur": "Conseil départemental du Cher",
        "Montant du cofinancement": "1 234,5",
        "Matériel": "3 x micro:bit à 20,00 €; 1 x Maqueen Lite à 35,00 €",
    }
    for key, value in changes.items():
        # A keyword cannot hold spaces or apostrophes: Nom_de_l_établissement.
        (header,) = [h for h in HEADERS if h.replace("'", " ") == key.replace("_", " ")]
        values[header] = value
    return [values[h] for h in HEADERS]


def csv_text(rows: list[list[str]], separator: str = ";", headers: list[str] = HEADERS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", **options) -> Path:
    path.write_bytes(csv_text(rows, **options).encode(encoding))
    return path
