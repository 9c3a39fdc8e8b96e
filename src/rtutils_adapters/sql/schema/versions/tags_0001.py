"""The tag store: sequences, numbers and their events (the schema of the first release)."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import key, one_of, revision_ids, texts
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)

LIVE = "state IN ('reserved', 'assigned')"


def upgrade() -> None:
    op.create_table(
        "sequences",
        sa.Column("prefix", sa.Text(), primary_key=True),
        sa.Column("next_number", Number, sa.CheckConstraint("next_number >= 1"), nullable=False),
    )
    op.create_table(
        "tags",
        sa.Column("prefix", sa.Text(), primary_key=True),
        sa.Column("number", Number, sa.CheckConstraint("number >= 1"), primary_key=True),
        sa.Column("tag", sa.Text(), nullable=False, unique=True),
        sa.Column("asset_id", Number, nullable=False),
        one_of("state", "reserved", "assigned", "skipped", "voided"),
        *texts("reserved_by"),
    )
    op.create_index(
        "tags_one_live_per_asset",
        "tags",
        ["prefix", "asset_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_table(
        "events",
        key("id"),
        sa.Column("at", UtcTime(), nullable=False),
        *texts("prefix"),
        sa.Column("number", Number, nullable=False),
        *texts("tag", "state"),
        sa.Column("asset_id", Number),
        *texts("actor", "request_id", "detail"),
        sqlite_autoincrement=True,
    )
    op.create_index("events_by_tag", "events", ["tag"])
    op.create_index("events_by_asset", "events", ["asset_id"])
    op.create_index("events_by_time", "events", ["at"])


def downgrade() -> None:
    for table in ("events", "tags", "sequences"):
        op.drop_table(table)
