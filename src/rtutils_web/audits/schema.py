"""Audits in the API: bodies in, answers out (one field list each, shared with the
OpenAPI document). A viewer sees an audit's counts and figures per model; the devices,
scans and log (which name people: holders, a person's scope) need the operator role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import frozen

from rtutils_core.assets import Asset
from rtutils_core.audits import (
    SCOPE_KINDS,
    ActionEntry,
    ActionOutcome,
    Audit,
    AuditOptions,
    AuditResult,
    ExpectedAsset,
    ModelFigures,
    ScanEntry,
    ScanResult,
    Scope,
)
from rtutils_core.audits.values import OUTCOMES, PENDING_REASON
from rtutils_core.jobs import Job
from rtutils_web.http.answers import (
    FieldsFrom,
    list_of,
    object_schema,
    prop,
    ref,
    withholdable_prop,
)
from rtutils_web.http.bodies import MAX_WHOLE
from rtutils_web.http.properties import COUNT, ID, STRING, TIME

_PEOPLE = "operator role only (it may name people)"
_OUTCOME = {
    "type": "string",
    "enum": list(OUTCOMES),
    "description": f"pending: {PENDING_REASON} (the answer is 202)",
}
#: An audit id in a URL, as the document states it (a larger one names no audit: 404).
AUDIT_ID = f"int(min=1, max={MAX_WHOLE})"


# -- answers -----------------------------------------------------------------------------


@frozen
class CountsJson:
    expected: int = prop(COUNT)
    present: int = prop(COUNT)
    missing: int = prop(COUNT)
    unexpected: int = prop(COUNT)
    unknown: int = prop(COUNT)
    pending: int = prop({**COUNT, "description": "scans waiting for RT to classify them"})

    @classmethod
    def of(cls, result: AuditResult) -> CountsJson:
        return cls(**result.counts())


def scope_words(scope: Scope, people: bool) -> str:
    """The scope in words; a person's name only for those who may see people."""
    if scope.kind == "person" and not people:
        return "a person's devices"
    return scope.describe()


@frozen
class AuditJson:
    """An audit and its counts as they stand."""

    id: int = prop(ID)
    name: str = prop(STRING)
    scope_kind: str = prop({"type": "string", "enum": list(SCOPE_KINDS)})
    scope: str = prop({**STRING, "description": "the scope in words"})
    state: str = prop({"type": "string", "enum": ["open", "finished"]})
    created: datetime = prop(TIME)
    created_by: str = prop(STRING)
    finished: datetime | None = prop({"type": ["string", "null"], "format": "date-time"})
    counts: CountsJson = prop(ref("AuditCounts"))

    @classmethod
    def of(cls, audit: Audit, result: AuditResult, people: bool) -> AuditJson:
        return cls(
            audit.id,
            audit.name,
            audit.scope.kind,
            scope_words(audit.scope, people),
            audit.state,
            audit.created,
            audit.created_by,
            audit.finished,
            CountsJson.of(result),
        )


@frozen
class AuditListJson:
    audits: list[AuditJson] = prop(list_of("Audit"))
    count: int = prop(COUNT)


@frozen
class DeviceJson(FieldsFrom[ExpectedAsset]):
    """A device of the expected set, as RT had it when the audit started."""

    asset_id: int = prop(ID)
    tag: str = prop(STRING)
    model: str = prop(STRING)
    status: str = prop(STRING)
    location: str = prop(STRING)


@frozen
class ScanJson(FieldsFrom[ScanEntry]):
    """A scan kept: what was typed, what it was, and why."""

    id: int = prop(ID)
    at: datetime = prop(TIME)
    text: str = prop(STRING)
    outcome: str = prop(_OUTCOME)
    asset_id: int | None = prop({"type": ["integer", "null"]})
    tag: str = prop(STRING)
    model: str = prop(STRING)
    reason: str = prop(STRING)
    desk: str = prop(STRING)


@frozen
class ModelJson(FieldsFrom[ModelFigures]):
    model: str = prop({**STRING, "description": "'' for devices without a model"})
    expected: int = prop(COUNT)
    present: int = prop(COUNT)
    missing: int = prop(COUNT)
    unexpected: int = prop(COUNT)


@frozen
class ActionJson(FieldsFrom[ActionEntry]):
    """A change an audit wrote to RT (or that RT refused: ``error``)."""

    id: int = prop(ID)
    at: datetime = prop(TIME)
    kind: str = prop({"type": "string", "enum": ["lost", "moved", "audited"]})
    asset_id: int = prop(ID)
    tag: str = prop(STRING)
    operator: str = prop(STRING)
    comment: str = prop(STRING)
    error: str = prop(STRING)
    ticket_id: int | None = prop(
        {"type": ["integer", "null"], "description": "the ticket of a device marked lost"}
    )
    ticket_error: str = prop({**STRING, "description": "why no ticket was opened"})


@frozen
class AuditDetailJson:
    """An audit: its counts and figures per model; its devices, scans and log for those who
    may see people."""

    audit: AuditJson = prop(ref("Audit"))
    models: list[ModelJson] = prop(list_of("AuditModel"))
    present: list[DeviceJson] = withholdable_prop(list_of("AuditDevice", _PEOPLE))
    missing: list[DeviceJson] = withholdable_prop(list_of("AuditDevice", _PEOPLE))
    unexpected: list[ScanJson] = withholdable_prop(list_of("AuditScan", _PEOPLE))
    unknown: list[ScanJson] = withholdable_prop(list_of("AuditScan", _PEOPLE))
    pending: list[ScanJson] = withholdable_prop(
        list_of("AuditScan", f"scans waiting for RT to classify them; {_PEOPLE}")
    )
    actions: list[ActionJson] = withholdable_prop(list_of("AuditAction", _PEOPLE))

    @classmethod
    def of(
        cls,
        audit: Audit,
        result: AuditResult,
        actions: list[ActionEntry] | None,
    ) -> AuditDetailJson:
        people = actions is not None
        models = [ModelJson.of(m) for m in result.models]
        head = AuditJson.of(audit, result, people)
        if actions is None:
            return cls(head, models)
        return cls(
            head,
            models,
            present=[DeviceJson.of(e) for e in result.present],
            missing=[DeviceJson.of(e) for e in result.missing],
            unexpected=[ScanJson.of(e) for e in result.unexpected],
            unknown=[ScanJson.of(e) for e in result.unknown],
            pending=[ScanJson.of(e) for e in result.pending],
            actions=[ActionJson.of(a) for a in actions],
        )


@frozen
class ScanAnswerJson:
    """One scan: what it was, whether it repeated an earlier one, and the counts now."""

    outcome: str = prop(_OUTCOME)
    repeat: bool = prop({"type": "boolean", "description": "scanned before: counted once"})
    scan: ScanJson = prop(ref("AuditScan"))
    counts: CountsJson = prop(ref("AuditCounts"))

    @classmethod
    def of(cls, done: ScanResult, result: AuditResult) -> ScanAnswerJson:
        entry = done.entry
        return cls(entry.outcome, done.is_repeat, ScanJson.of(entry), CountsJson.of(result))


@frozen
class FinishJson:
    """The finished audit and the queued job writing ``Last Audited``."""

    audit: AuditJson = prop(ref("Audit"))
    job_id: str = prop({**STRING, "description": "GET /api/v1/jobs/{id} follows it"})
    job_state: str = prop(STRING)

    @classmethod
    def of(cls, audit: Audit, result: AuditResult, job: Job) -> FinishJson:
        return cls(AuditJson.of(audit, result, True), job.id, job.state)


@frozen
class OutcomeJson(FieldsFrom[ActionOutcome]):
    asset_id: int = prop(ID)
    tag: str = prop(STRING)
    ok: bool = prop({"type": "boolean"})
    message: str = prop(STRING)


@frozen
class BulkJson:
    """One line per device of a bulk action; the others go on when one is refused."""

    items: list[OutcomeJson] = prop(list_of("AuditActionOutcome"))
    done: int = prop(COUNT)


@frozen
class OverdueItemJson:
    asset_id: int = prop(ID)
    tag: str = prop(STRING)
    catalog: str = prop(STRING)
    model: str = prop(STRING)
    location: str = prop(STRING)
    last_audited: str = prop({**STRING, "description": "'' if never"})

    @classmethod
    def of(cls, a: Asset, options: AuditOptions) -> OverdueItemJson:
        return cls(
            a.id,
            a.name,
            a.catalog,
            a.cf(options.model_field),
            a.cf(options.location_field),
            a.cf(options.audited_field),
        )


@frozen
class OverdueJson:
    """Devices not audited for longer than AUDIT_OVERDUE_DAYS (never audited first)."""

    overdue_days: int = prop({"type": "integer", "minimum": 1})
    items: list[OverdueItemJson] = prop(list_of("OverdueDevice"))
    count: int = prop(COUNT)


SCHEMAS: dict[str, Any] = {
    "AuditCounts": object_schema(CountsJson),
    "Audit": object_schema(AuditJson),
    "AuditList": object_schema(AuditListJson),
    "AuditDevice": object_schema(DeviceJson),
    "AuditScan": object_schema(ScanJson),
    "AuditModel": object_schema(ModelJson),
    "AuditAction": object_schema(ActionJson),
    "AuditDetail": object_schema(AuditDetailJson),
    "AuditScanResult": object_schema(ScanAnswerJson),
    "AuditFinish": object_schema(FinishJson),
    "AuditActionOutcome": object_schema(OutcomeJson),
    "AuditBulkResult": object_schema(BulkJson),
    "OverdueDevice": object_schema(OverdueItemJson),
    "OverdueList": object_schema(OverdueJson),
}
