"""Running a store's Alembic revisions on an open transaction, and recognising databases
made before Alembic.

Each store is a branch of its own in ``schema/versions`` (labelled with its name: ``tags``,
``loans``, ...) with its own version table (``alembic_version_<store>``), so stores of
different versions are upgraded one by one, and a SQLite file holds its store's branch
only. Revision ids end in the schema's version number (``loans_0002``), which is what
``db upgrade`` prints. Databases made before Alembic carry that number in their own markers
(PostgreSQL's ``schema_version`` table, SQLite's ``PRAGMA user_version``): they are
stamped at it, never rebuilt, and the markers are kept equal to the schema, so that a build
from before Alembic still refuses a newer database.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from attrs import evolve, frozen
from sqlalchemy import Connection

from rtutils_adapters.schema_versions import SchemaChange
from rtutils_core.errors import SchemaTooNew

if TYPE_CHECKING:
    from alembic.script import Script

# Alembic says at INFO what it does on each opening of each store; what matters is in the
# SchemaChange the stores return (and ``db upgrade`` prints).
logging.getLogger("alembic").setLevel(logging.WARNING)

SCRIPTS = Path(__file__).with_name("schema")
VERSIONS = SCRIPTS / "versions"


class Markers(Protocol):
    """The schema markers of builds before Alembic, as a database keeps them."""

    where: str

    def legacy_version(self, conn: Connection, component: str) -> int: ...

    def record_version(self, conn: Connection, component: str, version: int) -> None: ...


def _number(revision: str | None) -> int:
    """The schema version a revision id ends in (0 for none)."""
    if revision is None:
        return 0
    tail = revision.rpartition("_")[2]
    return int(tail) if tail.isdigit() else 0


@frozen
class Migrations:
    """A store's revisions: its branch of the scripts in ``locations``."""

    component: str
    locations: tuple[Path, ...] = (VERSIONS,)

    def with_location(self, folder: Path) -> Migrations:
        """These revisions and those in ``folder`` (later ones, e.g. of a test)."""
        return evolve(self, locations=(*self.locations, Path(folder)))

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.component}"

    def __len__(self) -> int:
        """The version this code knows (as many revisions as the store has had)."""
        return self.latest(ScriptDirectory(str(SCRIPTS), version_locations=self._folders()))

    def _folders(self) -> list[str]:
        return [str(folder) for folder in self.locations]

    def revision(self, version: int) -> str:
        return f"{self.component}_{version:04d}"

    def _config(self, conn: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(SCRIPTS))
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(map(str, self.locations)))
        config.attributes["connection"] = conn
        config.attributes["version_table"] = self.version_table
        return config

    def latest(self, script: ScriptDirectory) -> int:
        """The version this code knows for the store."""
        head: Script | None = script.get_revision(f"{self.component}@head")
        return _number(head.revision if head else None)

    def apply(self, conn: Connection, markers: Markers) -> SchemaChange:
        """Upgrade the store's tables on ``conn`` (in its transaction) to the latest revision;
        a database from before Alembic is stamped at its version first."""
        config = self._config(conn)
        script = ScriptDirectory.from_config(config)
        known = self.latest(script)
        context = MigrationContext.configure(conn, opts={"version_table": self.version_table})
        current = context.get_current_revision()
        found = max(_number(current), markers.legacy_version(conn, self.component))
        if found > known or not self._knows(script, current):
            raise SchemaTooNew(
                f"the {self.component} schema of {markers.where} is version {found}, written"
                f" by a newer version of rtutils; this one knows up to version {known} and"
                " leaves it untouched: upgrade rtutils, or point it at another database"
            )
        if current is None and found:
            command.stamp(config, self.revision(found))
        command.upgrade(config, f"{self.component}@head")
        markers.record_version(conn, self.component, known)
        return SchemaChange(self.component, found, known)

    @staticmethod
    def _knows(script: ScriptDirectory, revision: str | None) -> bool:
        if revision is None:
            return True
        try:
            return script.get_revision(revision) is not None
        except CommandError:
            return False
