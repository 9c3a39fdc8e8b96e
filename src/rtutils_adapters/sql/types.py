"""Column types as each database keeps them: times (ISO text in UTC in SQLite, ``timestamptz``
in PostgreSQL) and whole numbers.

SQLite has no time type; the stores have always written one fixed width of ISO text in UTC
(microseconds), so that text order is time order and range filters use the index. Files
written that way are read as they are, and every store compares times the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, String, TypeDecorator
from sqlalchemy.types import TypeEngine


class UtcTime(TypeDecorator[datetime]):
    """An aware time, read back in UTC on either database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        moment = value.astimezone(UTC)
        return moment.isoformat(timespec="microseconds") if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        moment: datetime = value.astimezone(UTC)
        return moment


#: Whole numbers: ``bigint`` in PostgreSQL; in SQLite ``INTEGER``, which a key must be
#: for ``AUTOINCREMENT``.
Number = BigInteger().with_variant(Integer(), "sqlite")
