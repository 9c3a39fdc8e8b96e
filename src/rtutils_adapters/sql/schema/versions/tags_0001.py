"""The tag store: sequences, numbers and their events (the schema of the first release).

Revision ID: tags_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "tags_0001"
down_revision = None
branch_labels = ("tags",)
depends_on = None

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
        sa.Column(
            "state",
            sa.Text(),
            sa.CheckConstraint("state IN ('reserved', 'assigned', 'skipped', 'voided')"),
            nullable=False,
        ),
        sa.Column("reserved_by", sa.Text(), nullable=False),
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
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("at", UtcTime(), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("number", Number, nullable=False),
        sa.Column("tag", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("asset_id", Number),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("events_by_tag", "events", ["tag"])
    op.create_index("events_by_asset", "events", ["asset_id"])
    op.create_index("events_by_time", "events", ["at"])


def downgrade() -> None:
    for table in ("events", "tags", "sequences"):
        op.drop_table(table)
