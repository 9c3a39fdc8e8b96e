"""What every store written once shares: its database, its schema branch, opening, closing."""

from __future__ import annotations

from typing import ClassVar

from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.migrations import Migrations


class SqlStore:
    """A store on a :class:`Database`. Opening it applies the pending revisions of
    ``MIGRATIONS`` (``schema_change`` says what it did) and refuses a database from a newer
    version (:class:`~rtutils_core.errors.SchemaTooNew`)."""

    COMPONENT: ClassVar[str]
    MIGRATIONS: ClassVar[Migrations]
    schema_change: SchemaChange

    def __init__(self, db: Database) -> None:
        self._db = db
        self.where = db.where
        self.schema_change = db.upgrade(self.MIGRATIONS)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.where!r})"

    def close(self) -> None:
        """Close this process's connections (of the database it shares, if it shares one)."""
        self._db.close()
