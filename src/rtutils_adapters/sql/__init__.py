"""The stores written once (SQLAlchemy Core), run on SQLite and PostgreSQL alike.

Each store module holds its tables and its statements; :class:`~.database.Database` is the
one open database of a process (a SQLite file, or PostgreSQL's engine shared by every
store), and what truly differs by database lives in its subclass:
``rtutils_adapters/sqlite/database.py`` and ``rtutils_adapters/postgres/connection.py``.
Schemas are Alembic revisions (``migrations/``), one branch per store.
"""
