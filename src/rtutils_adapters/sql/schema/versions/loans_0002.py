"""The loan log's manual check-ins (no device, lost, paid for) and the entries undoing them."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import key, one_of, revision_ids, texts
from rtutils_adapters.sql.types import Number, UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "manual_checkins",
        key("id"),
        sa.Column("at", UtcTime(), nullable=False),
        one_of("kind", "no-device", "lost", "paid", "undo"),
        *texts("student_id", "person", "reason", "operator", "request_id"),
        sa.Column("asset_id", Number),
        *texts("tag"),
        sa.Column("undoes", Number, sa.ForeignKey("manual_checkins.id"), unique=True),
        sa.CheckConstraint("(kind = 'undo') = (undoes IS NOT NULL)"),
        sqlite_autoincrement=True,
    )
    op.create_index("manual_checkins_by_time", "manual_checkins", ["at"])


def downgrade() -> None:
    op.drop_table("manual_checkins")
