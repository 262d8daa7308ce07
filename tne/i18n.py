"""The message catalogue: every text a pupil, teacher or trainer reads goes through `_`.

Message ids are English; the French catalogue is the default because the people we serve read
French. `TNE_LANG=en` switches to English (the ids themselves). The catalogues live in
`tne/locale/<lang>/LC_MESSAGES/tne.po`; `pybabel compile -d tne/locale -D tne` rebuilds the `.mo`
files, and a test checks that they are up to date.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "tne"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "fr"


def current_language() -> str:
    """The language chosen by `TNE_LANG` (`fr` or `en`), French by default."""
    lang = os.environ.get("TNE_LANG", DEFAULT_LANGUAGE).strip().lower()
    return lang.split("_")[0].split("-")[0] or DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """Translate `message` into the current language (read on each call, so tests can switch)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def quoted(text: object) -> str:
    """`text` between the reader's quotation marks (« text » in French, with its no-break
    spaces), for a name put in a sentence that the catalogue does not hold."""
    return _("“{text}”").format(text=text)


def number(value: float, decimals: int | None = None) -> str:
    """A number as the reader writes it (`0,5` in French, `0.5` in English), with exactly
    `decimals` digits after the separator when given (`5,0 s` beside `12,5 s`)."""
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=current_language())
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=current_language())


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark, do not translate")
    """Marks `message` for the catalogue; it is translated where it is shown (`_(message)`)."""
    return message
