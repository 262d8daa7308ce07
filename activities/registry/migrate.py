"""Create or upgrade the registry's schema with the Alembic history shipped in `migrations/`."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from .database import writer

SCRIPT_LOCATION = "activities.registry:migrations"


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade did: the revision before (None for an empty database) and after."""

    before: str | None
    after: str | None
    #: Free-text equipment kinds that the kinds migration could not map (now « autre »).
    unmapped_kinds: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> Upgrade:
    """Bring the schema to the newest revision; doing it twice changes nothing."""
    with writer(engine).begin() as connection:
        before = current_revision(connection)
        config = alembic_config(connection)
        command.upgrade(config, "head")
        unmapped = tuple(sorted(config.attributes.get("unmapped_kinds", ())))
        return Upgrade(before, current_revision(connection), unmapped)
