"""Audits as the domain sees them: a scope to count, the expected set read from RT when the
audit starts, the scans of the desks, and what finishing finds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from attrs import field, frozen

from rtutils_core.assets import MAX_QUERY_NAMES, AssetQuery
from rtutils_core.errors import InvalidInput

ScopeKind = Literal["location", "list", "catalog", "person"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("location", "list", "catalog", "person")
AuditState = Literal["open", "finished"]
#: present: in the expected set; unexpected: in RT but not expected here; unknown: nothing;
#: pending: kept while RT could not be reached, classified when RT answers.
Outcome = Literal["present", "unexpected", "unknown", "pending"]
OUTCOMES: tuple[Outcome, ...] = ("present", "unexpected", "unknown", "pending")
#: Why a scan is pending, in a desk's words.
PENDING_REASON = "RT unreachable: classified when RT answers"
ActionKind = Literal["lost", "moved", "audited"]
#: Longest name of an audit, text of a scope value, comment of a bulk action.
MAX_NAME = 200
MAX_COMMENT = 2000
#: Most devices a list scope names (a cart or a room holds far fewer).
MAX_LIST = 5000


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@frozen
class AuditOptions:
    """The RT custom fields and statuses an audit reads and writes; the overdue age."""

    location_field: str = "Location"
    audited_field: str = "Last Audited"
    model_field: str = "Model"
    serial_field: str = "Serial Number"
    lost_status: str = "stolen"
    #: RT queue of a ticket per device marked lost, with the comment ("": none).
    queue: str = ""
    #: Statuses of devices that are out of service: scanned anyway, they are unexpected.
    retired_statuses: tuple[str, ...] = ("recycled", "stolen", "deleted")
    #: The role that says who has a device (``owner`` or ``held_by``): a person's scope.
    person_role: str = "owner"
    overdue_days: int = 365


@frozen
class Scope:
    """What an audit counts: the devices of a location (the ``Location`` custom field), of a
    list of tags (a cart or a room), of a catalog, or a person's devices."""

    kind: ScopeKind
    value: str = ""
    tags: tuple[str, ...] = field(default=(), converter=_texts)

    def __attrs_post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise InvalidInput(f"a scope is one of {', '.join(SCOPE_KINDS)}, not {self.kind!r}")
        if self.kind == "list":
            if not self.tags or len(self.tags) > MAX_LIST:
                raise InvalidInput(f"a list scope names 1 to {MAX_LIST} tags")
            if any(not t.strip() or len(t) > MAX_NAME for t in self.tags):
                raise InvalidInput("every tag of a list scope is non-empty text")
        elif not self.value.strip() or len(self.value) > MAX_NAME:
            raise InvalidInput(f"a {self.kind} scope needs a value of 1 to {MAX_NAME} characters")

    def queries(self, options: AuditOptions) -> list[AssetQuery]:
        """The searches that read the expected set: one, or one per 100 tags of a list."""
        if self.kind == "location":
            return [AssetQuery(custom_fields={options.location_field: self.value})]
        if self.kind == "catalog":
            return [AssetQuery(catalog=self.value)]
        if self.kind == "person":
            if options.person_role == "held_by":
                return [AssetQuery(held_by=self.value)]
            return [AssetQuery(owner=self.value)]
        tags = sorted(set(t.strip() for t in self.tags))
        step = MAX_QUERY_NAMES
        return [AssetQuery(names=tags[i : i + step]) for i in range(0, len(tags), step)]

    def describe(self) -> str:
        """The scope in words, e.g. ``location Room 101`` or ``list of 24 tags``."""
        if self.kind == "list":
            return f"list of {len(self.tags)} tags"
        return f"{self.kind} {self.value}"


@frozen
class ExpectedAsset:
    """One device of the expected set, as RT had it when the audit started."""

    asset_id: int
    tag: str
    catalog: str = ""
    model: str = ""
    status: str = ""
    location: str = ""
    serial: str = ""


@frozen
class Audit:
    id: int
    name: str
    scope: Scope
    state: AuditState
    created: datetime
    created_by: str
    expected_count: int = 0
    finished: datetime | None = None
    finished_by: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@frozen
class ScanDraft:
    """A scan as a desk classified it; ``key`` makes a re-scan the same scan."""

    key: str
    text: str
    outcome: Outcome
    asset_id: int | None = None
    tag: str = ""
    model: str = ""
    reason: str = ""
    desk: str = ""
    operator: str = ""


#: What classifying a pending scan sets; the text, desk, operator and time stay.
CLASSIFIED = ("key", "outcome", "asset_id", "tag", "model", "reason")


def classified(scan: ScanDraft) -> dict[str, Any]:
    """The fields of ``scan`` that classifying a pending scan writes."""
    return {name: getattr(scan, name) for name in CLASSIFIED}


@frozen
class ScanEntry(ScanDraft):
    """A scan as the store keeps it (the first of its key)."""

    id: int = field(kw_only=True)
    audit_id: int = field(kw_only=True)
    at: datetime = field(kw_only=True)


@frozen
class ScanResult:
    """What one scan did: the entry kept, and whether this scan repeated an earlier one."""

    entry: ScanEntry
    is_repeat: bool = False


@frozen
class ActionDraft:
    """A change written to RT because of an audit (or refused), for the audit's log."""

    kind: ActionKind
    asset_id: int
    tag: str
    operator: str
    comment: str = ""
    error: str = ""
    ticket_id: int | None = None
    ticket_error: str = ""


@frozen
class ActionEntry(ActionDraft):
    """An entry of an audit's log."""

    id: int = field(kw_only=True)
    audit_id: int = field(kw_only=True)
    at: datetime = field(kw_only=True)


@frozen
class ModelFigures:
    """Counts of one model (or ``""`` for none) in an audit's result."""

    model: str
    expected: int = 0
    present: int = 0
    missing: int = 0
    unexpected: int = 0


@frozen
class AuditResult:
    """What an audit found: present (scanned and expected), missing (expected, not
    scanned), unexpected (scanned, in RT, not expected here), unknown (nothing known), and
    pending (scanned while RT could not be reached; not classified yet)."""

    present: tuple[ExpectedAsset, ...]
    missing: tuple[ExpectedAsset, ...]
    unexpected: tuple[ScanEntry, ...]
    unknown: tuple[ScanEntry, ...]
    models: tuple[ModelFigures, ...]
    pending: tuple[ScanEntry, ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "expected": len(self.present) + len(self.missing),
            "present": len(self.present),
            "missing": len(self.missing),
            "unexpected": len(self.unexpected),
            "unknown": len(self.unknown),
            "pending": len(self.pending),
        }


@frozen
class WriteReport:
    """What a write of ``Last Audited`` did: written, already right, refused (by id)."""

    day: date
    written: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()
    failed: tuple[tuple[int, str], ...] = ()


@frozen
class ActionOutcome:
    """One device of a bulk action: done, or why not."""

    asset_id: int
    tag: str
    ok: bool
    message: str = ""
