"""The French catalogue covers every message of the code, and its compiled form is current."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "tne/locale/fr/LC_MESSAGES/tne.po"
MO = PO.with_suffix(".mo")


def code_messages() -> set[str]:
    found: set[str] = set()
    for package in ("device_bridge", "tne", "kernels", "activities"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords={"_": None, "N_": None}, method_map=[("**.py", "python")]
        ):
            if isinstance(message, str):
                found.add(message)
    return found


def test_every_message_of_the_code_has_a_french_translation() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string}
    missing = sorted(code_messages() - translated)
    assert not missing, f"add these to {PO.relative_to(ROOT)} then compile: {missing}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    plural = gettext.c2py(catalogue.plural_expr)
    stale = [
        m.id
        for m in catalogue
        if m.id
        and (
            compiled.gettext(m.id) != m.string
            if isinstance(m.id, str)
            else any(compiled.ngettext(*m.id, n) != m.string[plural(n)] for n in (1, 2, 1_000_000))
        )
    ]
    assert not stale, "run: pybabel compile -d tne/locale -D tne"


def test_placeholders_survive_translation() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    import string

    def fields(text: str | tuple[str, ...]) -> set[str]:
        """The placeholders of a message, or of every form of a plural one."""
        texts = (text,) if isinstance(text, str) else text
        return {
            name
            for one in texts
            for _l, name, _f, _c in string.Formatter().parse(one)
            if name is not None
        }

    broken = [m.id for m in catalogue if m.id and m.string and fields(m.id) != fields(m.string)]
    assert not broken, broken


def test_french_is_the_default_and_english_is_available(monkeypatch) -> None:
    from tne.i18n import _

    message = "The board does not answer."
    monkeypatch.delenv("TNE_LANG", raising=False)
    assert _(message) == "La carte ne répond pas."
    monkeypatch.setenv("TNE_LANG", "en")
    assert _(message) == message
