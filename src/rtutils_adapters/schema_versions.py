"""What opening a store did to its schema, the same for SQLite and PostgreSQL.

Each store's schema is a branch of Alembic revisions (``rtutils_adapters/sql/schema``)
whose ids end in the schema's version number; see ``rtutils_adapters/sql/migrations.py``.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class SchemaChange:
    """What opening a store did to the schema of one component."""

    component: str
    before: int  # 0 for a new database
    after: int

    @property
    def is_changed(self) -> bool:
        return self.before != self.after
