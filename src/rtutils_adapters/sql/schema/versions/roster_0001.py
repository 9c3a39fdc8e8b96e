"""The student roster.

Revision ID: roster_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number

revision = "roster_0001"
down_revision = None
branch_labels = ("roster",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "students",
        sa.Column("student_id", sa.Text(), primary_key=True),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("first_name", "last_name")),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("grade", "rt_user")),
        sa.Column("user_id", Number),
        sa.Column("user_name", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("students")
