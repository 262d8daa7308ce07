"""The French catalogue covers every message of the code, its compiled form is current, its
plurals are real plurals and its typography is French."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "tne/locale/fr/LC_MESSAGES/tne.po"
MO = PO.with_suffix(".mo")


def code_messages() -> set[str]:
    found: set[str] = set()
    for package in ("device_bridge", "tne", "kernels", "activities"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            keywords={"_": None, "N_": None, "ngettext": (1, 2)},
            method_map=[("**.py", "python")],
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def french_texts() -> list[tuple[str, str]]:
    """(message id, French text) for every translation, each plural form on its own."""
    texts = []
    for message in catalogue():
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        texts += [(key, form) for form in forms]
    return texts


def test_every_message_of_the_code_has_a_french_translation() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(code_messages() - translated)
    assert not missing, f"add these to {PO.relative_to(ROOT)} then compile: {missing}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for m in catalogue():
        if not m.id:
            continue
        if isinstance(m.id, str):
            current = compiled.gettext(m.id) == m.string
        else:  # the .mo keeps each plural form under (singular id, form index)
            current = all(
                compiled._catalog.get((m.id[0], i)) == form  # type: ignore[attr-defined]
                for i, form in enumerate(m.string)
            )
        if not current:
            stale.append(m.id)
    assert not stale, "run: pybabel compile -d tne/locale -D tne"


def test_placeholders_survive_translation() -> None:
    """Each French text uses the placeholders of its English ids, and the plural forms between
    them use them all (a singular may say « une valeur » where the id says `{count}`)."""
    import string

    def fields(text: str) -> set[str]:
        return {name for _l, name, _f, _c in string.Formatter().parse(text) if name is not None}

    broken = []
    for m in catalogue():
        if not m.id or not m.string:
            continue
        if isinstance(m.id, str):
            if fields(m.id) != fields(m.string):
                broken.append(m.id)
            continue
        wanted = fields(m.id[0]) | fields(m.id[1])
        used = [fields(form) for form in m.string]
        if any(not form <= wanted for form in used) or set().union(*used) != wanted:
            broken.append(m.id)
    assert not broken, broken


def test_french_is_the_default_and_english_is_available(monkeypatch) -> None:
    from tne.i18n import _

    message = "The board does not answer."
    monkeypatch.delenv("TNE_LANG", raising=False)
    assert _(message) == "La carte ne répond pas."
    monkeypatch.setenv("TNE_LANG", "en")
    assert _(message) == message


def test_every_entry_of_the_catalogue_has_its_french_text() -> None:
    """An entry that the code no longer uses still may not stay empty (each plural form too)."""
    empty = [key for key, french in french_texts() if not french]
    assert not empty, f"translate these in {PO.relative_to(ROOT)}: {empty}"


def test_plural_messages_have_every_french_form_and_no_parenthesised_plural() -> None:
    """`ngettext` gives "1 carte" and "3 cartes"; « carte(s) » is what it replaces."""
    lazy = [(key, french) for key, french in french_texts() if re.search(r"\w\(s\)", french)]
    assert not lazy, lazy
    assert any(not isinstance(m.id, str) for m in catalogue() if m.id)


@pytest.mark.parametrize(
    ("count", "wanted"),
    [
        (0, "Résumé\u00a0: 0 carte sur 2 a réussi."),
        (1, "Résumé\u00a0: 1 carte sur 2 a réussi."),
        (2, "Résumé\u00a0: 2 cartes sur 2 ont réussi."),
    ],
)
def test_french_plurals_follow_the_count(count: int, wanted: str, monkeypatch) -> None:
    from tne.i18n import ngettext

    monkeypatch.setenv("TNE_LANG", "fr")
    text = ngettext(
        "Summary: {ok} board of {count} done.", "Summary: {ok} of {count} boards done.", count
    )
    assert text.format(ok=count, count=2) == wanted


def test_an_import_summary_says_one_new_dossier_in_the_singular(monkeypatch) -> None:
    from tne.i18n import ngettext

    monkeypatch.setenv("TNE_LANG", "fr")
    assert ngettext("{count} new", "{count} new", 1).format(count=1) == "1 nouveau"
    assert ngettext("{count} new", "{count} new", 2).format(count=2) == "2 nouveaux"


def test_a_report_merge_names_what_changed_in_french(monkeypatch) -> None:
    from tne.cli.registry import changed_counts

    monkeypatch.setenv("TNE_LANG", "fr")
    changed = {"groups": 2, "sessions": 1, "equipment": 1, "links": 0, "later_kind": 3}
    assert changed_counts(changed) == "1 ligne de matériel, 2 groupes, 1 séance, later_kind 3"


# -- typography -------------------------------------------------------------------------------

NBSP = "\u00a0"


def typography_faults(text: str) -> list[str]:
    """Where `text` breaks French typography: « : ; ! ? » need a no-break space (U+00A0) before
    them, and « » one inside. Code between backticks, a JSON key (`"x": 1`) and punctuation that
    belongs to a word (`micro:bit`, `serial:COM3`, `{value!r}`, `https://`) are not prose."""
    prose = re.sub(r"`[^`]*`", "`code`", text)
    faults = [m.group() for m in re.finditer(r"\S?[ \u202f\t][:;!?]", prose)]
    faults += [m.group() for m in re.finditer(r'[^\s:;!?"][:;!?](?=[ \t\n]|$)', prose)]
    faults += [m.group() for m in re.finditer(r"«(?!\u00a0)\S?|\S?(?<!\u00a0)»", prose)]
    return faults


@pytest.mark.parametrize(
    ("text", "faults"),
    [
        ("Établissements: 1", 1),
        ("Établissements : 1", 1),
        ("Établissements\u00a0: 1", 0),
        ("« main.py »", 2),
        ("«\u00a0main.py\u00a0»", 0),
        ("Prête ?", 1),
        ("micro:bit, serial:COM3, https://tne.fr, {value!r}", 0),
        ('`while True: pass` et {{"a": 1}}', 0),
        ("L'adresse «\u00a0serial:\u00a0» a besoin d'un port", 0),
    ],
)
def test_the_typography_rule_itself(text: str, faults: int) -> None:
    assert len(typography_faults(text)) == faults


def test_every_french_text_follows_french_typography() -> None:
    broken = [(key, french) for key, french in french_texts() if typography_faults(french)]
    assert not broken, "\n".join(f"{key!r}: {french!r}" for key, french in broken)
