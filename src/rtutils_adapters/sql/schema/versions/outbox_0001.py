"""The outbox: desk operations held back while RT cannot be reached, and the assets last
seen in RT.

Revision ID: outbox_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "outbox_0001"
down_revision = None
branch_labels = ("outbox",)
depends_on = None

STATES = "state IN ('queued', 'replaying', 'done', 'needs-attention', 'dropped')"


def upgrade() -> None:
    op.create_table(
        "outbox_operations",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column(
            "kind",
            sa.Text(),
            sa.CheckConstraint("kind IN ('check-out', 'check-in')"),
            nullable=False,
        ),
        sa.Column("state", sa.Text(), sa.CheckConstraint(STATES), nullable=False),
        sa.Column("asset_id", Number, nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("tag", "operator")),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("accepted", UtcTime(), nullable=False),
        sa.Column("updated", UtcTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("steps", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("result", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("settled_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("worker", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column(
            "forced",
            sa.Integer(),
            sa.CheckConstraint("forced IN (0, 1)"),
            nullable=False,
            server_default="0",
        ),
        sa.Column("lease_until", UtcTime()),
        sqlite_autoincrement=True,
    )
    op.create_index("outbox_by_state", "outbox_operations", ["state", "id"])
    op.create_index("outbox_by_asset", "outbox_operations", ["asset_id", "id"])
    op.create_table(
        "known_assets",
        sa.Column("asset_id", Number, primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("asset", sa.Text(), nullable=False),
        sa.Column("seen", UtcTime(), nullable=False),
    )
    op.create_index("known_assets_by_name", "known_assets", ["name"])


def downgrade() -> None:
    op.drop_table("known_assets")
    op.drop_table("outbox_operations")
