"""Background jobs' state and the schedule slots taken.

Revision ID: jobs_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "jobs_0001"
down_revision = None
branch_labels = ("jobs",)
depends_on = None

STATES = "state IN ('queued', 'running', 'succeeded', 'failed', 'interrupted')"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("seq", Number, sa.Identity(), primary_key=True),
        sa.Column("id", sa.Text(), nullable=False, unique=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), sa.CheckConstraint(STATES), nullable=False),
        sa.Column("created", UtcTime(), nullable=False),
        sa.Column("updated", UtcTime(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("done", Number, nullable=False, server_default="0"),
        sa.Column("total", Number),
        sa.Column("result", sa.Text(), nullable=False, server_default="null"),
        sa.Column("error", sa.Text()),
        sa.Column("checkpoint", sa.Text(), nullable=False, server_default="null"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("worker", sa.Text()),
        sa.Column("lease_until", UtcTime()),
        sa.Column(
            "cancel_requested",
            sa.Integer(),
            sa.CheckConstraint("cancel_requested IN (0, 1)"),
            nullable=False,
            server_default="0",
        ),
        sa.Column("schedule", sa.Text()),
        sqlite_autoincrement=True,
    )
    op.create_index("jobs_by_state", "jobs", ["state"])
    op.create_index("jobs_by_kind", "jobs", ["kind"])
    op.create_table(
        "schedule_slots",
        sa.Column("schedule", sa.Text(), primary_key=True),
        sa.Column("slot", Number, primary_key=True),
        sa.Column("claimed", UtcTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("schedule_slots")
    op.drop_table("jobs")
