"""Background jobs' state and the schedule slots taken."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import flag, key, one_of, revision_ids, texts
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "jobs",
        key("seq"),
        sa.Column("id", sa.Text(), nullable=False, unique=True),
        *texts("kind"),
        one_of("state", "queued", "running", "succeeded", "failed", "interrupted"),
        sa.Column("created", UtcTime(), nullable=False),
        sa.Column("updated", UtcTime(), nullable=False),
        *texts("params"),
        sa.Column("done", Number, nullable=False, server_default="0"),
        sa.Column("total", Number),
        sa.Column("result", sa.Text(), nullable=False, server_default="null"),
        sa.Column("error", sa.Text()),
        sa.Column("checkpoint", sa.Text(), nullable=False, server_default="null"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("worker", sa.Text()),
        sa.Column("lease_until", UtcTime()),
        flag("cancel_requested", server_default="0"),
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
