"""Intake: submissions (key, serial, lease) and the internal names they claim."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import key, one_of, revision_ids, texts
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "submissions",
        key("id"),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("serial", sa.Text(), nullable=False, unique=True),
        *texts("fingerprint"),
        sa.Column("opened_at", UtcTime(), nullable=False),
        one_of("state", "pending", "created"),
        sa.Column("asset_id", Number),
        sa.Column("tag", sa.Text(), nullable=False, server_default=""),
        sa.Column("internal_name", sa.Text(), nullable=False, server_default=""),
        sa.Column("busy_until", UtcTime()),
        sa.Column("busy_by", sa.Text(), nullable=False, server_default=""),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "names",
        sa.Column("folded", sa.Text(), primary_key=True),
        sa.Column("submission", Number, sa.ForeignKey("submissions.id"), nullable=False),
    )
    op.create_index("names_by_submission", "names", ["submission"])


def downgrade() -> None:
    op.drop_table("names")
    op.drop_table("submissions")
