"""Schema versions of the stores, the same rules for SQLite and PostgreSQL.

Each database keeps a ``schema_version`` table with one row per component (``tags`` now;
later stores add their own rows), holding the number of the last migration applied.
Opening a store applies the migrations it knows beyond that number, in one transaction,
and refuses a database whose number is higher than any it knows: that database was
written by a newer version, and an older one must not guess at what changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from rtutils_core.errors import SchemaTooNew


@frozen
class Migration:
    """The statements that take a component's schema from ``version - 1`` to ``version``."""

    version: int
    statements: tuple[str, ...]


@frozen
class SchemaChange:
    """What opening a store did to the schema of one component."""

    component: str
    before: int  # 0 for a new database
    after: int

    @property
    def is_changed(self) -> bool:
        return self.before != self.after


def latest(migrations: Sequence[Migration]) -> int:
    """The version the migrations lead to."""
    return migrations[-1].version if migrations else 0


def pending(
    migrations: Sequence[Migration], found: int, *, component: str, where: str
) -> list[Migration]:
    """The migrations still to apply to a schema at ``found``, in order.

    Raises :class:`SchemaTooNew` if ``found`` is beyond every migration known here.
    """
    known = latest(migrations)
    if found > known:
        raise SchemaTooNew(
            f"the {component} schema of {where} is version {found}, written by a newer"
            f" version of rtutils; this one knows up to version {known} and leaves it"
            " untouched: upgrade rtutils, or point it at another database"
        )
    return [m for m in migrations if m.version > found]


def split_statements(script: str) -> tuple[str, ...]:
    """The statements of a DDL script with ``;`` between them (no ``;`` inside one)."""
    return tuple(s.strip() for s in script.split(";") if s.strip())
