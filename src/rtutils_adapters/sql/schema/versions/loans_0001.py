"""The loan log: check-outs and check-ins, each once per asset version.

Revision ID: loans_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "loans_0001"
down_revision = None
branch_labels = ("loans",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loan_events",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("at", UtcTime(), nullable=False),
        sa.Column(
            "action",
            sa.Text(),
            sa.CheckConstraint("action IN ('check-out', 'check-in')"),
            nullable=False,
        ),
        sa.Column("asset_id", Number, nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("tag", "person", "person_key")),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("operator", "request_id")),
        sa.Column("based_on", sa.Text(), nullable=False),
        sa.Column(
            "condition",
            sa.Text(),
            sa.CheckConstraint("condition IS NULL OR condition IN ('ok', 'damaged')"),
        ),
        sa.Column("damages", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ticket_id", Number),
        sa.Column("ticket_error", sa.Text(), nullable=False),
        sa.Column("due", sa.Date()),
        sa.Column("forced", sa.Integer(), sa.CheckConstraint("forced IN (0, 1)"), nullable=False),
        sa.UniqueConstraint("action", "asset_id", "based_on"),
        sqlite_autoincrement=True,
    )
    op.create_index("loan_events_by_time", "loan_events", ["at"])
    op.create_index("loan_events_by_asset", "loan_events", ["asset_id"])
    op.create_index("loan_events_by_person", "loan_events", ["person_key"])


def downgrade() -> None:
    op.drop_table("loan_events")
