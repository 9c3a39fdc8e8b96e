"""The loan log: check-outs and check-ins, each once per asset version."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import flag, key, one_of, revision_ids, texts
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "loan_events",
        key("id"),
        sa.Column("at", UtcTime(), nullable=False),
        one_of("action", "check-out", "check-in"),
        sa.Column("asset_id", Number, nullable=False),
        *texts("tag", "person", "person_key", "operator", "request_id", "based_on"),
        sa.Column(
            "condition",
            sa.Text(),
            sa.CheckConstraint("condition IS NULL OR condition IN ('ok', 'damaged')"),
        ),
        *texts("damages", "note"),
        sa.Column("ticket_id", Number),
        *texts("ticket_error"),
        sa.Column("due", sa.Date()),
        flag("forced"),
        sa.UniqueConstraint("action", "asset_id", "based_on"),
        sqlite_autoincrement=True,
    )
    op.create_index("loan_events_by_time", "loan_events", ["at"])
    op.create_index("loan_events_by_asset", "loan_events", ["asset_id"])
    op.create_index("loan_events_by_person", "loan_events", ["person_key"])


def downgrade() -> None:
    op.drop_table("loan_events")
