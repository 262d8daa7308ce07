#!/usr/bin/env bash
# A tour of `tne` on the board that is plugged in, or on an emulated micro:bit (QEMU) when none
# is. The README's main command is `tne lab` (the notebooks); this tour shows the terminal side.
set -euo pipefail
cd "$(dirname "$0")/.."
# The `tne` that scripts/setup.sh installed in this folder, even before the next login.
if [ -x .venv/bin/tne ]; then
    export PATH="$PWD/.venv/bin:$PATH"
fi

qemu_pid=""
cleanup() { [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${TNE_DEVICE:-}" ] && [ "$(tne devices --json | tr -d '[:space:]')" = "[]" ]; then
    echo "Aucune carte branchée : démarrage d'un micro:bit émulé (QEMU)…" >&2
    log=$(mktemp)
    qemu-system-arm -M microbit -device loader,file=/usr/share/firmware-microbit-micropython/firmware.hex \
        -nographic -serial pty -monitor none >"$log" 2>&1 &
    qemu_pid=$!
    for _ in $(seq 50); do grep -q /dev/pts "$log" && break; sleep 0.1; done
    export TNE_DEVICE="serial:$(grep -o '/dev/pts/[0-9]*' "$log")"
    export TNE_EXTRA_DEVICES="$TNE_DEVICE"  # so that `tne devices` lists it
fi

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; "$@"; }

step tne devices
step tne exec "print('Bonjour depuis la carte !')"
demo=$(mktemp -d)/compte.py
printf 'from microbit import display, sleep\nfor i in range(5, 0, -1):\n    print(i)\n    display.show(str(i))\n    sleep(200)\nprint("Décollage !")\n' >"$demo"
step tne fs put "$demo" compte.py
step tne fs ls
step tne run "$demo"
step tne fs rm compte.py
echo >&2
echo "Pour la suite : tne --help" >&2
