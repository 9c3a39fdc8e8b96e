"""Ports that receiving new devices needs on top of :mod:`rtutils_core.assets.ports`.

They extend the existing ports instead of changing them, so every other implementation of
``AssetBackend`` and ``TagStore`` stays valid; intake asks for the extended ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from attrs import frozen

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.tags.ports import Reservation, TagStore

#: The most queries one :meth:`IntakeBackend.find_any` call takes.
MAX_ANY_QUERIES = 100


@runtime_checkable
class IntakeSearch(Protocol):
    """What intake asks of the asset backend beyond assets: a catalog's fields, and bulk searches.

    Every implementation passes ``tests/contract/intake/test_intake_backend.py``.
    """

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        """The custom fields applied to ``catalog``'s assets, with kinds and choices.

        Unknown catalogs are :class:`~rtutils_core.errors.CatalogNotFound`. Cached by the
        backend like the rest of its metadata.
        """

    def find_any(self, queries: Sequence[AssetQuery]) -> Sequence[Asset]:
        """Every asset matching at least one of ``queries`` (at most 100), ordered by id.

        One round trip for all of them where the backend allows it. Matches are exact, as in
        :meth:`~rtutils_core.assets.ports.AssetBackend.search_assets`; an answer holding an asset
        that matches none of the queries is :class:`~rtutils_core.errors.UntrustworthyResult`.
        """


@runtime_checkable
class IntakeBackend(AssetBackend, IntakeSearch, Protocol):
    """An asset backend that serves intake's searches too (one object for both ports)."""


@runtime_checkable
class TagBinding(Protocol):
    """Tags for assets that do not exist yet.

    A new asset is created with its tag as Name in one request, so the number is reserved
    before the asset has an id: it is held for a *stand-in* id (a negative number that no
    asset has) and handed to the real asset once it exists.
    """

    def bind(
        self,
        reservation: Reservation,
        asset_id: int,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        """Give the number held for a stand-in to ``asset_id``, recorded as ``assigned``.

        False if it was bound to that asset already. Raises
        :class:`~rtutils_core.errors.TagConflict` if the number went another way, or if the
        asset holds another live number of the prefix.
        """


@runtime_checkable
class NewAssetTagStore(TagStore, TagBinding, Protocol):
    """A tag store that can also hold numbers for assets about to be created."""


SubmissionState = Literal["pending", "created"]


@frozen
class Submission:
    """One device submission, remembered under its idempotency key.

    ``pending`` until its asset exists; its serial is claimed for it alone meanwhile.
    """

    id: int
    key: str
    serial: str
    fingerprint: str
    opened_at: datetime  # UTC; when it was opened or last retried
    state: SubmissionState = "pending"
    asset_id: int | None = None
    tag: str = ""
    internal_name: str = ""
    #: Until when the caller that opened it last may work on it (pending ones only).
    busy_until: datetime | None = None
    #: Set by :meth:`IntakeStore.open` when another caller works on it now: hands off.
    in_progress: bool = False

    @property
    def stand_in(self) -> int:
        """The asset id its tag is held for until the asset exists."""
        return -self.id

    @property
    def is_created(self) -> bool:
        return self.state == "created"


@runtime_checkable
class IntakeStore(Protocol):
    """Idempotency keys, serial claims and internal-name reservations of intake.

    Every method is one transaction, safe against other threads and processes using the
    same store. A serial is claimed by at most one submission, and an internal name (compared
    without regard to case) by at most one. Every implementation passes
    ``tests/contract/test_intake_store.py``.
    """

    def open(self, key: str, serial: str, fingerprint: str, *, lease: float) -> Submission:
        """The submission under ``key``, else the one holding ``serial``, else a new pending
        submission of ``key`` claiming ``serial``.

        The caller tells the cases apart by the returned ``key`` and ``fingerprint``. A
        pending submission of ``key`` (or a new one) is handed to the caller for ``lease``
        seconds (``busy_until``, ``opened_at`` renewed) unless another caller's lease runs
        still: then it comes back unchanged with ``in_progress`` set.
        """

    def release(self, key: str) -> None:
        """End the lease on ``key``'s pending submission (its caller is done with it)."""

    def get(self, key: str) -> Submission | None:
        """The submission under ``key``, if there is one."""

    def claim_name(self, key: str, name: str) -> bool:
        """Reserve ``name`` for ``key``'s submission (dropping any other name it held).

        False if another submission holds the name.
        """

    def release_name(self, key: str, name: str) -> None:
        """Give up ``name`` if ``key``'s submission holds it."""

    def mark_created(self, key: str, asset_id: int, tag: str, internal_name: str) -> Submission:
        """Record that ``key``'s submission became ``asset_id``; its claims stay for good."""

    def abandon(self, key: str) -> None:
        """Forget a pending submission and free its serial and name; created ones stay."""
