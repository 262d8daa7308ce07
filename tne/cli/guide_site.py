"""The teachers' guide as a built site: where its sources are, where the site lives, when to build.

The guide is written in `teacher_guides/` and configured by `mkdocs.yml`, both beside the
packages (the project is installed from its folder, as `tne lab` finds its first notebook).
The site is built on the first `tne guide`, not at install time: an editable install runs no
build step, and a build made once would go stale when a page changes. It goes to the user's
cache folder (platformdirs), because it can always be made again from the sources; a stamp
(a digest of the sources and of the MkDocs and theme versions) says whether the built copy is
still the one the sources give. Nothing here touches the network: the theme's web fonts are off
and the search shim is carried by the guide (see mkdocs.yml), so a school with no Internet
access builds and reads the guide.

A failed rebuild never destroys the site already built: the new site is made in a folder of
its own and swapped in only when complete.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tne.i18n import _
from tne.os_errors import os_error_text

#: The project folder: mkdocs.yml and teacher_guides/ live there.
PROJECT = Path(__file__).resolve().parents[2]
CONFIG_NAME = "mkdocs.yml"
DOCS_NAME = "teacher_guides"
#: The file in a built site that records which sources it was built from.
STAMP_NAME = ".tne-guide-stamp"
#: The packages whose versions shape the built pages.
BUILDERS = ("mkdocs", "mkdocs-material")


class GuideError(Exception):
    """The guide cannot be shown; the message is French, for the person at the keyboard."""


@dataclass(frozen=True)
class GuideSources:
    """The configuration file and the folder of pages a site is built from."""

    config: Path
    docs: Path

    @classmethod
    def of_project(cls, project: Path = PROJECT) -> GuideSources:
        sources = cls(project / CONFIG_NAME, project / DOCS_NAME)
        if not sources.config.is_file() or not sources.docs.is_dir():
            raise GuideError(
                _(
                    "The guide's pages are not in {folder} (mkdocs.yml and teacher_guides/ are "
                    "missing). Install tne-robotique again from its folder."
                ).format(folder=project)
            )
        return sources

    def files(self) -> list[Path]:
        return [self.config] + sorted(p for p in self.docs.rglob("*") if p.is_file())

    def stamp(self) -> str:
        """A digest that changes when a page, a picture, the configuration or a builder does."""
        digest = hashlib.sha256()
        for name in BUILDERS:
            digest.update(f"{name}={_version(name)}\n".encode())
        for path in self.files():
            digest.update(path.relative_to(self.config.parent).as_posix().encode("utf-8"))
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()


def default_cache() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("tne-robotique", appauthor=False)) / "guide"


def build(sources: GuideSources, site: Path, strict: bool = False) -> None:
    """Build the site into `site` (which must not exist yet). `strict` turns MkDocs' warnings
    (a broken link, a missing picture) into a failure: the tests use it; a teacher's `tne
    guide` does not, so that a slip in one page never hides the whole guide."""
    try:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
    except ImportError as error:
        raise GuideError(
            _(
                "The guide cannot be built: the mkdocs package is missing ({error}). Install "
                "tne-robotique again."
            ).format(error=error)
        ) from error
    quiet = logging.getLogger("mkdocs")
    level = quiet.level
    quiet.setLevel(logging.INFO if strict else logging.ERROR)
    try:
        config = load_config(
            config_file=str(sources.config),
            docs_dir=str(sources.docs),
            site_dir=str(site),
            strict=strict,
        )
        mkdocs_build(config)
    except MkDocsException as error:
        raise GuideError(_("The guide could not be built: {error}").format(error=error)) from error
    finally:
        quiet.setLevel(level)


def built_site(
    sources: GuideSources,
    cache: Path | None = None,
    on_build: Callable[[], None] | None = None,
) -> tuple[Path, bool]:
    """The folder of the site built from `sources`, building it first when it is missing or
    stale (`on_build` is called before a build, to tell the person to wait); also whether it
    was built now."""
    cache = cache or default_cache()
    site = cache / "site"
    stamp = sources.stamp()
    if _stamp_of(site) == stamp:
        return site, False
    if on_build is not None:
        on_build()
    fresh = cache / f"build-{uuid.uuid4().hex}"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        build(sources, fresh)
        (fresh / STAMP_NAME).write_text(stamp, encoding="ascii")
        _swap_in(fresh, site)
    except OSError as error:
        raise GuideError(
            _("The guide could not be written to {folder}: {error}").format(
                folder=cache, error=os_error_text(error)
            )
        ) from error
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return site, True


def _swap_in(fresh: Path, site: Path) -> None:
    """Replace `site` by `fresh`. Another `tne guide` may have put its own fresh copy there in
    the meantime: theirs is as good as ours."""
    old = site.with_name(f"old-{uuid.uuid4().hex}")
    if site.exists():
        site.rename(old)
    try:
        fresh.rename(site)
    except OSError:
        if not site.exists():
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _stamp_of(site: Path) -> str | None:
    try:
        return (site / STAMP_NAME).read_text(encoding="ascii").strip()
    except OSError:
        return None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
