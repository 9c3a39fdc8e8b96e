"""Alembic's environment for the stores: it runs on the connection (and in the transaction)
it is handed by ``rtutils_adapters.sql.migrations``, never on a URL of its own."""

from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=config.attributes["version_table"],
    # SQLite changes most tables only by copying them: let revisions do that.
    render_as_batch=connection.dialect.name == "sqlite",
)
context.run_migrations()
