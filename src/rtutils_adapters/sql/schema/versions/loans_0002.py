"""The loan log's manual check-ins (no device, lost, paid for) and the entries undoing them.

Revision ID: loans_0002
Revises: loans_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "loans_0002"
down_revision = "loans_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manual_checkins",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("at", UtcTime(), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            sa.CheckConstraint("kind IN ('no-device', 'lost', 'paid', 'undo')"),
            nullable=False,
        ),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("student_id", "person")),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("reason", "operator")),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("asset_id", Number),
        sa.Column("tag", sa.Text(), nullable=False),
        sa.Column("undoes", Number, sa.ForeignKey("manual_checkins.id"), unique=True),
        sa.CheckConstraint("(kind = 'undo') = (undoes IS NOT NULL)"),
        sqlite_autoincrement=True,
    )
    op.create_index("manual_checkins_by_time", "manual_checkins", ["at"])


def downgrade() -> None:
    op.drop_table("manual_checkins")
