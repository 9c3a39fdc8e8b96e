"""An in-memory asset backend that behaves like RT 5 where the core can tell the difference."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

from rtutils_adapters.memory.loans import MemoryLoanMethods
from rtutils_adapters.memory.user_fields import MemoryUserFieldMethods
from rtutils_core.assets import (
    ASSET_STATUSES,
    Asset,
    AssetChanges,
    AssetDraft,
    AssetPage,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
    check_custom_field_names,
)
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    CatalogNotFound,
    InvalidInput,
    UserNotFound,
)
from rtutils_core.intake.ports import MAX_ANY_QUERIES

MAX_PER_PAGE = 100


class MemoryBackend(MemoryLoanMethods, MemoryUserFieldMethods):
    """Assets, catalogs and users held in dicts; safe to share between threads."""

    def __init__(self, base_url: str = "https://rt.example.org") -> None:
        self.base_url = base_url.rstrip("/")
        self._lock = threading.RLock()
        self._assets: dict[int, Asset] = {}
        self._catalogs: dict[str, Catalog] = {}
        self._catalog_fields: dict[str, tuple[str, ...]] = {}
        self._field_kinds: dict[tuple[str, str], CatalogField] = {}
        self._users: dict[str, User] = {}
        self._tickets: dict[int, TicketDraft] = {}
        self._asset_ids = itertools.count(1)
        self._ticket_ids = itertools.count(1)
        self._versions = itertools.count(1)
        #: How many calls reached the backend, by operation (for tests and benchmarks).
        self.calls: dict[str, int] = {}

    # -- set-up (not part of the port) -------------------------------------------------

    def add_catalog(
        self, name: str, custom_fields: Iterable[str] = (), description: str = ""
    ) -> Catalog:
        with self._lock:
            catalog = Catalog(id=len(self._catalogs) + 1, name=name, description=description)
            self._catalogs[name] = catalog
            self._catalog_fields[name] = tuple(custom_fields)
            return catalog

    def add_user(self, name: str, real_name: str = "", email: str = "") -> User:
        with self._lock:
            user = User(id=len(self._users) + 1, name=name, real_name=real_name, email=email)
            self._users[name] = user
            return user

    def add_asset(self, draft: AssetDraft, held_by: Sequence[str] = ()) -> Asset:
        asset = self.create_asset(draft)
        if held_by:
            asset = self.update_asset(asset.id, AssetChanges(held_by=tuple(held_by)))
        return asset

    def rename_directly(self, asset_id: int, name: str) -> None:
        """Change a Name behind the service's back, as a person in RT's web UI would."""
        self.update_asset(asset_id, AssetChanges(name=name))

    # -- the AssetBackend port ---------------------------------------------------------

    def _count(self, op: str) -> None:
        self.calls[op] = self.calls.get(op, 0) + 1

    def ping(self) -> None:
        self._count("ping")

    def asset_url(self, asset_id: int) -> str:
        return f"{self.base_url}/Asset/Display.html?id={asset_id}"

    def get_asset(self, asset_id: int) -> Asset:
        with self._lock:
            self._count("get_asset")
            try:
                return self._assets[asset_id]
            except KeyError:
                raise AssetNotFound(f"asset {asset_id} does not exist") from None

    def _catalog(self, name: str) -> Catalog:
        try:
            return self._catalogs[name]
        except KeyError:
            known = ", ".join(repr(c) for c in self._catalogs) or "none"
            raise CatalogNotFound(f"catalog {name!r} does not exist; known: {known}") from None

    def _check_fields(self, names: Iterable[str], catalog: str | None) -> None:
        # As RTRestBackend: RT would ignore a field that is not applied, so refuse it first.
        if catalog is None:
            known = {f for fields in self._catalog_fields.values() for f in fields}
            check_custom_field_names(names, known, "any catalog")
        else:
            check_custom_field_names(names, self._catalog_fields[catalog], f"catalog {catalog!r}")

    def _check_query(self, query: AssetQuery) -> None:
        if query.catalog is not None:
            self._catalog(query.catalog)
        self._check_fields(query.custom_fields, query.catalog)

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        if page < 1 or per_page < 1:
            raise InvalidInput("page and per_page must be 1 or more")
        per_page = min(per_page, MAX_PER_PAGE)
        with self._lock:
            self._count("search_assets")
            self._check_query(query)
            # Like RT's asset collections: deleted assets are never in a search result.
            matching = [
                a
                for _, a in sorted(self._assets.items())
                if a.status != "deleted" and query.matches(a)
            ]
        start = (page - 1) * per_page
        return AssetPage(matching[start : start + per_page], page, per_page, len(matching))

    def iter_assets(self, query: AssetQuery, *, people: bool = True) -> Iterator[Asset]:
        page = 1
        while True:
            result = self.search_assets(query, page=page, per_page=MAX_PER_PAGE)
            if people or query.names_a_person:
                yield from result.items
            else:  # as the RT adapter, which does not ask RT for them
                yield from (
                    attrs.evolve(a, owner=None, held_by=(), contacts=()) for a in result.items
                )
            if page >= result.pages:
                return
            page += 1

    def _check_status(self, status: str) -> None:
        if status not in ASSET_STATUSES:  # RT's default asset lifecycle
            raise BackendRejected(f"Status '{status}' isn't a valid status for assets.")

    @staticmethod
    def _stored(fields: Mapping[str, str]) -> dict[str, str]:
        # An empty value is no value, as in RT.
        return {k: v for k, v in fields.items() if v != ""}

    def _user_name(self, name: str, role: str) -> str:
        try:
            return self.get_user(name).name
        except UserNotFound:
            raise InvalidInput(f"{role} {name!r} is not a user in RT") from None

    def create_asset(self, draft: AssetDraft) -> Asset:
        with self._lock:
            self._count("create_asset")
            self._catalog(draft.catalog)
            self._check_fields(draft.custom_fields, draft.catalog)
            owner = self._user_name(draft.owner, "owner") if draft.owner else None
            self._check_status(draft.status)
            self._check_choices(draft.catalog, draft.custom_fields)
            asset = Asset(
                id=next(self._asset_ids),
                name=draft.name,
                catalog=draft.catalog,
                status=draft.status,
                owner=owner,
                description=draft.description,
                custom_fields=self._stored(draft.custom_fields),
                version=str(next(self._versions)),
            )
            self._assets[asset.id] = asset
            return asset

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        with self._lock:
            self._count("update_asset")
            current = self.get_asset(asset_id)
            updates: dict[str, Any] = {}
            if changes.owner is not None:
                owner = changes.owner and self._user_name(changes.owner, "owner")
                updates["owner"] = owner or None
            if changes.held_by is not None:
                updates["held_by"] = tuple(self._user_name(n, "holder") for n in changes.held_by)
            if changes.custom_fields is not None:
                self._check_fields(changes.custom_fields, current.catalog)
                merged = {**current.custom_fields, **changes.custom_fields}
                updates["custom_fields"] = self._stored(merged)
            if if_version is not None and if_version != current.version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            if changes.status is not None:
                self._check_status(changes.status)
                updates["status"] = changes.status
            if changes.name is not None:
                updates["name"] = changes.name
            if changes.is_empty():
                return current
            updated = attrs.evolve(current, **updates, version=str(next(self._versions)))
            self._assets[asset_id] = updated
            return updated

    def get_user(self, name: str) -> User:
        with self._lock:
            self._count("get_user")
            for user in self._users.values():
                if name in (user.name, user.email):
                    return user
            raise UserNotFound(f"user {name!r} does not exist")

    def find_people(self, names_or_emails: Sequence[str]) -> Mapping[str, User]:
        """As RT: login names first, then e-mail addresses, both without case."""
        with self._lock:
            self._count("find_people")
            users = list(self._users.values())
        by_name = {u.name.casefold(): u for u in users}
        by_email = {u.email.casefold(): u for u in users if u.email}
        found = {}
        for value in names_or_emails:
            key = value.casefold()
            user = by_name.get(key) or (by_email.get(key) if "@" in value else None)
            if value.strip() and user is not None:
                found[value] = user
        return found

    def create_ticket(self, draft: TicketDraft) -> int:
        with self._lock:
            self._count("create_ticket")
            if draft.asset_id is not None:
                self.get_asset(draft.asset_id)
            ticket_id = next(self._ticket_ids)
            self._tickets[ticket_id] = draft
            return ticket_id

    def ticket(self, ticket_id: int) -> TicketDraft:
        """A ticket created earlier (test helper)."""
        return self._tickets[ticket_id]

    def list_catalogs(self) -> Sequence[Catalog]:
        with self._lock:
            self._count("list_catalogs")
            return sorted(self._catalogs.values(), key=lambda c: c.id)

    def catalog_custom_fields(self, catalog: str) -> Sequence[str]:
        with self._lock:
            self._count("catalog_custom_fields")
            if catalog not in self._catalogs:
                raise CatalogNotFound(f"catalog {catalog!r} does not exist")
            return self._catalog_fields[catalog]

    # -- IntakeBackend: field descriptions and bulk searches ------------------------------

    def describe_field(self, catalog: str, description: CatalogField) -> None:
        """Give a custom field of ``catalog`` its kind and choices (set-up, not the port)."""
        with self._lock:
            if description.name not in self._catalog_fields[catalog]:
                raise InvalidInput(f"{description.name!r} is not applied to {catalog!r}")
            self._field_kinds[(catalog, description.name)] = description

    def _check_choices(self, catalog: str, values: Mapping[str, str]) -> None:
        # As RT 5 on create: a value outside a Select field's list is refused (400).
        for name, value in values.items():
            described = self._field_kinds.get((catalog, name))
            if value and described and described.is_closed and value not in described.choices:
                raise BackendRejected(
                    "Couldn't add custom field value on create: Invalid value for custom field"
                )

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        with self._lock:
            self._count("catalog_fields")
            self._catalog(catalog)
            return [
                self._field_kinds.get((catalog, name), CatalogField(name))
                for name in self._catalog_fields[catalog]
            ]

    def find_any(self, queries: Sequence[AssetQuery]) -> Sequence[Asset]:
        if not queries or len(queries) > MAX_ANY_QUERIES:
            raise InvalidInput(f"a bulk search takes 1 to {MAX_ANY_QUERIES} queries")
        with self._lock:
            self._count("find_any")
            for query in queries:
                self._check_query(query)
            return [
                a
                for _, a in sorted(self._assets.items())
                if a.status != "deleted" and any(q.matches(a) for q in queries)
            ]


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
