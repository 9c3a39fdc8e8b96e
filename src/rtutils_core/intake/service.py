"""Receiving new devices: one scan (or CSV row) becomes one asset in the backend, once.

The order for one submission: check the input, the Select choices included (from the
backend's cached metadata); open the submission under its idempotency key in the intake
store, which claims the serial for it alone; claim an internal name; reserve the next tag
for the submission's stand-in id; ONE search for any asset carrying the serial, the tag or
the name; ONE create with Name = tag and every custom field, read back and compared; then
the store records the asset and the tag is bound to it in the tag event log.

A retry under the same key reuses the tag and name, and its search finds an asset whose
create answer was lost, so nothing is created twice (docs/intake.md tells the whole story).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial

from attrs import Factory, define, evolve, field, frozen

from rtutils_core.assets import Asset, AssetDraft, AssetQuery, Catalog
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import (
    BackendRejected,
    CatalogNotFound,
    Conflict,
    DuplicateSerial,
    IdempotencyKeyReused,
    InvalidField,
    InvalidInput,
    RtutilsError,
    SubmissionInProgress,
    TagConflict,
)
from rtutils_core.intake.internal_names import NameWords
from rtutils_core.intake.ports import IntakeSearch, IntakeStore, NewAssetTagStore, Submission
from rtutils_core.intake.values import (
    AnyKey,
    DeviceIntake,
    IntakeOptions,
    Received,
    check_device,
    differences,
    duplicate_serial,
    fit_to_catalog,
    key_parts,
    reworded,
)
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ports import Outcome, Reservation

#: Tags skipped or generated names found taken in the backend, before a submission gives up.
MAX_ROUNDS = 20
#: Generated names tried against the store per round.
NAME_DRAWS = 50


@frozen
class _Who:
    actor: str
    request_id: str


@define
class _Attempt:
    """One submission on its way: the tag and name it holds change as it goes."""

    sub: Submission
    device: DeviceIntake
    fmt: TagFormat
    who: _Who
    held: Reservation | None  # None for a tag the device has already (a CSV tag column)
    name: str

    @property
    def tag(self) -> str:
        return self.held.tag if self.held else str(self.device.tag)


@define
class IntakeService:
    """Create assets for new devices, each exactly once, tagged and named."""

    backend: AssetBackend
    tags: NewAssetTagStore
    formats: TagFormats
    store: IntakeStore
    options: IntakeOptions = IntakeOptions()
    words: NameWords = field(factory=NameWords.shipped)
    rng: random.Random = field(factory=random.SystemRandom)
    clock: Callable[[], datetime] = partial(datetime.now, UTC)
    prefix_by_catalog: Mapping[str, str] = field(factory=dict)  # for devices that name none
    #: Catalog fields and bulk searches: the backend's own unless a part of its own serves them.
    searches: IntakeSearch = field(default=Factory(lambda self: self.backend, takes_self=True))

    # -- what the desk picks from ------------------------------------------------------

    def catalogs(self) -> Sequence[Catalog]:
        """Every catalog of the backend."""
        return self.backend.list_catalogs()

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        """The custom fields of ``catalog`` with their choices."""
        return self.searches.catalog_fields(catalog)

    def check(self, device: DeviceIntake) -> DeviceIntake:
        """``device`` cleaned and checked against its catalog's fields; changes nothing.

        Choices of Select fields come back spelled as the backend spells them.
        """
        device = self.check_here(device)
        try:
            described = self.searches.catalog_fields(device.catalog)
        except CatalogNotFound as error:
            raise InvalidField("catalog", error.message) from None
        return fit_to_catalog(device, described, self.options.fields)

    def check_here(self, device: DeviceIntake) -> DeviceIntake:
        """``device`` checked as far as this service can without the backend: the fields
        it needs, the serial's rules, the prefix and a tag of its own (not the choices)."""
        device = check_device(device, self.options.serial_pattern)
        device = evolve(device, prefix=device.prefix or self.prefix_by_catalog.get(device.catalog))
        try:
            self.formats.for_prefix(device.prefix)
        except InvalidInput as error:
            raise InvalidField("prefix", error.message) from None
        return evolve(device, tag=self._kept_tag(device.tag)) if device.tag else device

    def _kept_tag(self, text: str) -> str:
        """A tag a device carries already: of a configured prefix, never handed out here."""
        try:
            tag = str(self.formats.parse_lenient(text))
        except InvalidInput as error:
            raise InvalidField("tag", error.message) from None
        events = self.tags.events(EventQuery(tag=tag, limit=None))
        if any(e.state == "reserved" for e in events):
            raise InvalidField("tag", f"the tag {tag} was handed out here already (tag log)")
        return tag

    # -- receiving -----------------------------------------------------------------------

    def receive(
        self,
        device: DeviceIntake,
        key: AnyKey,
        *,
        actor: str = "library",
        request_id: str = "",
        opened_as: str | None = None,
    ) -> Received:
        """Create the asset for ``device`` under the idempotency ``key`` (a caller's own if a
        :class:`CallerKey`), or answer again. Raises :class:`DuplicateSerial` naming the asset
        when another submission has the serial, :class:`IdempotencyKeyReused` when ``key``
        came with another request, and :class:`InvalidField` naming the field for bad input.
        ``opened_as``: the fingerprint the submission was opened with without the backend
        (its choices not yet spelled as the backend spells them), which is the same request.
        """
        device = self.check(device)
        given, stored = key_parts(key)
        who = _Who(actor, request_id)
        fmt = self.formats.for_prefix(device.prefix)
        sub = self._open(stored, device, who)
        if sub.fingerprint not in (device.fingerprint(), opened_as):
            raise IdempotencyKeyReused(
                f"the idempotency key {given!r} was used for another request (serial"
                f" {sub.serial!r}); make a new key for each device"
            )
        if sub.is_created:
            return self._replay(sub, fmt, who)
        if sub.in_progress:
            raise SubmissionInProgress(
                f"the submission under the key {given!r} is being processed right now; ask again"
                " in a moment for its outcome"
            )
        try:
            return self._create(sub, device, fmt, who)
        finally:
            self.store.release(stored)  # nothing if it was created or given up

    def _open(self, key: str, device: DeviceIntake, who: _Who) -> Submission:
        """The submission of ``key``, once no other submission holds the serial."""
        for _ in range(3):
            lease = self.options.stale_after
            sub = self.store.open(key, device.serial, device.fingerprint(), lease=lease)
            if sub.key == key:
                return sub
            self._settle_other(sub, who)
        raise Conflict(f"serial number {device.serial!r} is contended; submit again")

    def _replay(self, sub: Submission, fmt: TagFormat, who: _Who) -> Received:
        assert sub.asset_id is not None  # noqa: S101 - a created submission has its asset
        held = self.tags.reservation_for(fmt.prefix, sub.stand_in)
        if held is not None and held.tag == sub.tag:  # a crash came between store and log
            self._bind(held, sub.asset_id, who, "bound when the submission was answered again")
        asset = self.backend.get_asset(sub.asset_id)
        return Received(asset, sub.tag, sub.internal_name, is_replay=True)

    def _create(self, sub: Submission, device: DeviceIntake, fmt: TagFormat, who: _Who) -> Received:
        serial_cf, name_cf = self.options.fields.serial, self.options.fields.internal_name
        name = sub.internal_name or self._claim_name(sub, device, set())
        held = None
        if not device.tag:
            held = self.tags.reserve(fmt, sub.stand_in, actor=who.actor, request_id=who.request_id)
        job = _Attempt(sub, device, fmt, who, held, name)
        tried: set[str] = set()
        for _ in range(MAX_ROUNDS):
            found = self.searches.find_any(self._probe(device.serial, job.tag, job.name))
            by_serial = next((a for a in found if a.cf(serial_cf) == device.serial), None)
            by_tag = next((a for a in found if a.name.strip() == job.tag), None)
            folded = job.name.casefold()
            by_name = next((a for a in found if a.cf(name_cf).casefold() == folded), None)
            if by_serial is not None and by_serial is by_tag:  # an earlier attempt made it
                return self._finish(job, by_serial, adopted=True)
            if by_serial is not None:
                reason = f"asset {by_serial.id} has the serial number"
                self._abandon(sub, job.held, reason, who, carried=by_tag is not None)
                raise duplicate_serial(device.serial, by_serial.id, by_serial.name)
            if by_tag is not None:
                self._pass_tag(job, by_tag)
            elif by_name is not None and device.internal_name:
                self._abandon(sub, job.held, f"asset {by_name.id} has the internal name", who)
                raise InvalidField(
                    "internal_name",
                    f"the internal name {job.name!r} belongs to asset {by_name.id}"
                    f" ({by_name.name}) already",
                )
            elif by_name is not None:
                tried.add(job.name)
                self.store.release_name(sub.key, job.name)
                job.name = self._claim_name(sub, device, tried)
            else:
                return self._create_asset(job)
        raise TagConflict(
            f"no free tag or internal name found for serial {device.serial!r} after"
            f" {MAX_ROUNDS} tries; run 'request-tracker-utils tags sync' and submit again"
        )

    def _probe(self, serial: str, tag: str, name: str) -> list[AssetQuery]:
        fields = self.options.fields
        return [
            AssetQuery(custom_fields={fields.serial: serial}),
            AssetQuery(name_prefix=tag),  # a prefix: a Name typed with stray blanks counts
            AssetQuery(custom_fields={fields.internal_name: name}),
        ]

    def _pass_tag(self, job: _Attempt, carrier: Asset) -> None:
        """Skip a reserved tag that another asset carries; take the next one."""
        who = job.who
        if job.held is None:
            self._abandon(job.sub, None, "", who)
            raise InvalidField(
                "tag", f"asset {carrier.id} carries the tag {job.tag} already in the backend"
            )
        if carrier.cf(self.options.fields.internal_name) == job.name:
            # Our own earlier create, whose serial RT did not store: never make a second one.
            raise BackendRejected(
                f"asset {carrier.id} carries {job.held.tag} and the internal name"
                f" {job.name!r}, but not the serial number {job.sub.serial!r}; set it at"
                f" {self.backend.asset_url(carrier.id)} and submit again with the same key"
            )
        reason = f"asset {carrier.id} carries {job.held.tag} in the backend"
        self.tags.record(
            job.held, "skipped", actor=who.actor, request_id=who.request_id, detail=reason
        )
        job.held = self.tags.reserve(
            job.fmt, job.sub.stand_in, actor=who.actor, request_id=who.request_id
        )

    def _claim_name(self, sub: Submission, device: DeviceIntake, tried: set[str]) -> str:
        if device.internal_name:
            if not self.store.claim_name(sub.key, device.internal_name):
                self.store.abandon(sub.key)
                raise InvalidField(
                    "internal_name",
                    f"the internal name {device.internal_name!r} belongs to another device"
                    " received here (or is being given to one right now)",
                )
            return device.internal_name
        for candidate in self.words.draw(self.rng, NAME_DRAWS):
            if candidate not in tried and self.store.claim_name(sub.key, candidate):
                return candidate
        self.store.abandon(sub.key)
        raise Conflict(
            f"no free internal name among {NAME_DRAWS} drawn from {self.words.size}; the word"
            " lists are nearly used up"
        )

    def _create_asset(self, job: _Attempt) -> Received:
        draft = AssetDraft(
            name=job.tag,
            catalog=job.device.catalog,
            status=self.options.status,
            custom_fields=job.device.custom_fields(self.options.fields, job.name),
        )
        try:
            asset = self.backend.create_asset(draft)
        except RtutilsError as error:
            self._log_failure(job.held, error, job.who)
            raise reworded(
                error,
                f"could not create the asset for serial {job.device.serial!r} as"
                f" {job.tag}: {error.message}. The tag and serial stay with this"
                " submission: submit again with the same key to finish",
            ) from error
        return self._finish(job, asset, adopted=False)

    def _finish(self, job: _Attempt, asset: Asset, *, adopted: bool) -> Received:
        expected = job.device.custom_fields(self.options.fields, job.name)
        wrong = differences(asset, expected, job.tag, job.device.catalog)
        if wrong:
            error = BackendRejected(
                f"asset {asset.id} was created as {job.tag}, but RT shows another"
                f" {'; '.join(wrong)}; correct it at {self.backend.asset_url(asset.id)} and"
                " submit again with the same key"
            )
            self._log_failure(job.held, error, job.who)
            raise error
        self.store.mark_created(job.sub.key, asset.id, job.tag, job.name)
        note = "new asset created with this Name"
        if adopted:
            note += "; found in the backend after an earlier attempt's answer was lost"
        self._bind(job.held, asset.id, job.who, note)
        return Received(asset, job.tag, job.name)

    # -- other submissions of the same serial ------------------------------------------

    def _settle_other(self, other: Submission, who: _Who) -> None:
        """Raise DuplicateSerial for the submission holding the serial, unless it is stale
        and left nothing in the backend: then it is abandoned, freeing the serial."""
        if other.is_created:
            raise duplicate_serial(other.serial, other.asset_id, other.tag)
        held = self._held(other.stand_in)
        tag = held.tag if held else ""
        age = (self.clock() - other.opened_at).total_seconds()
        if age < self.options.stale_after:
            raise DuplicateSerial(
                f"serial number {other.serial!r} is being received right now"
                + (f" as {tag}" if tag else ""),
                serial=other.serial,
                asset_id=None,
                tag=tag,
            )
        serial_cf = self.options.fields.serial
        queries = [AssetQuery(custom_fields={serial_cf: other.serial})]
        queries += [AssetQuery(name_prefix=tag)] if tag else []
        found = self.searches.find_any(queries)
        carrier = next((a for a in found if a.cf(serial_cf) == other.serial), None)
        if carrier is not None and held is not None and carrier.name.strip() == held.tag:
            name = carrier.cf(self.options.fields.internal_name)
            self.store.mark_created(other.key, carrier.id, held.tag, name)
            self._bind(held, carrier.id, who, "found in the backend after its submission stalled")
            raise duplicate_serial(other.serial, carrier.id, held.tag)
        stalled = f"submission stalled for {age:.0f} s"
        self._abandon(other, held, stalled, who, carried=any(a.name.strip() == tag for a in found))
        if carrier is not None:
            raise duplicate_serial(other.serial, carrier.id, carrier.name)

    def _held(self, stand_in: int) -> Reservation | None:
        for fmt in self.formats.all:
            held = self.tags.reservation_for(fmt.prefix, stand_in)
            if held is not None:
                return held
        return None

    # -- the tag log -------------------------------------------------------------------

    def _abandon(
        self,
        sub: Submission,
        held: Reservation | None,
        reason: str,
        who: _Who,
        *,
        carried: bool = False,
    ) -> None:
        """Give up a submission that created nothing: its tag, serial claim and name."""
        if held is not None and not held.is_assigned:
            outcome: Outcome = "skipped" if carried else "voided"
            detail = f"no asset created for serial {sub.serial!r}: {reason}"
            self.tags.record(
                held, outcome, actor=who.actor, request_id=who.request_id, detail=detail
            )
        self.store.abandon(sub.key)

    def _bind(self, held: Reservation | None, asset_id: int, who: _Who, note: str) -> None:
        if held is not None:
            self.tags.bind(held, asset_id, actor=who.actor, request_id=who.request_id, detail=note)

    def _log_failure(self, held: Reservation | None, error: RtutilsError, who: _Who) -> None:
        if held is not None:
            why = f"{error.code}: {error.message}"
            self.tags.record(held, "failed", actor=who.actor, request_id=who.request_id, detail=why)
