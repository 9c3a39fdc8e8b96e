"""The desk's sign-in sessions."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import revision_ids, texts
from rtutils_adapters.sql.types import UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.Text(), primary_key=True),
        *texts("principal"),
        sa.Column("expires", UtcTime(), nullable=False),
    )
    op.create_index("desk_sessions_by_expiry", "desk_sessions", ["expires"])


def downgrade() -> None:
    op.drop_table("desk_sessions")
