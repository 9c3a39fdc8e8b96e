"""Statements on the hot path, compiled once per database and run on the driver's cursor.

A tag issue runs nine short statements in two transactions. SQLite answers each in a few
microseconds, while SQLAlchemy's execution of a Core statement (cache key, execution
context, result wrapper) costs some forty: most of an issue's time went there. A
:class:`Prepared` statement is still one Core construct, compiled by SQLAlchemy for the
database at hand with the bind processors of its column types (times as the database keeps
them); only the per-call bookkeeping is left out. Driver errors become SQLAlchemy's, so a
transaction sees them as it sees any other.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, exc as sa_exc
from sqlalchemy.sql.expression import Executable


class _Compiled:
    def __init__(self, statement: Any, dialect: Dialect, keys: Sequence[str]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.positional = dialect.positional
        self.order = tuple(compiled.positiontup or ()) if dialect.positional else ()
        self.processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors[compiled.bind_names.get(bind, name)] = processor
        self.fixed = {
            compiled.bind_names.get(bind, name): bind.value
            for name, bind in compiled.binds.items()
            if bind.value is not None and not bind.required
        }

    def params(self, given: Mapping[str, Any]) -> Any:
        values = {**self.fixed, **given}
        for name, processor in self.processors.items():
            if name in values:
                values[name] = processor(values[name])
        if self.positional:
            return tuple(values[name] for name in self.order)
        return values


class Prepared:
    """``statement`` (a Core statement with named bind parameters, or an insert/update
    whose values are given per call) run with :meth:`run` on a connection's driver cursor."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}
        self._guard = threading.Lock()

    def _for(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
        key = (dialect.name, keys)
        found = self._compiled.get(key)
        if found is None:
            with self._guard:
                found = self._compiled.setdefault(key, _Compiled(self.statement, dialect, keys))
        return found

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        """Execute in ``conn``'s transaction; the driver's cursor (``fetchone``,
        ``rowcount``). A driver error is raised as SQLAlchemy's (``IntegrityError``, ...)."""
        given = params or {}
        dialect = conn.dialect
        compiled = self._for(dialect, tuple(sorted(given)))
        values = compiled.params(given)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, values)
        except dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DBAPIError.instance(
                compiled.sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        return cursor

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        """The first row as a tuple, or None."""
        return self.run(conn, params).fetchone()

    def scalar(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or None."""
        row = self.first(conn, params)
        return None if row is None else row[0]
