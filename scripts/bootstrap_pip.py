"""Put pip into a virtual environment made with `python3 -m venv --without-pip`.

Debian and Ubuntu leave out `ensurepip` unless the python3-venv package is installed, which a
teacher cannot do without an administrator. pip runs from its own wheel (a wheel is a zip that
Python can import from), so this installs pip with pip itself, from the first wheel found:

1. in `--from DIR` (the offline bundle made by scripts/bundle.py carries one);
2. in the folders of PIP_FIND_LINKS;
3. in /usr/share/python-wheels (Debian's python3-pip-whl, present with python3-pip);
4. otherwise downloaded from PyPI (its JSON API, checked against the published SHA-256).

Standard library only: it runs before anything is installed. Run it with the environment's
own Python (`.venv/bin/python scripts/bootstrap_pip.py`), which is where pip is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

PYPI_JSON = "https://pypi.org/pypi/pip/json"
DEBIAN_WHEELS = Path("/usr/share/python-wheels")


def local_wheel(folders: list[Path]) -> Path | None:
    """The newest-named pip wheel in the first folder that has one."""
    for folder in folders:
        found = sorted(folder.glob("pip-*.whl")) if folder.is_dir() else []
        if found:
            return found[-1]
    return None


def download_wheel(into: Path) -> Path:
    """pip's latest wheel from PyPI, refused unless its SHA-256 is the published one."""
    with urllib.request.urlopen(PYPI_JSON, timeout=60) as response:
        release = json.load(response)
    wheel = next(file for file in release["urls"] if file["packagetype"] == "bdist_wheel")
    with urllib.request.urlopen(wheel["url"], timeout=120) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != wheel["digests"]["sha256"]:
        raise SystemExit("Le fichier pip téléchargé est abîmé (empreinte SHA-256 différente).")
    target = into / wheel["filename"]
    target.write_bytes(data)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="folder of wheels (offline)")
    options = parser.parse_args()
    folders = [options.source] if options.source else []
    links = os.environ.get("PIP_FIND_LINKS", "")
    folders += [Path(link) for link in links.split() if "://" not in link]
    folders.append(DEBIAN_WHEELS)
    with tempfile.TemporaryDirectory() as temporary:
        wheel = local_wheel(folders)
        if wheel is None:
            if options.source:
                raise SystemExit(f"Aucun fichier pip-*.whl dans {options.source}.")
            print("Téléchargement de pip (python3-venv n'est pas installé)…", file=sys.stderr)
            wheel = download_wheel(Path(temporary))
        command = [sys.executable, str(wheel / "pip"), "install", "-q", "--no-index", str(wheel)]
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
