"""Audits: a scan may be *pending*, kept while RT could not be reached and classified when
RT answers (present, unexpected or unknown).

The check of ``audit_scans.outcome`` takes one more value. PostgreSQL changes the check in
place; SQLite cannot, so the table is built again with it and the scans copied over.

Revision ID: audits_0002
Revises: audits_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import revision_ids, texts
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)
depends_on = None

#: PostgreSQL's name of the check of a column declared with it (``<table>_<column>_check``).
CHECK = "audit_scans_outcome_check"
BEFORE = ("present", "unexpected", "unknown")
AFTER = (*BEFORE, "pending")


def _outcomes(values: tuple[str, ...]) -> str:
    return "outcome IN ({})".format(", ".join(f"'{value}'" for value in values))


def _scans(values: tuple[str, ...]) -> sa.Table:
    """``audit_scans`` as audits_0001 made it, with ``values`` allowed as outcomes."""
    metadata = sa.MetaData()
    sa.Table("audits", metadata, sa.Column("id", Number, primary_key=True))
    return sa.Table(
        "audit_scans",
        metadata,
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("audit_id", Number, sa.ForeignKey("audits.id"), nullable=False),
        sa.Column("at", UtcTime(), nullable=False),
        *texts("key", "text"),
        sa.Column("outcome", sa.Text(), sa.CheckConstraint(_outcomes(values)), nullable=False),
        sa.Column("asset_id", Number),
        *texts("tag", "model", "reason", "desk", "operator"),
        sa.UniqueConstraint("audit_id", "key"),
        sqlite_autoincrement=True,
    )


def _allow(values: tuple[str, ...]) -> None:
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table("audit_scans", copy_from=_scans(values), recreate="always"):
            pass
        return
    op.drop_constraint(CHECK, "audit_scans", type_="check")
    op.create_check_constraint(CHECK, "audit_scans", _outcomes(values))


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM audit_scans WHERE outcome = 'pending'")
    _allow(BEFORE)
