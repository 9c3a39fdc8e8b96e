"""What the in-memory RT holds: one set of records that every part of the memory backend
shares (the asset port, the loan desk's, intake's searches and the users' fields)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable

from rtutils_core.assets import (
    Asset,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
    check_custom_field_names,
)
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import CatalogNotFound


class MemoryRecords:
    """Assets, catalogs, users and tickets in dicts; hold ``lock`` while using them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.assets: dict[int, Asset] = {}
        self.catalogs: dict[str, Catalog] = {}
        self.catalog_fields: dict[str, tuple[str, ...]] = {}
        self.field_kinds: dict[tuple[str, str], CatalogField] = {}
        self.users: dict[str, User] = {}
        self.tickets: dict[int, TicketDraft] = {}
        self.asset_ids = itertools.count(1)
        self.ticket_ids = itertools.count(1)
        self.versions = itertools.count(1)
        #: Queues that accept tickets (RT's default "General" and the repair queue).
        self.queues = frozenset({"General", "Device Repair"})
        #: How many calls reached the backend, by operation (for tests and benchmarks).
        self.calls: dict[str, int] = {}

    def count(self, op: str) -> None:
        self.calls[op] = self.calls.get(op, 0) + 1

    def next_version(self) -> str:
        return str(next(self.versions))

    def catalog(self, name: str) -> Catalog:
        try:
            return self.catalogs[name]
        except KeyError:
            known = ", ".join(repr(c) for c in self.catalogs) or "none"
            raise CatalogNotFound(f"catalog {name!r} does not exist; known: {known}") from None

    def check_fields(self, names: Iterable[str], catalog: str | None) -> None:
        # As RTRestBackend: RT would ignore a field that is not applied, so refuse it first.
        if catalog is None:
            known = {f for fields in self.catalog_fields.values() for f in fields}
            check_custom_field_names(names, known, "any catalog")
        else:
            check_custom_field_names(names, self.catalog_fields[catalog], f"catalog {catalog!r}")

    def check_query(self, query: AssetQuery) -> None:
        if query.catalog is not None:
            self.catalog(query.catalog)
        self.check_fields(query.custom_fields, query.catalog)

    def live_assets(self) -> list[Asset]:
        """Every asset not deleted, ordered by id: what RT's searches look at."""
        return [a for _, a in sorted(self.assets.items()) if a.status != "deleted"]
