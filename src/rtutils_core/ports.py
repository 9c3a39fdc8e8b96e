"""Ports: what the core needs from the outside world, named for the need, not the technology.

Adapters in ``rtutils_adapters`` implement these; contract tests in ``tests/contract`` hold
every implementation (fake and real) to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import BinaryIO, Literal, Protocol, runtime_checkable

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
from rtutils_core.event_query import NEWEST, EventQuery
from rtutils_core.geometry import LabelLayout
from rtutils_core.tags import TagFormat


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


#: The states of the tag event log. The first five follow one number from reservation to its
#: end; the last two record moves of a prefix's sequence.
TagEventState = Literal[
    "reserved", "assigned", "failed", "skipped", "voided", "sequence-set", "floor-raised"
]

#: What can become of a reservation (see :meth:`TagStore.record`).
Outcome = Literal["assigned", "failed", "skipped", "voided"]


@frozen
class TagEvent:
    """One line of the tag event log; ``at`` is UTC."""

    id: int
    at: datetime
    prefix: str
    number: int
    tag: str  # the tag handed out, or "" for a sequence change
    state: TagEventState
    asset_id: int | None
    actor: str
    request_id: str
    detail: str = ""


@frozen
class Reservation:
    """The number that belongs to one asset: held for it (``reserved``) or ``assigned``.

    An asset has at most one such number per prefix, for good. ``is_new`` is false when the
    store handed back the asset's number from an earlier request instead of a fresh one.
    """

    prefix: str
    number: int
    tag: str
    asset_id: int
    is_new: bool = True
    reserved_by: str = ""  # request id of the reservation
    state: Literal["reserved", "assigned"] = "reserved"

    @property
    def is_assigned(self) -> bool:
        return self.state == "assigned"


@frozen
class SequenceMove:
    """A change of a prefix's next number; ``after`` is always a number never handed out."""

    prefix: str
    before: int
    after: int

    @property
    def is_changed(self) -> bool:
        return self.before != self.after


@runtime_checkable
class TagStore(Protocol):
    """Durable tag sequences and their event log.

    Every method is one transaction, safe against other threads and processes using the same
    store. Numbers are never handed out twice: once reserved, a number belongs to its asset
    (reserved, then assigned), or is given up for good (skipped, voided); an asset holds at
    most one number per prefix that is not given up. The stored next number of a prefix is
    always a number never handed out, so it is exactly what the next reservation gets.
    Unknown prefixes start at 1.
    """

    def peek_next(self, prefix: str, after: int = 0) -> int:
        """The next number a reservation gets, or the first free one above ``after``."""

    def reservation_for(self, prefix: str, asset_id: int) -> Reservation | None:
        """The number of ``asset_id`` for ``prefix`` (reserved or assigned), if it has one."""

    def reserve(self, fmt: TagFormat, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        """Hold the next number for ``asset_id``, unless it has one: that is handed back.

        Raises :class:`~rtutils_core.errors.TagConflict` when the format's digits are used up.
        """

    def record(
        self,
        reservation: Reservation,
        state: Outcome,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        """Log what became of ``reservation``; False if it had come to that already.

        ``assigned``: the backend carries the tag now (logged again when a reservation that
        was assigned already is written again). ``skipped``: given up for good, the backend
        carries it already. ``voided``: given up for good, its asset no longer needs it.
        ``failed``: a write failed; the number stays with its asset for a retry. Raises
        :class:`~rtutils_core.errors.TagConflict` if the number went another way or is held
        for another asset.
        """

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        """The events ``query`` asks for, newest first (see :class:`EventQuery`)."""

    def highest_issued(self, prefix: str) -> int:
        """The highest number ever reserved for ``prefix``, in any state (0 if none)."""

    def set_next(
        self,
        fmt: TagFormat,
        number: int,
        *,
        force: bool,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> SequenceMove:
        """Move the sequence to the first free number from ``number`` on (logged).

        Without ``force``, refuses with :class:`~rtutils_core.errors.TagConflict` to go at or
        below the highest number issued, checked inside the same transaction.
        """

    def raise_floor(
        self, fmt: TagFormat, number: int, *, actor: str, request_id: str, detail: str = ""
    ) -> SequenceMove:
        """Make the next number at least ``number``; never lowers it (logged if it moved)."""


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
