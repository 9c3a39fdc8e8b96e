"""What every store written once shares: its database, its schema branch, opening, closing,
and how it declares its tables."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Column, Date, Integer, MetaData, Table, Text
from sqlalchemy.types import TypeEngine

from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.migrations import Migrations
from rtutils_adapters.sql.types import Number, UtcTime


def table(
    name: str,
    columns: str,
    *,
    key: str,
    numbers: str = "",
    integers: str = "",
    times: str = "",
    dates: str = "",
) -> Table:
    """A store's table as its statements see it: ``columns`` in order (names separated by
    spaces), text unless named in ``numbers``, ``integers``, ``times`` or ``dates``, ``key``
    its primary key. The store's revisions (``schema/versions``) create it, with its
    constraints."""
    names = columns.split()
    kinds: list[tuple[TypeEngine[Any], str]] = [
        (Number, numbers),
        (Integer(), integers),
        (UtcTime(), times),
        (Date(), dates),
    ]
    types = {column: kind for kind, named in kinds for column in named.split()}
    unknown = (set(types) | set(key.split())) - set(names)
    if unknown:
        raise ValueError(f"the table {name} has no column {', '.join(sorted(unknown))}")
    return Table(
        name,
        MetaData(),
        *(Column(n, types.get(n, Text()), primary_key=n in key.split()) for n in names),
    )


class SqlStore:
    """A store on a :class:`Database`. Opening it applies the pending revisions of
    ``MIGRATIONS`` (``schema_change`` says what it did) and refuses a database from a newer
    version (:class:`~rtutils_core.errors.SchemaTooNew`)."""

    #: The store's name: its branch of revisions, its version table and its markers.
    COMPONENT: ClassVar[str]
    #: The store's revisions (those of ``COMPONENT`` unless a subclass says otherwise).
    MIGRATIONS: ClassVar[Migrations]
    schema_change: SchemaChange

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "COMPONENT" in vars(cls) and "MIGRATIONS" not in vars(cls):
            cls.MIGRATIONS = Migrations(cls.COMPONENT)

    def __init__(self, db: Database) -> None:
        self._db = db
        self.where = db.where
        self.schema_change = db.upgrade(self.MIGRATIONS)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.where!r})"

    def close(self) -> None:
        """Close this process's connections (of the database it shares, if it shares one)."""
        self._db.close()
