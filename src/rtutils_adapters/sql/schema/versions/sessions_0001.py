"""The desk's sign-in sessions.

Revision ID: sessions_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import UtcTime

revision = "sessions_0001"
down_revision = None
branch_labels = ("sessions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("expires", UtcTime(), nullable=False),
    )
    op.create_index("desk_sessions_by_expiry", "desk_sessions", ["expires"])


def downgrade() -> None:
    op.drop_table("desk_sessions")
