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
from rtutils_web.http.answers import object_schema, prop, withholdable_prop
from rtutils_web.http.bodies import MAX_WHOLE

_STRING = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_ID = {"type": "integer", "minimum": 1}
_TIME = {"type": "string", "format": "date-time"}
_PEOPLE = "operator role only (it may name people)"
_OUTCOME = {
    "type": "string",
    "enum": list(OUTCOMES),
    "description": f"pending: {PENDING_REASON} (the answer is 202)",
}
#: An audit id in a URL, as the document states it (a larger one names no audit: 404).
AUDIT_ID = f"int(min=1, max={MAX_WHOLE})"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str, description: str = "") -> dict[str, Any]:
    listed: dict[str, Any] = {"type": "array", "items": _ref(name)}
    return {**listed, "description": description} if description else listed


# -- answers -----------------------------------------------------------------------------


@frozen
class CountsJson:
    expected: int = prop(_COUNT)
    present: int = prop(_COUNT)
    missing: int = prop(_COUNT)
    unexpected: int = prop(_COUNT)
    unknown: int = prop(_COUNT)
    pending: int = prop({**_COUNT, "description": "scans waiting for RT to classify them"})

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

    id: int = prop(_ID)
    name: str = prop(_STRING)
    scope_kind: str = prop({"type": "string", "enum": list(SCOPE_KINDS)})
    scope: str = prop({**_STRING, "description": "the scope in words"})
    state: str = prop({"type": "string", "enum": ["open", "finished"]})
    created: datetime = prop(_TIME)
    created_by: str = prop(_STRING)
    finished: datetime | None = prop({"type": ["string", "null"], "format": "date-time"})
    counts: CountsJson = prop(_ref("AuditCounts"))

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
    audits: list[AuditJson] = prop(_list("Audit"))
    count: int = prop(_COUNT)


@frozen
class DeviceJson:
    """A device of the expected set, as RT had it when the audit started."""

    asset_id: int = prop(_ID)
    tag: str = prop(_STRING)
    model: str = prop(_STRING)
    status: str = prop(_STRING)
    location: str = prop(_STRING)

    @classmethod
    def of(cls, e: ExpectedAsset) -> DeviceJson:
        return cls(e.asset_id, e.tag, e.model, e.status, e.location)


@frozen
class ScanJson:
    """A scan kept: what was typed, what it was, and why."""

    id: int = prop(_ID)
    at: datetime = prop(_TIME)
    text: str = prop(_STRING)
    outcome: str = prop(_OUTCOME)
    asset_id: int | None = prop({"type": ["integer", "null"]})
    tag: str = prop(_STRING)
    model: str = prop(_STRING)
    reason: str = prop(_STRING)
    desk: str = prop(_STRING)

    @classmethod
    def of(cls, e: ScanEntry) -> ScanJson:
        return cls(e.id, e.at, e.text, e.outcome, e.asset_id, e.tag, e.model, e.reason, e.desk)


@frozen
class ModelJson:
    model: str = prop({**_STRING, "description": "'' for devices without a model"})
    expected: int = prop(_COUNT)
    present: int = prop(_COUNT)
    missing: int = prop(_COUNT)
    unexpected: int = prop(_COUNT)

    @classmethod
    def of(cls, m: ModelFigures) -> ModelJson:
        return cls(m.model, m.expected, m.present, m.missing, m.unexpected)


@frozen
class ActionJson:
    """A change an audit wrote to RT (or that RT refused: ``error``)."""

    id: int = prop(_ID)
    at: datetime = prop(_TIME)
    kind: str = prop({"type": "string", "enum": ["lost", "moved", "audited"]})
    asset_id: int = prop(_ID)
    tag: str = prop(_STRING)
    operator: str = prop(_STRING)
    comment: str = prop(_STRING)
    error: str = prop(_STRING)
    ticket_id: int | None = prop(
        {"type": ["integer", "null"], "description": "the ticket of a device marked lost"}
    )
    ticket_error: str = prop({**_STRING, "description": "why no ticket was opened"})

    @classmethod
    def of(cls, a: ActionEntry) -> ActionJson:
        return cls(
            a.id,
            a.at,
            a.kind,
            a.asset_id,
            a.tag,
            a.operator,
            a.comment,
            a.error,
            a.ticket_id,
            a.ticket_error,
        )


@frozen
class AuditDetailJson:
    """An audit: its counts and figures per model; its devices, scans and log for those who
    may see people."""

    audit: AuditJson = prop(_ref("Audit"))
    models: list[ModelJson] = prop(_list("AuditModel"))
    present: list[DeviceJson] = withholdable_prop(_list("AuditDevice", _PEOPLE))
    missing: list[DeviceJson] = withholdable_prop(_list("AuditDevice", _PEOPLE))
    unexpected: list[ScanJson] = withholdable_prop(_list("AuditScan", _PEOPLE))
    unknown: list[ScanJson] = withholdable_prop(_list("AuditScan", _PEOPLE))
    pending: list[ScanJson] = withholdable_prop(
        _list("AuditScan", f"scans waiting for RT to classify them; {_PEOPLE}")
    )
    actions: list[ActionJson] = withholdable_prop(_list("AuditAction", _PEOPLE))

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
    scan: ScanJson = prop(_ref("AuditScan"))
    counts: CountsJson = prop(_ref("AuditCounts"))

    @classmethod
    def of(cls, done: ScanResult, result: AuditResult) -> ScanAnswerJson:
        entry = done.entry
        return cls(entry.outcome, done.is_repeat, ScanJson.of(entry), CountsJson.of(result))


@frozen
class FinishJson:
    """The finished audit and the queued job writing ``Last Audited``."""

    audit: AuditJson = prop(_ref("Audit"))
    job_id: str = prop({**_STRING, "description": "GET /api/v1/jobs/{id} follows it"})
    job_state: str = prop(_STRING)

    @classmethod
    def of(cls, audit: Audit, result: AuditResult, job: Job) -> FinishJson:
        return cls(AuditJson.of(audit, result, True), job.id, job.state)


@frozen
class OutcomeJson:
    asset_id: int = prop(_ID)
    tag: str = prop(_STRING)
    ok: bool = prop({"type": "boolean"})
    message: str = prop(_STRING)

    @classmethod
    def of(cls, o: ActionOutcome) -> OutcomeJson:
        return cls(o.asset_id, o.tag, o.ok, o.message)


@frozen
class BulkJson:
    """One line per device of a bulk action; the others go on when one is refused."""

    items: list[OutcomeJson] = prop(_list("AuditActionOutcome"))
    done: int = prop(_COUNT)


@frozen
class OverdueItemJson:
    asset_id: int = prop(_ID)
    tag: str = prop(_STRING)
    catalog: str = prop(_STRING)
    model: str = prop(_STRING)
    location: str = prop(_STRING)
    last_audited: str = prop({**_STRING, "description": "'' if never"})

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
    items: list[OverdueItemJson] = prop(_list("OverdueDevice"))
    count: int = prop(_COUNT)


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
