"""The guide's pictures come from the real thing: scripts/guide_screenshots.py starts `tne lab`,
drives JupyterLab in Chromium and writes every picture the pages use; each committed picture is
one the script makes, and one a page shows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.e2e.test_lab_chromium import require_browser
from tne.cli.guide_site import PROJECT

SCRIPT = PROJECT / "scripts" / "guide_screenshots.py"
IMAGES = PROJECT / "teacher_guides" / "images"
PICTURE = re.compile(r"!\[[^\]]*\]\(images/([^)\s]+)\)")


def pictures_shown() -> set[str]:
    pages = (PROJECT / "teacher_guides").rglob("*.md")
    return {name for page in pages for name in PICTURE.findall(page.read_text("utf-8"))}


def test_every_committed_picture_is_shown_by_a_page() -> None:
    committed = {path.name for path in IMAGES.iterdir()}
    assert committed == pictures_shown()


def test_the_script_makes_every_picture_the_pages_show(tmp_path: Path) -> None:
    require_browser()
    env = dict(os.environ, PYTHONPATH=str(PROJECT), TNE_LANG="fr")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    made = {path.name for path in tmp_path.iterdir()}
    assert pictures_shown() <= made
    for name in made:
        with Image.open(tmp_path / name) as picture:
            assert picture.format == "PNG"
            assert picture.width >= 300 and picture.height >= 80, name
