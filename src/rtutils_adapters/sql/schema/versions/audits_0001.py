"""Audits: the audits, the expected set each started with, their scans (one per device or
unknown text: a re-scan is the same row) and the log of what they changed in RT.

Revision ID: audits_0001
"""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.types import Number, UtcTime

revision = "audits_0001"
down_revision = None
branch_labels = ("audits",)
depends_on = None


def upgrade() -> None:
    _audits()
    _scans()
    _actions()


def _audits() -> None:
    op.create_table(
        "audits",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "scope_kind",
            sa.Text(),
            sa.CheckConstraint("scope_kind IN ('location', 'list', 'catalog', 'person')"),
            nullable=False,
        ),
        sa.Column("scope_value", sa.Text(), nullable=False),
        sa.Column("scope_tags", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Text(),
            sa.CheckConstraint("state IN ('open', 'finished')"),
            nullable=False,
        ),
        sa.Column("created", UtcTime(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("expected_count", sa.Integer(), nullable=False),
        sa.Column("finished", UtcTime()),
        sa.Column("finished_by", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "audit_expected",
        sa.Column("audit_id", Number, sa.ForeignKey("audits.id"), primary_key=True),
        sa.Column("asset_id", Number, primary_key=True),
        *(
            sa.Column(name, sa.Text(), nullable=False)
            for name in ("tag", "catalog", "model", "status", "location", "serial")
        ),
    )


def _scans() -> None:
    op.create_table(
        "audit_scans",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("audit_id", Number, sa.ForeignKey("audits.id"), nullable=False),
        sa.Column("at", UtcTime(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Text(),
            sa.CheckConstraint("outcome IN ('present', 'unexpected', 'unknown')"),
            nullable=False,
        ),
        sa.Column("asset_id", Number),
        *(
            sa.Column(name, sa.Text(), nullable=False)
            for name in ("tag", "model", "reason", "desk", "operator")
        ),
        sa.UniqueConstraint("audit_id", "key"),
        sqlite_autoincrement=True,
    )


def _actions() -> None:
    op.create_table(
        "audit_actions",
        sa.Column("id", Number, sa.Identity(), primary_key=True),
        sa.Column("audit_id", Number, sa.ForeignKey("audits.id"), nullable=False),
        sa.Column("at", UtcTime(), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            sa.CheckConstraint("kind IN ('lost', 'moved', 'audited')"),
            nullable=False,
        ),
        sa.Column("asset_id", Number, nullable=False),
        *(
            sa.Column(name, sa.Text(), nullable=False)
            for name in ("tag", "operator", "comment", "error")
        ),
        sa.Column("ticket_id", Number),
        sa.Column("ticket_error", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("audit_actions_by_audit", "audit_actions", ["audit_id"])


def downgrade() -> None:
    for table in ("audit_actions", "audit_scans", "audit_expected", "audits"):
        op.drop_table(table)
