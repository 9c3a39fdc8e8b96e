"""Intake: submissions (key, serial, lease) and the internal names they claim.

Revision ID: intake_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "intake_0001"
down_revision = None
branch_labels = ("intake",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("serial", sa.Text(), nullable=False, unique=True),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("opened_at", UtcTime(), nullable=False),
        sa.Column(
            "state",
            sa.Text(),
            sa.CheckConstraint("state IN ('pending', 'created')"),
            nullable=False,
        ),
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
