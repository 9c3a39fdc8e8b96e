"""The outbox holds intake creates and tag issues too (their kinds join the check).

Revision ID: outbox_0002
Revises: outbox_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import revision_ids
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)

TABLE = "outbox_operations"
#: PostgreSQL's name for the check of the kind column as outbox_0001 made it.
CHECK = "outbox_operations_kind_check"
BEFORE = ("check-out", "check-in")
AFTER = (*BEFORE, "intake-create", "tag-issue")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _sqlite_copy(kinds: tuple[str, ...]) -> sa.Table:
    """The table as outbox_0001 made it, with ``kinds`` in the check: SQLite changes a
    check only by copying the table into this shape."""
    texts = ("tag", "operator", "request_id", "payload")
    defaulted = (("reason", ""), ("steps", "{}"), ("result", "{}"), ("settled_by", ""))
    return sa.Table(
        TABLE,
        sa.MetaData(),
        sa.Column("id", Number, primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("kind", sa.Text(), sa.CheckConstraint(_kinds(kinds)), nullable=False),
        sa.Column(
            "state",
            sa.Text(),
            sa.CheckConstraint(
                "state IN ('queued', 'replaying', 'done', 'needs-attention', 'dropped')"
            ),
            nullable=False,
        ),
        sa.Column("asset_id", Number, nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in texts),
        sa.Column("accepted", UtcTime(), nullable=False),
        sa.Column("updated", UtcTime(), nullable=False),
        *(
            sa.Column(name, sa.Text(), nullable=False, server_default=value)
            for name, value in defaulted
        ),
        sa.Column("worker", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column(
            "forced",
            sa.Integer(),
            sa.CheckConstraint("forced IN (0, 1)"),
            nullable=False,
            server_default="0",
        ),
        sa.Column("lease_until", UtcTime()),
        sa.Index("outbox_by_state", "state", "id"),
        sa.Index("outbox_by_asset", "asset_id", "id"),
        sqlite_autoincrement=True,
    )


def _change(kinds: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(TABLE, copy_from=_sqlite_copy(kinds), recreate="always"):
            pass
        return
    op.drop_constraint(CHECK, TABLE, type_="check")
    op.create_check_constraint(CHECK, TABLE, _kinds(kinds))


def upgrade() -> None:
    _change(AFTER)


def downgrade() -> None:
    kind: sa.ColumnClause[str] = sa.column("kind", sa.Text())
    op.execute(sa.table(TABLE, kind).delete().where(kind.not_in(BEFORE)))
    _change(BEFORE)
