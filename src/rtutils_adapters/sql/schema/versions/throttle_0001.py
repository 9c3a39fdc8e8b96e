"""Counts of failed credentials shared by the instances on one database (with ``STORE_URL``):
one row per counted key and window."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import revision_ids
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "throttle_counts",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("expires", UtcTime(), nullable=False),
        sa.Column("hits", Number, nullable=False),
    )
    op.create_index("throttle_counts_by_expiry", "throttle_counts", ["expires"])


def downgrade() -> None:
    op.drop_table("throttle_counts")
