"""What the stores' revisions (``schema/versions``) are written with: their ids, taken from
their file names, and the kinds of column they repeat.

A revision's file is named ``<store>_<NNNN>.py`` (:mod:`rtutils_adapters.sql.migrations`):
its id is that name, it revises the store's revision before it, and the store's first one
starts the store's branch, labelled with the store's name. A released revision must build the
same tables for ever: a kind of column here is never changed, only new ones added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from rtutils_adapters.sql.migrations import Migrations
from rtutils_adapters.sql.types import Number


def revision_ids(script: str) -> tuple[str, str | None, tuple[str, ...] | None]:
    """``revision``, ``down_revision`` and ``branch_labels`` of the revision in the file
    ``script`` (its ``__file__``)."""
    revision = Path(script).stem
    store, _, number = revision.rpartition("_")
    version = int(number)
    if version == 1:
        return revision, None, (store,)
    return revision, Migrations(store).revision(version - 1), None


def key(name: str) -> sa.Column[Any]:
    """A primary key that the database numbers (each number once: ``AUTOINCREMENT`` in
    SQLite, with ``sqlite_autoincrement`` on the table)."""
    return sa.Column(name, Number, sa.Identity(), primary_key=True)


def texts(*names: str) -> list[sa.Column[Any]]:
    """Text columns that always hold a value ("" for none)."""
    return [sa.Column(name, sa.Text(), nullable=False) for name in names]


def one_of(name: str, *values: str) -> sa.Column[Any]:
    """A text column that always holds one of ``values``."""
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.Column(name, sa.Text(), sa.CheckConstraint(f"{name} IN ({listed})"), nullable=False)


def flag(name: str, **options: Any) -> sa.Column[Any]:
    """A yes-or-no column: 0 or 1."""
    check = sa.CheckConstraint(f"{name} IN (0, 1)")
    return sa.Column(name, sa.Integer(), check, nullable=False, **options)
