#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for tne-robotique: the emulated micro:bit (QEMU and the
# real MicroPython firmware) and the project itself with its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi

if ! command -v qemu-system-arm >/dev/null || [ ! -f /usr/share/firmware-microbit-micropython/firmware.hex ]; then
    echo "Installation de QEMU et du micrologiciel MicroPython du micro:bit…" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        qemu-system-arm firmware-microbit-micropython >/dev/null
fi

# Debian's Chromium, for the end-to-end test of JupyterLab (Playwright drives it through its
# executable_path: never `playwright install`, which downloads a browser build of its own).
if [ ! -x /usr/bin/chromium ]; then
    echo "Installation de Chromium (test de bout en bout de JupyterLab)…" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# PostgreSQL for the registry (its tests run on it too), and Pango with fonts for WeasyPrint,
# which prints the registry's report as PDF.
if ! command -v pg_ctlcluster >/dev/null || ! ldconfig -p | grep -q libpangoft2-1.0; then
    echo "Installation de PostgreSQL et de Pango (rapports PDF)…" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        postgresql libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
fi

# tmux, for the tests that drive full-screen commands (tne workshop) as a person would: keys in,
# the screen read back.
if ! command -v tmux >/dev/null; then
    echo "Installation de tmux (tests du tableau de l'atelier)…" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
fi

echo "Installation de tne-robotique (pip)…" >&2
python3 -m pip install -q --disable-pip-version-check -e ".[test]"

# On CI the registry tests need a running PostgreSQL (they fail, not skip, without it).
if [ "${CI:-}" = "true" ]; then
    bash scripts/setup_postgres.sh
fi
