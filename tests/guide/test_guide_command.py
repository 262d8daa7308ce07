"""`tne guide`: the real command builds the site into the user's cache folder, once, without
network, and hands its address to the browser; a stale site is rebuilt, a failed rebuild keeps
the site already there, and every refusal is a French sentence.

The browser is whatever `BROWSER` names (Python's webbrowser reads it): here a small program
that writes down the address it was given, as a teacher's browser would open it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tne.cli.guide_site import PROJECT, GuideError, GuideSources, built_site

RECORDER = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])"


def run_guide(
    cache_home: Path,
    *args: str,
    browser: str | None = None,
    prefix: tuple[str, ...] = (),
    first_on_path: Path | None = None,
) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if "DISPLAY" not in key}
    path = [str(first_on_path)] if first_on_path else []
    env.update(
        XDG_CACHE_HOME=str(cache_home),
        PYTHONPATH=os.pathsep.join([*path, str(PROJECT)]),
        TNE_LANG="fr",
    )
    env.pop("BROWSER", None)
    if browser is not None:
        env["BROWSER"] = browser
    command = [*prefix, sys.executable, "-m", "tne.cli", "guide", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def site_in(cache_home: Path) -> Path:
    return cache_home / "tne-robotique" / "guide" / "site"


def test_the_guide_is_built_once_in_the_cache_and_its_address_printed(tmp_path: Path) -> None:
    first = run_guide(tmp_path, "--no-browser")
    assert first.returncode == 0, first.stderr
    index = site_in(tmp_path) / "index.html"
    assert "Préparation du guide" in first.stderr
    assert f"Le guide est à l'adresse {index.as_uri()}" in first.stderr
    assert "Guide tne-robotique" in index.read_text("utf-8")
    built_at = index.stat().st_mtime_ns

    again = run_guide(tmp_path, "--no-browser")
    assert again.returncode == 0, again.stderr
    assert "Préparation" not in again.stderr
    assert index.stat().st_mtime_ns == built_at
    assert [p.name for p in index.parents[1].iterdir()] == ["site"]  # no leftover build


def test_the_browser_is_given_the_address_of_the_home_page(tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = f'{sys.executable} -c "{RECORDER}" {opened} %s'
    result = run_guide(tmp_path, browser=browser)
    assert result.returncode == 0, result.stderr
    assert opened.read_text() == (site_in(tmp_path) / "index.html").as_uri()


def test_without_a_browser_the_address_is_still_given(tmp_path: Path) -> None:
    result = run_guide(tmp_path, browser=str(tmp_path / "aucun-navigateur") + " %s")
    assert result.returncode == 1
    assert "Aucun navigateur n'a pu être ouvert : ouvrez l'adresse ci-dessus" in result.stderr
    assert (site_in(tmp_path) / "index.html").as_uri() in result.stderr


def test_the_guide_is_built_without_network(tmp_path: Path) -> None:
    """In a network namespace of its own, with no interface up: no name resolves, no
    connection opens."""
    unshare = shutil.which("unshare")
    probe = unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True)
    if not probe or probe.returncode != 0:
        pytest.skip("needs unshare -rn (user and network namespaces) to cut the network")
    result = run_guide(tmp_path, "--no-browser", prefix=(unshare, "-rn"))
    assert result.returncode == 0, result.stderr
    assert (site_in(tmp_path) / "search" / "search_index.js").is_file()


def test_a_changed_page_is_rebuilt(tmp_path: Path, sources_copy: GuideSources) -> None:
    sources = sources_copy
    site, built = built_site(sources, tmp_path / "cache")
    assert built
    page = sources.docs / "glossaire.md"
    page.write_text(page.read_text("utf-8") + "\nMot nouveau\n:   Sa définition.\n", "utf-8")
    site, built = built_site(sources, tmp_path / "cache")
    assert built
    assert "Mot nouveau" in (site / "glossaire.html").read_text("utf-8")
    assert built_site(sources, tmp_path / "cache")[1] is False


def test_a_failed_rebuild_keeps_the_site_already_built(
    tmp_path: Path, sources_copy: GuideSources
) -> None:
    sources = sources_copy
    site, _ = built_site(sources, tmp_path / "cache")
    before = (site / "index.html").read_text("utf-8")
    sources.config.write_text(
        sources.config.read_text("utf-8").replace("name: material", "name: theme-absent"), "utf-8"
    )
    with pytest.raises(GuideError, match="Le guide n'a pas pu être construit"):
        built_site(sources, tmp_path / "cache")
    assert (site / "index.html").read_text("utf-8") == before
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["site"]


def test_missing_sources_are_refused_in_french(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="Les pages du guide ne sont pas dans"):
        GuideSources.of_project(tmp_path)


def test_an_unwritable_cache_is_refused_in_french(
    tmp_path: Path, sources_copy: GuideSources
) -> None:
    sources = sources_copy
    blocked = tmp_path / "un-fichier"
    blocked.write_text("ceci n'est pas un dossier", "utf-8")
    with pytest.raises(GuideError, match="Le guide n'a pas pu être écrit dans"):
        built_site(sources, blocked / "guide")


def test_without_mkdocs_the_guide_says_what_is_missing(tmp_path: Path) -> None:
    """A folder ahead on the path whose `mkdocs` cannot be imported, as on a machine where the
    package was never installed."""
    shadow = tmp_path / "sans-mkdocs" / "mkdocs"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named mkdocs')\n")
    result = run_guide(tmp_path / "cache", "--no-browser", first_on_path=shadow.parent)
    assert result.returncode == 1
    assert "le paquet mkdocs manque" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cache" / "tne-robotique" / "guide" / "site").exists()
