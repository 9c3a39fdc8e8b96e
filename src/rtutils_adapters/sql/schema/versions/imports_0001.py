"""CSV imports' files kept in the database (with ``STORE_URL``): each upload and its result,
so that any instance's worker can resume any import."""

import sqlalchemy as sa
from alembic import op

from rtutils_adapters.sql.revisions import revision_ids
from rtutils_adapters.sql.types import UtcTime

revision, down_revision, branch_labels = revision_ids(__file__)


def upgrade() -> None:
    op.create_table(
        "import_files",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("kept", UtcTime(), nullable=False),
        sa.Column("upload", sa.Text(), nullable=False),
        sa.Column("result", sa.Text()),
    )
    op.create_index("import_files_by_time", "import_files", ["kept"])


def downgrade() -> None:
    op.drop_table("import_files")
