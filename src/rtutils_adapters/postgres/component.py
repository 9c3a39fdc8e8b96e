"""What every PostgreSQL store shares: its connections, its schema component, its rows.

Each store (tags, loan log, intake, jobs, print jobs) keeps its own tables and its own row
in the one ``schema_version`` table of the database, so stores of different versions can
be upgraded one by one. Several stores of one service share one :class:`Connections` pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import psycopg

from rtutils_adapters.postgres import schema
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.schema_versions import Migration, SchemaChange


def connections_of(where: str | Connections, **options: Any) -> Connections:
    """``where`` if it is a pool already (shared by several stores), else a pool of its own
    on the libpq URL ``where`` with ``options`` (see :class:`Connections`)."""
    return where if isinstance(where, Connections) else Connections(where, **options)


def open_component(
    db: Connections, component: str, migrations: Sequence[Migration]
) -> SchemaChange:
    """Apply ``component``'s pending migrations (on a connection of its own); refuses a
    schema newer than ``migrations`` know with :class:`~rtutils_core.errors.SchemaTooNew`."""
    with db.connect() as conn:
        try:
            return schema.upgrade(conn, db.where, migrations, component)
        except psycopg.Error as exc:
            raise db.unusable(exc) from exc


def as_text_times(row: Sequence[Any]) -> tuple[Any, ...]:
    """``row`` with its dates and times as ISO text, as the SQLite stores hold them, so that
    both stores read their rows with the same code. Times are UTC: every connection runs in
    UTC (see :class:`Connections`)."""
    return tuple(value.isoformat() if isinstance(value, date) else value for value in row)


class PostgresComponent:
    """The base of a PostgreSQL store: opens (and upgrades) its schema component.

    ``where`` is a libpq URL (the store then has a pool of its own, built with
    ``options``) or a :class:`Connections` shared with other stores.
    """

    COMPONENT: str
    MIGRATIONS: tuple[Migration, ...]
    schema_change: SchemaChange

    def __init__(self, where: str | Connections, **options: Any) -> None:
        self._db = connections_of(where, **options)
        self.where = self._db.where
        self.schema_change = open_component(self._db, self.COMPONENT, self.MIGRATIONS)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.where!r})"

    def close(self) -> None:
        """Close this process's connections (of the pool it shares, if it shares one)."""
        self._db.close()
