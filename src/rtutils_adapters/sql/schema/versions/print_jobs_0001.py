"""Print jobs: one row each, their labels a JSON list in the row.

Revision ID: print_jobs_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "print_jobs_0001"
down_revision = None
branch_labels = ("print_jobs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("seq", Number, sa.Identity(), primary_key=True),
        sa.Column("id", sa.Text(), nullable=False, unique=True),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("printer", "template", "items")),
        sa.Column("created_at", UtcTime(), nullable=False),
        sa.Column("updated_at", UtcTime(), nullable=False),
        sa.Column("copies", sa.Integer(), sa.CheckConstraint("copies >= 1"), nullable=False),
        sa.Column(
            "state",
            sa.Text(),
            sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'failed')"),
            nullable=False,
        ),
        sa.Column("printed", sa.Integer(), sa.CheckConstraint("printed >= 0"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("skipped", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("print_jobs_by_state", "print_jobs", ["state", "created_at"])


def downgrade() -> None:
    op.drop_table("print_jobs")
