"""The roster's optional guardian e-mail address (the notices copy it).

Revision ID: roster_0002
Revises: roster_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "roster_0002"
down_revision = "roster_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("students") as table:
        table.add_column(sa.Column("guardian_email", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("students") as table:
        table.drop_column("guardian_email")
