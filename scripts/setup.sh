#!/usr/bin/env bash
# Install tne-robotique for the person who runs it, with no administrator rights:
#
#   bash scripts/setup.sh                  a virtual environment `.venv` in this folder, owned by
#                                          the user (PEP 668: the distribution's Python is never
#                                          written to), `tne` linked into ~/.local/bin;
#   bash scripts/setup.sh --from DIR       the same with no network, from a folder of wheels made
#                                          by scripts/bundle.py (a USB key);
#   bash scripts/setup.sh (again)          over an older version: the same, and the registry
#                                          migrated, the kernelspecs written again, the pupils'
#                                          notebooks untouched (tne/cli/upgrade.py);
#   bash scripts/setup.sh --tests          also what the test suite needs: QEMU and the micro:bit
#                                          firmware, Chromium, PostgreSQL, Pango and tmux (Debian
#                                          packages: root, or sudo), the test tools in `.venv`, and with
#                                          CI=true a running PostgreSQL.
#
# TNE_PYTHON chooses another Python than `python3` (python3.12, say).
#
# `python3 -m venv` needs Debian's python3-venv package (ensurepip), which Debian and Ubuntu do
# not install by default; without it the environment is made with `--without-pip` and pip comes
# from a wheel (scripts/bootstrap_pip.py), so no administrator is needed for that either.
set -euo pipefail
cd "$(dirname "$0")/.."

TESTS=""
FROM=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tests) TESTS=1 ;;
        --from) FROM="${2:?--from demande un dossier}"; shift ;;
        *) echo "Option inconnue : $1 (options : --tests, --from DOSSIER)" >&2; exit 2 ;;
    esac
    shift
done
if [ -n "$FROM" ]; then
    if [ ! -d "$FROM" ]; then
        echo "Le dossier de paquets « $FROM » n'existe pas (voir scripts/bundle.py)." >&2
        exit 2
    fi
    FROM="$(cd "$FROM" && pwd)"
fi

VENV="$PWD/.venv"
PYTHON="${TNE_PYTHON:-python3}"

# -- system packages, for the tests only -------------------------------------------------------
if [ -n "$TESTS" ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then
        SUDO="sudo"
        echo "Les tests ont besoin de paquets Debian (QEMU, Chromium, PostgreSQL, Pango) :" \
             "sudo peut demander votre mot de passe." >&2
    fi
    apt_install() {
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    }
    if ! command -v qemu-system-arm >/dev/null \
        || [ ! -f /usr/share/firmware-microbit-micropython/firmware.hex ]; then
        echo "Installation de QEMU et du micrologiciel MicroPython du micro:bit…" >&2
        apt_install qemu-system-arm firmware-microbit-micropython
    fi
    # Debian's Chromium, for the end-to-end test of JupyterLab (Playwright drives it through its
    # executable_path: never `playwright install`, which downloads a browser build of its own).
    if [ ! -x /usr/bin/chromium ]; then
        echo "Installation de Chromium (test de bout en bout de JupyterLab)…" >&2
        apt_install chromium
    fi
    # PostgreSQL for the registry (its tests run on it too), and Pango with fonts for
    # WeasyPrint, which prints the registry's report as PDF.
    if ! command -v pg_ctlcluster >/dev/null || ! ldconfig -p | grep -q libpangoft2-1.0; then
        echo "Installation de PostgreSQL et de Pango (rapports PDF)…" >&2
        apt_install postgresql libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
    fi
    # poppler's pdftotext, for the tests that read a report's PDF back as text.
    if ! command -v pdftotext >/dev/null; then
        echo "Installation de poppler-utils (lecture des rapports PDF dans les tests)…" >&2
        apt_install poppler-utils
    fi
    # tmux, for the tests that drive full-screen commands (tne workshop) as a person would: keys
    # in, the screen read back.
    if ! command -v tmux >/dev/null; then
        echo "Installation de tmux (tests du tableau de l'atelier)…" >&2
        apt_install tmux
    fi
fi

# -- the user's virtual environment -----------------------------------------------------------
if ! command -v "$PYTHON" >/dev/null; then
    echo "Python 3 est introuvable. Un administrateur l'installe avec : apt install python3" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "Python 3.10 ou plus récent est nécessaire ($("$PYTHON" --version 2>&1) trouvé)." >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    rm -rf "$VENV"
    echo "Création de l'environnement Python de tne-robotique dans $VENV…" >&2
    if "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
        "$PYTHON" -m venv "$VENV"
    else
        # Debian/Ubuntu without python3-venv: no ensurepip, so pip comes from a wheel.
        "$PYTHON" -m venv --without-pip "$VENV"
    fi
fi
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    "$VENV/bin/python" scripts/bootstrap_pip.py ${FROM:+--from "$FROM"}
fi

# The version installed before this run, if any (an upgrade): in this folder's environment, else
# in the one the account's `tne` points at (an older version unpacked in another folder).
installed_version() {
    [ -x "$1" ] && "$1" -c 'from importlib.metadata import version; print(version("tne-robotique"))' \
        2>/dev/null
}
PREVIOUS="$(installed_version "$VENV/bin/python" || true)"
if [ -z "$PREVIOUS" ] && [ -L "$HOME/.local/bin/tne" ]; then
    OLD_TNE="$(readlink -f "$HOME/.local/bin/tne" || true)"
    PREVIOUS="$(installed_version "$(dirname "$OLD_TNE")/python" || true)"
fi

PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
echo "Installation de tne-robotique (pip, dans $VENV)…" >&2
if [ -n "$FROM" ]; then
    "${PIP[@]}" --no-index --find-links "$FROM" tne-robotique
elif [ -n "$TESTS" ]; then
    "${PIP[@]}" -e ".[test]"
else
    "${PIP[@]}" -e .
fi

# `tne` on the user's PATH: ~/.local/bin is on it in Debian's and Ubuntu's ~/.profile (from the
# next login once the folder exists). The README calls `.venv/bin/tne` the first time.
mkdir -p "$HOME/.local/bin"
ln -sf "$VENV/bin/tne" "$HOME/.local/bin/tne"
case ":$PATH:" in
    *":$HOME/.local/bin:"*) echo "tne est installé : commande tne." >&2 ;;
    *) echo "tne est installé : .venv/bin/tne dans ce dossier, ou tne après la prochaine" \
            "connexion (lien dans ~/.local/bin)." >&2 ;;
esac

# Over an older version: the registry migrated, the kernelspecs written again, pupils' notebooks
# left alone (tne/cli/upgrade.py says what it did, in French).
"$VENV/bin/python" -m tne.cli.upgrade ${PREVIOUS:+--previous "$PREVIOUS"}

# On CI the registry tests need a running PostgreSQL (they fail, not skip, without it).
if [ -n "$TESTS" ] && [ "${CI:-}" = "true" ]; then
    bash scripts/setup_postgres.sh
fi
