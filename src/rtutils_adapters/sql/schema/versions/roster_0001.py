"""The student roster."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import revision_ids, texts
from rtutils_adapters.sql.types import Number

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "students",
        sa.Column("student_id", sa.Text(), primary_key=True),
        *texts("first_name", "last_name", "grade", "rt_user"),
        sa.Column("user_id", Number),
        *texts("user_name"),
    )


def downgrade() -> None:
    op.drop_table("students")
