"""Print jobs: one row each, their labels a JSON list in the row."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import key, one_of, revision_ids, texts
from rtutils_adapters.sql.types import UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        key("seq"),
        sa.Column("id", sa.Text(), nullable=False, unique=True),
        *texts("printer", "template", "items"),
        sa.Column("created_at", UtcTime(), nullable=False),
        sa.Column("updated_at", UtcTime(), nullable=False),
        sa.Column("copies", sa.Integer(), sa.CheckConstraint("copies >= 1"), nullable=False),
        one_of("state", "queued", "sending", "sent", "failed"),
        sa.Column("printed", sa.Integer(), sa.CheckConstraint("printed >= 0"), nullable=False),
        *texts("reason"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        *texts("actor", "skipped"),
        sqlite_autoincrement=True,
    )
    op.create_index("print_jobs_by_state", "print_jobs", ["state", "created_at"])


def downgrade() -> None:
    op.drop_table("print_jobs")
