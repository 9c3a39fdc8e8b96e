"""Ports: what the core needs from the outside world, named for the need, not the technology.

Adapters in ``rtutils_adapters`` implement these; contract tests in ``tests/contract`` hold
every implementation (fake and real) to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import BinaryIO, Protocol, runtime_checkable

from attrs import frozen

from rtutils_core.assets import (
    Asset,
    AssetChanges,
    AssetDraft,
    AssetPage,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
)
from rtutils_core.geometry import LabelLayout


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

    def iter_assets(self, query: AssetQuery) -> Iterator[Asset]:
        """Every asset matching ``query``, page after page, in bulk."""

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


@frozen
class TagEvent:
    """One line of the tag event log."""

    id: int
    at: datetime
    prefix: str
    number: int
    tag: str
    state: str  # reserved | assigned | failed | skipped | voided | sequence-set | floor-raised
    asset_id: int | None
    actor: str
    request_id: str
    detail: str = ""


@frozen
class Reservation:
    """A number held for one asset until it is assigned in the backend."""

    prefix: str
    number: int
    asset_id: int
    is_new: bool = True


class TagStore(Protocol):
    """Durable tag sequences and their event log. Every method is one transaction."""

    def peek_next(self, prefix: str) -> int:
        """The number the next reservation for ``prefix`` would get (changes nothing)."""

    def reserve(self, prefix: str, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        """Hold a number for ``asset_id``; an open reservation for that asset is reused."""

    def assign(self, reservation: Reservation, *, actor: str, request_id: str) -> None:
        """Record that the backend now carries the tag."""

    def fail(self, reservation: Reservation, reason: str, *, actor: str, request_id: str) -> None:
        """Record a failed write; the reservation stays with the asset for a retry."""

    def skip(self, reservation: Reservation, reason: str, *, actor: str, request_id: str) -> None:
        """Give up the number for good (it exists in the backend already)."""

    def events(
        self,
        *,
        tag: str | None = None,
        asset_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[TagEvent]:
        """Events, newest first, filtered."""

    def highest_issued(self, prefix: str) -> int:
        """The highest number ever reserved for ``prefix`` (0 if none)."""

    def set_next(self, prefix: str, number: int, *, actor: str, request_id: str) -> None:
        """Move the sequence; the service decides whether that is allowed."""


@runtime_checkable
class LabelMetrics(Protocol):
    """Sizes the layout needs but cannot compute without fonts and symbol encoders.

    The label layout stays a pure function in the core; whoever renders the label answers
    these with the same fonts and encoders it draws with, so measured and drawn sizes agree.
    """

    def text_width_mm(self, text: str, size_pt: float, bold: bool = False) -> float:
        """Advance width of ``text`` at ``size_pt`` points, in mm."""

    def undrawable(self, text: str) -> str:
        """The characters of ``text`` that no available font can draw (in order, once each)."""

    def qr_modules(self, data: str) -> int:
        """Side of the QR symbol for ``data`` in modules, quiet zone excluded."""

    def code128_modules(self, data: str) -> int:
        """Width of the Code 128 symbol of ``data`` in modules, quiet zones excluded."""


@runtime_checkable
class LabelRenderer(Protocol):
    """Turns positioned label layouts (mm) into printable output."""

    def render_pdf(self, layouts: Iterable[LabelLayout], out: BinaryIO) -> int:
        """Write one PDF page per layout to ``out``, streaming; return the page count.

        ``layouts`` is consumed lazily: a generator of thousands of layouts is drawn page by
        page without being held in memory.
        """

    def render_png(self, layout: LabelLayout, dpi: int = 300) -> bytes:
        """One label as a PNG image at ``dpi``, as it will print."""
