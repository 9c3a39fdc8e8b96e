"""Handing out asset tags that are never given twice.

The order of every issue is: read the asset; if its Name is a tag already, stop there. Else
reserve a number in the tag store (one transaction; a retry for the same asset gets the same
number back), ask the backend whether any asset carries that Name (if so, skip the number for
good and take the next), then write the Name with the asset's version (RT's If-Match), and
record the assignment. A crash or failure anywhere leaves the reservation with its asset, so
the next attempt for that asset finishes the job with the same tag.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import NoReturn

from attrs import define, field

from rtutils_core.assets import Asset, AssetChanges, AssetQuery
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.assets.service import find_carriers
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    InvalidInput,
    RtutilsError,
    TagConflict,
    TagNotFound,
)
from rtutils_core.tags.event_query import NEWEST, EventQuery
from rtutils_core.tags.export import iter_events_csv
from rtutils_core.tags.ports import Reservation, TagEvent, TagStore
from rtutils_core.tags.reports import Scan, SyncReport, TagIssue
from rtutils_core.tags.sequences import shown
from rtutils_core.tags.values import AssetTag, TagFormat, TagFormats

# The outcomes are defined in tag_reports and stay importable from here.
__all__ = ["MAX_SKIPS", "MAX_WRITE_ATTEMPTS", "SyncReport", "TagIssue", "TagService"]

#: Numbers one issue may skip (each costs a backend search) before it asks for a sync instead.
MAX_SKIPS = 20
#: Writes refused because the asset changed meanwhile, before an issue gives up.
MAX_WRITE_ATTEMPTS = 5


def _tag_of(reservation: Reservation) -> AssetTag:
    return AssetTag(
        reservation.prefix, reservation.number, len(reservation.tag) - len(reservation.prefix)
    )


@define
class TagService:
    """Issue tags to backend assets, preview and move the sequences, read the event log.

    ``prefix_by_catalog`` (catalog name -> a prefix of ``formats``) picks the prefix of an
    issue that names none from the asset's catalog; other catalogs get the default prefix.
    """

    backend: AssetBackend
    store: TagStore
    formats: TagFormats
    prefix_by_catalog: Mapping[str, str] = field(factory=dict)

    # -- preview and issue ---------------------------------------------------------------

    def preview_next(self, prefix: str | None = None, *, check_backend: bool = False) -> AssetTag:
        """The tag the next issue for ``prefix`` would hand out; changes nothing.

        It is the store's next number. With ``check_backend``, numbers that some asset in the
        backend carries already (which an issue would skip) are passed over too, at the cost
        of a backend search each.
        """
        fmt = self.formats.for_prefix(prefix)
        number = self.store.peek_next(fmt.prefix)
        if check_backend:
            for _ in range(MAX_SKIPS):
                if self._holder_of(str(fmt.sequence_tag(number)), asset_id=0) is None:
                    break
                number = self.store.peek_next(fmt.prefix, after=number)
        return fmt.sequence_tag(number)

    def issue_tag(
        self,
        asset_id: int,
        prefix: str | None = None,
        *,
        actor: str = "library",
        request_id: str = "",
    ) -> TagIssue:
        """Give ``asset_id`` the next tag of ``prefix`` and write it as the asset's Name.

        Idempotent per asset: an asset whose Name is a tag of ``prefix`` already (in any
        width) gets that tag back as ``already-tagged``. An asset gets one number per prefix
        for good: if it was tagged here before and its Name was changed since, its own tag is
        written back. A failure raises the backend's error class with a message naming the
        tag, which stays reserved for this asset: the next call for it finishes with it.
        """
        fmt = self.formats.for_prefix(prefix)
        if asset_id < 1:
            raise InvalidInput(f"asset id must be a positive whole number, not {asset_id}")
        asset = self.backend.get_asset(asset_id)  # nothing is reserved if this fails
        if prefix is None:
            fmt = self.formats.for_prefix(self.prefix_by_catalog.get(asset.catalog))
        skipped: list[str] = []
        refused_writes = 0
        while True:
            settled = self._settle(fmt, asset, actor=actor, request_id=request_id)
            if settled is not None:
                return settled
            held = self.store.reserve(fmt, asset.id, actor=actor, request_id=request_id)
            if self._skip_if_carried(held, skipped, actor=actor, request_id=request_id):
                continue
            if held.is_assigned:  # an earlier issue's number: that write may be just done
                asset = self._read_again(held, actor=actor, request_id=request_id)
                if fmt.read(asset.name) is not None:
                    continue
            try:
                self.backend.update_asset(
                    asset.id, AssetChanges(name=held.tag), if_version=asset.version
                )
            except AssetChanged as error:
                # Someone else changed the asset since we read it: read it again, since it
                # may carry a tag now (a concurrent issue for the same asset, or a person).
                refused_writes += 1
                if refused_writes >= MAX_WRITE_ATTEMPTS:
                    self._fail(held, error, actor=actor, request_id=request_id)
                try:
                    asset = self.backend.get_asset(asset.id)
                except RtutilsError as read_error:
                    self._fail(held, read_error, actor=actor, request_id=request_id)
                continue
            except RtutilsError as error:
                self._fail(held, error, actor=actor, request_id=request_id)
            note = self._assign_note(held, asset)
            recorded = self.store.record(
                held, "assigned", actor=actor, request_id=request_id, detail=note
            )
            # A concurrent issue for the same asset may have seen our write and recorded it
            # first; then it reported "assigned", and one asset counts once.
            return TagIssue(asset.id, _tag_of(held), "assigned" if recorded else "already-tagged")

    def _read_again(self, held: Reservation, *, actor: str, request_id: str) -> Asset:
        """The asset of ``held`` as the backend has it now.

        RT 5 checks If-Match and then writes, not in one step: two writes made from the same
        read that arrive together can both pass. Reading again tells a concurrent write.
        """
        try:
            return self.backend.get_asset(held.asset_id)
        except RtutilsError as error:
            self._fail(held, error, actor=actor, request_id=request_id)

    def _skip_if_carried(
        self, held: Reservation, skipped: list[str], *, actor: str, request_id: str
    ) -> bool:
        """Give ``held`` up (logged, added to ``skipped``) if another asset carries its tag in
        the backend already; True if it was given up."""
        try:
            holder = self._holder_of(held.tag, held.asset_id)
        except RtutilsError as error:
            self._fail(held, error, actor=actor, request_id=request_id)
        if holder is None:
            return False
        if held.is_assigned:
            raise TagConflict(
                f"asset {held.asset_id} was given {held.tag}, but asset {holder} carries"
                f" {held.tag} in the backend now; rename one of them in the backend"
            )
        reason = f"asset {holder} carries {held.tag} in the backend"
        self.store.record(held, "skipped", actor=actor, request_id=request_id, detail=reason)
        skipped.append(held.tag)
        if len(skipped) >= MAX_SKIPS:
            raise TagConflict(
                f"{skipped[0]} to {skipped[-1]} are all carried by assets in the backend"
                " already (skipped and logged); the sequence is behind the backend: run"
                " 'request-tracker-utils tags sync' to move it past them"
            )
        return True

    def _settle(
        self, fmt: TagFormat, asset: Asset, *, actor: str, request_id: str
    ) -> TagIssue | None:
        """The outcome if ``asset`` carries a tag already, else None (it needs one)."""
        current = fmt.read(asset.name)
        if current is None:
            self._refuse_other_prefix(fmt, asset)
            return None
        held = self.store.reservation_for(fmt.prefix, asset.id)
        if held is not None and held.tag == str(current) and not held.is_assigned:
            # An earlier attempt (or a concurrent one) wrote it but did not record it.
            note = "the backend carried it already: an earlier write went through"
            recorded = self.store.record(
                held, "assigned", actor=actor, request_id=request_id, detail=note
            )
            return TagIssue(asset.id, current, "assigned" if recorded else "already-tagged")
        if held is not None and not held.is_assigned:
            reason = f"asset {asset.id} carries {asset.name} already"
            self.store.record(held, "voided", actor=actor, request_id=request_id, detail=reason)
        return TagIssue(asset.id, current, "already-tagged")

    def _refuse_other_prefix(self, fmt: TagFormat, asset: Asset) -> None:
        """Renaming an asset that carries another prefix's tag would orphan its label."""
        for other in self.formats.all:
            if other.prefix != fmt.prefix and other.read(asset.name) is not None:
                raise TagConflict(
                    f"asset {asset.id} carries the tag {asset.name} of prefix {other.prefix!r}"
                    f" already; refusing to replace it with a {fmt.prefix!r} tag"
                )

    def _holder_of(self, tag: str, asset_id: int) -> int | None:
        """Another asset whose Name is ``tag`` in the backend, if there is one."""
        others = [a.id for a in find_carriers(self.backend, tag) if a.id != asset_id]
        return others[0] if others else None

    def _fail(
        self, held: Reservation, error: RtutilsError, *, actor: str, request_id: str
    ) -> NoReturn:
        """Log the failure, keep the reservation for the asset, raise a clear error."""
        try:
            reason = f"{error.code}: {error.message}"
            self.store.record(held, "failed", actor=actor, request_id=request_id, detail=reason)
        except RtutilsError as store_error:
            error.add_note(f"the failure could not be logged either: {store_error.message}")
        raise type(error)(
            f"could not write the tag {held.tag} to asset {held.asset_id}: {error.message}."
            " The tag stays reserved for this asset; issue again to finish."
        ) from error

    @staticmethod
    def _assign_note(held: Reservation, asset: Asset) -> str:
        note = f"Name was {asset.name!r}"
        if held.is_assigned:
            note = f"written again (the asset's own tag); {note}"
        elif not held.is_new:
            note += f"; reservation of request {held.reserved_by or '(none)'} finished"
        return note

    def void_reservation(
        self,
        asset_id: int,
        prefix: str | None = None,
        *,
        reason: str = "",
        actor: str = "library",
        request_id: str = "",
    ) -> AssetTag:
        """Give up the open reservation of ``asset_id`` (admin), e.g. for a deleted asset.

        The number is never handed out again. Refused while the backend shows the asset
        carrying that tag: then issuing again records it as assigned.
        """
        fmt = self.formats.for_prefix(prefix)
        held = self.store.reservation_for(fmt.prefix, asset_id)
        if held is None or held.is_assigned:
            raise TagNotFound(f"asset {asset_id} holds no open {fmt.prefix!r} reservation")
        try:
            carries = self.backend.get_asset(asset_id).name.strip() == held.tag
        except AssetNotFound:
            carries = False
        if carries:
            raise TagConflict(
                f"asset {asset_id} carries {held.tag} in the backend; issue the tag again to"
                " record it as assigned instead of voiding it"
            )
        why = reason.strip() or "voided by an administrator"
        self.store.record(held, "voided", actor=actor, request_id=request_id, detail=why)
        return _tag_of(held)

    # -- the event log -------------------------------------------------------------------

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        """The tag event log, newest first (see :class:`EventQuery`)."""
        return self.store.events(query)

    def events_csv(self, query: EventQuery = NEWEST) -> Iterator[str]:
        """The whole filtered event log (no limit) as CSV text chunks, header first."""
        return iter_events_csv(self.store.events(query.everything()))

    # -- moving the sequences (admin) ----------------------------------------------------

    def set_next(
        self,
        prefix: str | None,
        number: int | str,
        *,
        force: bool = False,
        actor: str = "library",
        request_id: str = "",
    ) -> AssetTag:
        """Move the sequence so the next tag is ``number`` (or a tag such as ``W12-00100``).

        Refused at or below the highest tag issued or present in the backend unless
        ``force``; every change is logged, a forced one as such. Numbers the store has handed
        out already are passed over even when forced: the returned tag is the real next one.
        """
        fmt = self.formats.for_prefix(prefix)
        if isinstance(number, str):
            number = fmt.parse(number).number
        fmt.make(number)
        scan = self._scan(fmt)
        note = ""
        if number <= scan.highest_number:
            if not force:
                raise TagConflict(
                    f"refusing to set the next tag to {fmt.make(number)}: the backend carries"
                    f" {scan.highest} already, so the next tag must be"
                    f" {shown(fmt, scan.highest_number + 1)} or higher (or force the change)"
                )
            note = f"forced at or below {scan.highest} carried in the backend"
        elif force:
            note = "forced"
        move = self.store.set_next(
            fmt, number, force=force, actor=actor, request_id=request_id, detail=note
        )
        return fmt.sequence_tag(move.after)

    def sync(self, *, actor: str = "library", request_id: str = "") -> Sequence[SyncReport]:
        """Raise each prefix's sequence above the highest tag found in the backend.

        Reads every asset whose Name starts with the prefix, tags of other widths included
        (the old tool's ``W12-1001``). It never lowers a sequence.
        """
        reports = []
        for fmt in self.formats.all:
            scan = self._scan(fmt)
            found = f"{scan.found} tags in the backend, highest {scan.highest or 'none'}"
            move = self.store.raise_floor(
                fmt,
                scan.highest_number + 1,
                actor=actor,
                request_id=request_id,
                detail=f"sync: {found}",
            )
            reports.append(
                SyncReport(
                    prefix=fmt.prefix,
                    highest_in_backend=scan.highest_number,
                    highest_tag=str(scan.highest) if scan.highest else None,
                    next_before=move.before,
                    next_after=move.after,
                    tags_found=scan.found,
                    other_widths=scan.other_widths,
                    out_of_range=scan.out_of_range,
                    next_tag=shown(fmt, move.after),
                )
            )
        return reports

    def _scan(self, fmt: TagFormat) -> Scan:
        """Every tag of ``fmt``'s prefix in the backend, read in bulk."""
        highest: AssetTag | None = None
        found = other_widths = 0
        out_of_range: list[str] = []
        for asset in self.backend.iter_assets(AssetQuery(name_prefix=fmt.prefix)):
            tag = fmt.read(asset.name)  # also drops whatever a sloppy search let through
            if tag is None:
                continue
            if tag.number > fmt.max_number:
                out_of_range.append(asset.name)
                continue
            found += 1
            other_widths += tag.digits != fmt.digits
            if highest is None or tag.number > highest.number:
                highest = tag
        return Scan(highest, found, other_widths, tuple(out_of_range))
