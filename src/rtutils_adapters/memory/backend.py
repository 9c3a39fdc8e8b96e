"""``MemoryBackend``: an in-memory RT 5, every port of the core in one object (and the demo).

It is the asset port (:class:`~rtutils_adapters.memory.assets.MemoryAssets`) with a part for
each other port, as :class:`~rtutils_adapters.rt.backend.RTRestBackend` is: ``loans``
(:class:`~rtutils_adapters.memory.loans.MemoryLoans`, which reads through this asset port),
``intake_search`` and ``user_fields``, all over one set of
:class:`~rtutils_adapters.memory.records.MemoryRecords`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import resources

from rtutils_adapters.memory.assets import MemoryAssets
from rtutils_adapters.memory.intake_search import MemoryIntakeSearch
from rtutils_adapters.memory.loans import MemoryLoans
from rtutils_adapters.memory.records import MemoryRecords
from rtutils_adapters.memory.user_fields import MemoryUserFields
from rtutils_adapters.port_parts import PortParts
from rtutils_core.assets import Asset, AssetChanges, AssetDraft, Catalog, TicketDraft, User
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import InvalidInput


class MemoryBackend(MemoryAssets, PortParts):
    """Assets, catalogs and users held in dicts; safe to share between threads."""

    def __init__(self, base_url: str = "https://rt.example.org") -> None:
        records = MemoryRecords()
        MemoryAssets.__init__(self, records, base_url)
        PortParts.__init__(
            self, MemoryLoans(self), MemoryIntakeSearch(records), MemoryUserFields(records)
        )

    @property
    def calls(self) -> dict[str, int]:
        """How many calls reached the backend, by operation (for tests and benchmarks)."""
        return self.records.calls

    @property
    def queues(self) -> frozenset[str]:
        """Queues that accept tickets (RT's default "General" and the repair queue)."""
        return self.records.queues

    @queues.setter
    def queues(self, names: frozenset[str]) -> None:
        self.records.queues = names

    # -- set-up (not part of a port) ---------------------------------------------------

    def add_catalog(
        self, name: str, custom_fields: Iterable[str] = (), description: str = ""
    ) -> Catalog:
        with self.records.lock:
            catalogs = self.records.catalogs
            catalog = Catalog(id=len(catalogs) + 1, name=name, description=description)
            catalogs[name] = catalog
            self.records.catalog_fields[name] = tuple(custom_fields)
            return catalog

    def add_user(self, name: str, real_name: str = "", email: str = "") -> User:
        with self.records.lock:
            users = self.records.users
            user = User(id=len(users) + 1, name=name, real_name=real_name, email=email)
            users[name] = user
            return user

    def add_asset(self, draft: AssetDraft, held_by: Sequence[str] = ()) -> Asset:
        asset = self.create_asset(draft)
        if held_by:
            asset = self.update_asset(asset.id, AssetChanges(held_by=tuple(held_by)))
        return asset

    def rename_directly(self, asset_id: int, name: str) -> None:
        """Change a Name behind the service's back, as a person in RT's web UI would."""
        self.update_asset(asset_id, AssetChanges(name=name))

    def describe_field(self, catalog: str, description: CatalogField) -> None:
        """Give a custom field of ``catalog`` its kind and choices."""
        with self.records.lock:
            if description.name not in self.records.catalog_fields[catalog]:
                raise InvalidInput(f"{description.name!r} is not applied to {catalog!r}")
            self.records.field_kinds[(catalog, description.name)] = description

    def ticket(self, ticket_id: int) -> TicketDraft:
        """A ticket created earlier (test helper)."""
        return self.records.tickets[ticket_id]


def load_demo_backend(base_url: str = "https://rt.example.org") -> MemoryBackend:
    """A backend filled with the demo data set: Chromebooks and chargers of a school district."""
    raw = resources.files("rtutils_adapters.memory").joinpath("demo_assets.json").read_text("utf-8")
    data = json.loads(raw)
    backend = MemoryBackend(base_url)
    for catalog in data["catalogs"]:
        backend.add_catalog(catalog["name"], catalog["custom_fields"], catalog["description"])
    for user in data["users"]:
        backend.add_user(user["name"], user["real_name"], user["email"])
    for item in data["assets"]:
        draft = AssetDraft(
            name=item["name"],
            catalog=item["catalog"],
            status=item["status"],
            owner=item["owner"],
            custom_fields=item["custom_fields"],
        )
        backend.add_asset(draft, held_by=item["held_by"])
    for catalog in data["catalogs"]:
        # Kinds and choices of the fields the intake desk picks from, as RT would describe them.
        for field in catalog.get("field_choices", []):
            described = CatalogField(field["name"], field["kind"], field["choices"])
            backend.describe_field(catalog["name"], described)
    backend.calls.clear()
    return backend
