"""``MemoryAssets``: the asset port in memory, behaving like RT 5 where the core can tell."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from rtutils_adapters.memory.keyed import kept
from rtutils_adapters.memory.records import MemoryRecords
from rtutils_core.assets import (
    ASSET_STATUSES,
    MAX_PER_PAGE,
    Asset,
    AssetChanges,
    AssetDraft,
    AssetPage,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
    page_size,
)
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    InvalidInput,
    UserNotFound,
)


class MemoryAssets:
    """The :class:`~rtutils_core.assets.ports.AssetBackend` port over ``records``; thread-safe."""

    def __init__(self, records: MemoryRecords, base_url: str = "https://rt.example.org") -> None:
        self.records = records
        self.base_url = base_url.rstrip("/")

    def ping(self) -> None:
        self.records.count("ping")

    def asset_url(self, asset_id: int) -> str:
        return f"{self.base_url}/Asset/Display.html?id={asset_id}"

    def get_asset(self, asset_id: int) -> Asset:
        with self.records.lock:
            self.records.count("get_asset")
            return kept(
                self.records.assets, asset_id, AssetNotFound(f"asset {asset_id} does not exist")
            )

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        per_page = page_size(page, per_page)
        with self.records.lock:
            self.records.count("search_assets")
            self.records.check_query(query)
            # Like RT's asset collections: deleted assets are never in a search result.
            matching = [a for a in self.records.live_assets() if query.matches(a)]
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

    def _user_name(self, name: str, role: str) -> str:
        try:
            return self.get_user(name).name
        except UserNotFound:
            raise InvalidInput(f"{role} {name!r} is not a user in RT") from None

    def create_asset(self, draft: AssetDraft) -> Asset:
        records = self.records
        with records.lock:
            records.count("create_asset")
            records.catalog(draft.catalog)
            records.check_fields(draft.custom_fields, draft.catalog)
            owner = self._user_name(draft.owner, "owner") if draft.owner else None
            _check_status(draft.status)
            self._check_choices(draft.catalog, draft.custom_fields)
            asset = Asset(
                id=next(records.asset_ids),
                name=draft.name,
                catalog=draft.catalog,
                status=draft.status,
                owner=owner,
                description=draft.description,
                custom_fields=_stored(draft.custom_fields),
                version=records.next_version(),
            )
            records.assets[asset.id] = asset
            return asset

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        with self.records.lock:
            self.records.count("update_asset")
            current = self.get_asset(asset_id)
            updates: dict[str, Any] = {}
            if changes.owner is not None:
                owner = changes.owner and self._user_name(changes.owner, "owner")
                updates["owner"] = owner or None
            if changes.held_by is not None:
                updates["held_by"] = tuple(self._user_name(n, "holder") for n in changes.held_by)
            if changes.custom_fields is not None:
                self.records.check_fields(changes.custom_fields, current.catalog)
                merged = {**current.custom_fields, **changes.custom_fields}
                updates["custom_fields"] = _stored(merged)
            if if_version is not None and if_version != current.version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            if changes.status is not None:
                _check_status(changes.status)
                updates["status"] = changes.status
            if changes.name is not None:
                updates["name"] = changes.name
            if changes.is_empty():
                return current
            updated = attrs.evolve(current, **updates, version=self.records.next_version())
            self.records.assets[asset_id] = updated
            return updated

    def get_user(self, name: str) -> User:
        with self.records.lock:
            self.records.count("get_user")
            for user in self.records.users.values():
                if name in (user.name, user.email):
                    return user
            raise UserNotFound(f"user {name!r} does not exist")

    def find_people(self, names_or_emails: Sequence[str]) -> Mapping[str, User]:
        """As RT: login names first, then e-mail addresses, both without case."""
        with self.records.lock:
            self.records.count("find_people")
            users = list(self.records.users.values())
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
        with self.records.lock:
            self.records.count("create_ticket")
            if draft.asset_id is not None:
                self.get_asset(draft.asset_id)
            ticket_id = next(self.records.ticket_ids)
            self.records.tickets[ticket_id] = draft
            return ticket_id

    def list_catalogs(self) -> Sequence[Catalog]:
        with self.records.lock:
            self.records.count("list_catalogs")
            return sorted(self.records.catalogs.values(), key=lambda c: c.id)

    def catalog_custom_fields(self, catalog: str) -> Sequence[str]:
        with self.records.lock:
            self.records.count("catalog_custom_fields")
            return self.records.catalog_fields[self.records.catalog(catalog).name]

    def _check_choices(self, catalog: str, values: Mapping[str, str]) -> None:
        # As RT 5 on create: a value outside a Select field's list is refused (400).
        for name, value in values.items():
            described = self.records.field_kinds.get((catalog, name))
            if value and described and described.is_closed and value not in described.choices:
                raise BackendRejected(
                    "Couldn't add custom field value on create: Invalid value for custom field"
                )


def _check_status(status: str) -> None:
    if status not in ASSET_STATUSES:  # RT's default asset lifecycle
        raise BackendRejected(f"Status '{status}' isn't a valid status for assets.")


def _stored(fields: Mapping[str, str]) -> dict[str, str]:
    # An empty value is no value, as in RT.
    return {k: v for k, v in fields.items() if v != ""}
