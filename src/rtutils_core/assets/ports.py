"""Ports: what the core needs from the outside world, named for the need, not the technology.

Adapters in ``rtutils_adapters`` implement these; contract tests in ``tests/contract`` hold
every implementation (fake and real) to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from rtutils_core.assets.values import (
    Asset,
    AssetChanges,
    AssetDraft,
    AssetPage,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
)


@runtime_checkable
class AssetBackend(Protocol):
    """The ticket system that holds the assets (RT 5 Assets, or the in-memory demo).

    Errors are raised as the core's types: :class:`~rtutils_core.errors.AssetNotFound`,
    :class:`~rtutils_core.errors.AssetChanged`, :class:`~rtutils_core.errors.BackendRejected`,
    :class:`~rtutils_core.errors.BackendUnavailable`, ...

    Every implementation passes ``tests/contract/test_asset_backend.py``. In short: searches
    match exactly (case and characters, whatever the backend's own comparison does); an
    unknown catalog is :class:`~rtutils_core.errors.CatalogNotFound`; a custom field not
    applied to the catalog (or, without a catalog, to any catalog) and an unknown user are
    :class:`~rtutils_core.errors.InvalidInput` naming them, checked before anything is
    written; an empty custom-field value means "no value", in searches and in writes.
    """

    def ping(self) -> None:
        """Return if the backend is reachable and accepts our credentials, else raise."""

    def get_asset(self, asset_id: int) -> Asset:
        """One asset with its current ``version``."""

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        """One page of assets matching every condition of ``query``, ordered by id."""

    def iter_assets(self, query: AssetQuery, *, people: bool = True) -> Iterator[Asset]:
        """Every asset matching ``query``, page after page, in bulk.

        ``people=False`` says the caller reads no owner, holders or contacts (labels): they
        come back empty unless ``query`` names a person, and RT is spared reading every
        asset's roles.
        """

    def create_asset(self, draft: AssetDraft) -> Asset:
        """Create an asset (never retried blindly: a retry could create a duplicate)."""

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        """Apply ``changes``; with ``if_version``, refuse with AssetChanged if it moved on."""

    def get_user(self, name: str) -> User:
        """A user by login name or e-mail."""

    def create_ticket(self, draft: TicketDraft) -> int:
        """Open a ticket, linked to ``draft.asset_id`` if given; return its id."""

    def list_catalogs(self) -> Sequence[Catalog]:
        """Every catalog the credentials can see."""

    def catalog_custom_fields(self, catalog: str) -> Sequence[str]:
        """Names of the custom fields applied to assets of ``catalog``."""

    def asset_url(self, asset_id: int) -> str:
        """The page of the asset in the backend's own web UI."""
