"""Build the simulator's guest MicroPython (WebAssembly, WASI) from MicroPython's sources.

A developer's step, never run in CI (CI cannot fetch MicroPython's sources). docs/simulator.md
("Where the engine comes from") says which sources and what the result is:

    python scripts/build_guest_wasm.py MICROPYTHON_SOURCES [--output FILE]

MICROPYTHON_SOURCES is a clone of MicroPython at the commit docs/simulator.md names (the unix
port's `wasi` variant: MicroPython PR #13676). No submodule is needed: the frozen manifest is
left out (it needs micropython-lib), and the variant already disables what needs the others.

The tools, each from a package registry, none from a toolchain download:
- a C compiler for wasm32-wasi with the WASI libc: Zig's (`pip install ziglang`; `--zig`), run
  through a small wrapper (`_cc`, this script run with `--cc`) that makes it look like the WASI
  SDK's clang to MicroPython's makefiles;
- binaryen's `wasm-opt` >= 117 (`npm install binaryen`; `--wasm-opt`): `--spill-pointers` (so
  the garbage collector sees the pointers the C code keeps in WebAssembly locals) then
  `--translate-to-exnref` (wasmtime's exception handling), as the variant's makefile does;
- `make` and a host C compiler (for `mpy-cross`).

The simulator's own C modules (device_bridge/sim/wasm/native/: the door, and the host's cap on
one allocation, put between py/malloc.c and the collector) are built in as
MicroPython user C modules.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "device_bridge" / "sim" / "wasm" / "native"
DEFAULT_OUTPUT = NATIVE / "micropython-wasi.wasm"
#: What the guest needs of WebAssembly beyond its first version (wasm-opt validates against it).
FEATURES = (
    "--enable-exception-handling",
    "--enable-multivalue",
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
)
#: The linker's layout: Zig puts the stack first (an overflow traps rather than overwrite static
#: data) and makes it 16 MB; 64 KB, as the WASI SDK's, keeps the interpreter's state in the first
#: 512 KB of memory, where device_bridge/sim/wasm/interrupt.py looks for it.
LAYOUT = ("-Wl,-z,stack-size=262144",)
#: The calls py/malloc.c makes to the collector go through native/alloccap/alloccap.c, where the
#: host's cap on one allocation (sim@v1) is applied: that file is compiled with these names
#: changed (the linker's `--wrap=` would do it, but Zig's driver drops it without a word).
CAPPED = ("py/malloc.c", ("-Dgc_alloc=tne_capped_gc_alloc", "-Dgc_realloc=tne_capped_gc_realloc"))
#: The version banner compiled into the module (MicroPython's py/makeversionhdr.py): its build
#: date and its name of the commit, fixed here so that a rebuild gives the shipped file's bytes
#: whatever the day and whether the clone has MicroPython's tags (`git describe` would name the
#: commit differently in each). The shipped file's: 2026-12-03, and the name mpconfig.h gives.
REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "1796256000", "MICROPY_GIT_TAG": "v1.27.0-preview"}
#: The tag `__c_longjmp` that setjmp/longjmp throw (WASI SDK's compiler-rt has it; Zig's has not).
C_LONGJMP = """\
.globl __c_longjmp
.tagtype __c_longjmp i32
__c_longjmp:
"""


def _cc(arguments: list[str]) -> int:
    """Zig's clang, called as MicroPython's wasi variant calls the WASI SDK's: its flags that Zig
    takes otherwise are dropped, a preprocessing of several files (`-E a.c b.c`, which Zig
    refuses) or of standard input is done a file at a time, and py/malloc.c calls the
    allocation cap's functions (`CAPPED`)."""
    zig = os.environ["TNE_ZIG"]
    kept: list[str] = []
    files: list[str] = []
    preprocess = False
    skip = False
    with tempfile.TemporaryDirectory() as folder:
        for argument in arguments:
            if skip:
                skip = False
            elif argument == "-B":
                skip = True
            elif argument.startswith("-B") or argument in ("--target=wasm32-wasi", "-lsetjmp"):
                pass
            elif argument == "-":
                stdin = Path(folder) / "stdin.c"
                stdin.write_bytes(sys.stdin.buffer.read())
                files.append(str(stdin))
            elif argument.endswith(".c"):
                files.append(argument)
            else:
                preprocess = preprocess or argument == "-E"
                kept.append(argument)
        command = [zig, "cc", "-target", "wasm32-wasi", "-mexception-handling", *kept]
        groups = [[f] for f in files] if preprocess and len(files) > 1 else [files]
        for group in groups:
            capped = CAPPED[1] if any(Path(f).as_posix().endswith(CAPPED[0]) for f in group) else ()
            done = subprocess.run([*command, *capped, *group, "-Wno-deprecated"], check=False)
            if done.returncode:
                return done.returncode
    return 0


def _wrapper(folder: Path, zig: str) -> Path:
    """A command that runs `_cc` (make takes one word for CC)."""
    os.environ["TNE_ZIG"] = zig
    if os.name == "nt":
        script = folder / "cc.bat"
        script.write_text(f'@"{sys.executable}" "{Path(__file__)}" --cc %*\n', encoding="utf-8")
    else:
        script = folder / "cc"
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__)}" --cc "$@"\n')
        script.chmod(0o755)
    return script


def build(sources: Path, output: Path, zig: str, wasm_opt: str, jobs: int) -> Path:
    for variable, value in REPRODUCIBLE.items():
        os.environ.setdefault(variable, value)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        cc = _wrapper(folder, zig)
        longjmp = folder / "c_longjmp.S"
        longjmp.write_text(C_LONGJMP, encoding="utf-8")
        tag = folder / "c_longjmp.o"
        subprocess.run([str(cc), "-c", str(longjmp), "-o", str(tag)], check=True)
        optimiser = " ".join([wasm_opt, *FEATURES])
        subprocess.run(["make", "-C", str(sources / "mpy-cross"), f"-j{jobs}"], check=True)
        unix = sources / "ports" / "unix"
        shutil.rmtree(unix / "build-wasi", ignore_errors=True)
        subprocess.run(
            [
                "make",
                "-C",
                str(unix),
                f"-j{jobs}",
                "VARIANT=wasi",
                f"CC={cc}",
                f"CLANG={cc}",
                f"WASI_SDK={folder}",
                f"WASI_SYSROOT={folder}",
                f"RESOURCE_DIR={folder}",
                "STRIP=true",
                "SIZE=true",
                f"WASM_OPT={optimiser}",
                "FROZEN_MANIFEST=",
                f"LDFLAGS_EXTRA={tag} {' '.join(LAYOUT)}",
                f"USER_C_MODULES={NATIVE}",
            ],
            check=True,
        )
        built = unix / "build-wasi" / "micropython.spilled.exnref"
        output.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                wasm_opt,
                *FEATURES,
                "--strip-debug",
                "--strip-producers",
                "-o",
                str(output),
                str(built),
            ],
            check=True,
        )
    return output


def main() -> int:
    if sys.argv[1:2] == ["--cc"]:
        return _cc(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", type=Path, help="a clone of MicroPython (see the docstring)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--zig", default=shutil.which("zig") or "", help="Zig's executable")
    parser.add_argument("--wasm-opt", default=shutil.which("wasm-opt") or "")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    options = parser.parse_args()
    if not options.zig or not options.wasm_opt:
        parser.error("Zig and wasm-opt are needed: --zig and --wasm-opt (see the docstring)")
    built = build(options.sources, options.output, options.zig, options.wasm_opt, options.jobs)
    print(built)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
