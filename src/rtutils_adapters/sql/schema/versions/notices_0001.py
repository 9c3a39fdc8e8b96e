"""The notice log: every notice by e-mail, once per kind, subject and day.

Revision ID: notices_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "notices_0001"
down_revision = None
branch_labels = ("notices",)
depends_on = None

STATES = "'pending', 'sending', 'deferred', 'sent', 'failed'"


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("kind", "subject")),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("to_addresses", "cc_addresses")),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("person", "student_id")),
        sa.Column("loan_id", Number),
        sa.Column("asset_id", Number),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), sa.CheckConstraint(f"state IN ({STATES})"), nullable=False),
        sa.Column("attempts", Number, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *(sa.Column(name, UtcTime(), nullable=False) for name in ("created", "updated")),
        *(sa.Column(name, UtcTime()) for name in ("sent_at", "retry_at")),
        sa.Column("sender", sa.Text()),
        sa.Column("claim_until", UtcTime()),
        sqlite_autoincrement=True,
    )
    op.create_index("notices_by_loan", "notices", ["loan_id"])
    op.create_index("notices_by_state", "notices", ["state"])
    op.create_index("notices_by_day", "notices", ["day"])


def downgrade() -> None:
    op.drop_table("notices")
