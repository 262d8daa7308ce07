#!/usr/bin/env bash
# Bring the French message catalogue up to date with the code: extract the English message ids,
# merge them into tne/locale/fr/LC_MESSAGES/tne.po (new entries get an empty msgstr to fill in by
# hand; no fuzzy guesses), and compile the .mo. A lock keeps two developers' runs (or helpers
# working in one tree) from interleaving.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/tne-catalogue.lock
flock 9
pot="$(mktemp --suffix=.pot)"
pybabel extract --no-wrap -F babel.cfg -k N_ -o "$pot" . 2>/dev/null
pybabel update --no-wrap --no-fuzzy-matching -i "$pot" -d tne/locale -D tne 2>/dev/null
pybabel compile -d tne/locale -D tne || true
rm -f "$pot"
# Entries still to translate:
python3 - <<'PY'
from babel.messages.pofile import read_po
with open("tne/locale/fr/LC_MESSAGES/tne.po", "rb") as f:
    catalog = read_po(f)
missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
for m in missing:
    print("untranslated:", m if isinstance(m, str) else m[0])
PY
