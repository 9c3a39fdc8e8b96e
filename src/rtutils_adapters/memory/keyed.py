"""A record kept under a key in an in-memory store, or the store's own not-found error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

_Key = TypeVar("_Key")
_Record = TypeVar("_Record")


def kept(records: Mapping[_Key, _Record], key: _Key, missing: Exception) -> _Record:
    """``records[key]``; ``missing`` raised (without the ``KeyError``) if there is none."""
    try:
        return records[key]
    except KeyError:
        raise missing from None
