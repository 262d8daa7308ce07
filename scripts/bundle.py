"""Make a folder of wheels that installs tne-robotique with no network (a USB key).

    python3 scripts/bundle.py --platform linux DOSSIER
    python3 scripts/bundle.py --platform windows --python-version 3.12 DOSSIER

On a connected machine, from the project's folder. The folder gets the project's own wheel, every
dependency as a wheel for the platform and Python version asked (`pip download --only-binary`:
a classroom machine has no compiler), and pip, setuptools and wheel (pip for a Python without
ensurepip, see scripts/bootstrap_pip.py). A file LISEZMOI.txt in the folder gives the command
that installs from it. Standard library and pip only, so it runs on Windows too.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: pip's names for the platforms of the school computers (64-bit Intel/AMD).
PLATFORMS = {
    "linux": ["manylinux2014_x86_64", "manylinux_2_28_x86_64", "linux_x86_64"],
    "windows": ["win_amd64"],
}
TOOLS = ["pip", "setuptools>=68", "wheel"]
README = "\n".join(
    [
        "Paquets de tne-robotique pour une installation sans réseau "
        "({platform}, Python {version}).",
        "",
        "Linux, depuis le dossier du projet :",
        "    bash scripts/setup.sh --from {folder}",
        "",
        "Windows (PowerShell), sans droits d'administrateur :",
        "    py -{version} -m venv $env:LOCALAPPDATA\\tne-robotique\\venv",
        "    & $env:LOCALAPPDATA\\tne-robotique\\venv\\Scripts\\python.exe -m pip install "
        "--no-index --find-links {folder} tne-robotique",
        "",
    ]
)


def pip(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *arguments], check=True)


def target(platform: str, version: str) -> list[str]:
    """pip's options for wheels of another machine: binary only, its platform and Python."""
    options = ["--only-binary=:all:", "--python-version", version]
    for name in PLATFORMS[platform]:
        options += ["--platform", name]
    return options


def pure_wheels(project: Path, folder: Path) -> None:
    """Wheels for the dependencies published only as source (uflash, for one): built here, they
    are pure Python (`none-any`), so they serve every platform, and `pip download --platform`
    finds them in `folder` instead of refusing a source archive."""
    with tempfile.TemporaryDirectory() as temporary:
        pip("wheel", "-q", "--wheel-dir", temporary, str(project))
        for built in Path(temporary).glob("*-none-any.whl"):
            shutil.copy2(built, folder / built.name)


def bundle(folder: Path, platform: str, version: str) -> Path:
    """Fill `folder`; returns the project's wheel."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("tne_robotique-*.whl"):
        old.unlink()  # a wheel from an older version would be picked as well
    pip("wheel", "-q", "--no-deps", "--wheel-dir", str(folder), str(ROOT))
    (wheel,) = folder.glob("tne_robotique-*.whl")
    pure_wheels(wheel, folder)
    pip(
        "download",
        "-q",
        "--dest",
        str(folder),
        "--find-links",
        str(folder),
        *target(platform, version),
        str(wheel),
        *TOOLS,
    )
    (folder / "LISEZMOI.txt").write_text(
        README.format(platform=platform, version=version, folder=folder), encoding="utf-8"
    )
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=sorted(PLATFORMS), default="linux")
    parser.add_argument(
        "--python-version",
        default=f"{sys.version_info.major}.{sys.version_info.minor}",
        help="the Python of the classroom computers (default: this one's)",
    )
    parser.add_argument("folder", type=Path)
    options = parser.parse_args()
    wheel = bundle(options.folder.resolve(), options.platform, options.python_version)
    count = len(list(options.folder.glob("*.whl")))
    print(f"{count} paquets dans {options.folder} (dont {wheel.name}).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
