"""The error hierarchy of rtutils.

Adapters translate transport failures into these; the web shell maps each class to one HTTP
status in one table. Every error carries a stable machine-readable ``code``.
"""

from __future__ import annotations

#: How much of a caller's text an error message quotes; the rest is elided.
SHOWN_CHARACTERS = 40


def shown(text: str) -> str:
    """``text`` quoted for an error message, cut short: a message never echoes a whole upload."""
    if len(text) <= SHOWN_CHARACTERS:
        return repr(text)
    return f"{text[:SHOWN_CHARACTERS]!r}... ({len(text)} characters)"


class RtutilsError(Exception):
    """Base of every error rtutils raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(RtutilsError):
    """The caller asked for something malformed; the message names the problem."""

    code = "invalid_input"


class InvalidTag(InvalidInput):
    """Text that is not a tag of the expected form."""

    code = "invalid_tag"


class ConfigError(RtutilsError):
    """A setting is missing or wrong; start-up stops with this message."""

    code = "config_error"


class LayoutError(ConfigError):
    """A label template does not fit its page or the printer's printable area."""

    code = "layout_error"


class NotFound(RtutilsError):
    code = "not_found"


class AssetNotFound(NotFound):
    code = "asset_not_found"


class TagNotFound(NotFound):
    code = "tag_not_found"


class UserNotFound(NotFound):
    code = "user_not_found"


class CatalogNotFound(NotFound):
    code = "catalog_not_found"


class Conflict(RtutilsError):
    code = "conflict"


class TagConflict(Conflict):
    """A tag would be handed out twice, or a sequence change would allow that."""

    code = "tag_conflict"


class AssetChanged(Conflict):
    """The asset changed in the backend since it was read (RT answered 412)."""

    code = "asset_changed"


class BackendError(RtutilsError):
    code = "backend_error"


class BackendUnavailable(BackendError):
    """The backend could not be reached or answered with a server error."""

    code = "backend_unavailable"


class BackendUnreachable(BackendUnavailable):
    """The backend did not answer at all: the connection was refused or reset, it timed out,
    or a gateway in front of it answered 502, 503 or 504.

    Nothing says the backend refused the request; the desk's writes wait in the outbox
    (``rtutils_core.outbox``) until it answers again.
    """

    code = "backend_unreachable"


class BackendTimeout(BackendUnreachable):
    code = "backend_timeout"


class BackendRejected(BackendError):
    """The backend understood the request and refused it; the message is the backend's."""

    code = "backend_rejected"


class BackendAuthFailed(BackendError):
    """The backend refused our credentials (bad token) or lacks a right."""

    code = "backend_auth_failed"


class UntrustworthyResult(BackendError):
    """The backend answered, but the answer does not match what was asked.

    RT silently ignores search conditions it does not understand and then returns other
    assets; we refuse to pass such a result on.
    """

    code = "untrustworthy_result"


class SchemaTooNew(ConfigError):
    """A store's database was written by a newer version of rtutils; it is left untouched."""

    code = "schema_too_new"


class BatchTooLarge(InvalidInput):
    """More labels (or other items) asked for at once than one batch may hold."""

    code = "batch_too_large"


class _Incomplete(RtutilsError):
    """A strict batch that would leave something out; ``details`` lists what."""

    code = "batch_incomplete"

    def __init__(self, message: str, missing: tuple[str, ...], refused: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing
        self.refused = refused

    def details(self) -> dict[str, list[str]]:
        return {"missing": list(self.missing), "refused": list(self.refused)}


class BatchMissing(_Incomplete, NotFound):
    """A strict batch named tags or asset ids that do not exist."""


class BatchRefused(_Incomplete, Conflict):
    """A strict batch found every asset, but some cannot be printed yet (no tag)."""


class PersonNotFound(UserNotFound):
    """No backend user answers to the scanned or typed person (nobody was created)."""

    code = "person_not_found"


class LoanNotFound(NotFound):
    """No loan log event has that id."""

    code = "loan_not_found"


class HeldByAnother(Conflict):
    """A check-out of a device that someone else holds; ``holders`` names them."""

    code = "held_by_another"

    def __init__(self, message: str, holders: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.holders = holders


class HolderChanged(Conflict):
    """A device is held by someone other than the desk knew when it took the check-in back
    (it was handed to someone else in RT meanwhile); ``holders`` names who holds it now."""

    code = "holder_changed"

    def __init__(self, message: str, holders: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.holders = holders


class AlreadyCheckedIn(Conflict):
    """A check-in of a device that nobody holds (perhaps checked in a moment ago)."""

    code = "already_checked_in"


class LoanConflict(Conflict):
    """The loan log already holds what would be written twice (a ticket, a concurrent loan)."""

    code = "loan_conflict"


class DeviceNotFound(NotFound):
    """No Chrome OS device with that id in the Google Admin directory."""

    code = "device_not_found"


class PrinterNotFound(NotFound):
    """No printer of that name is configured."""

    code = "printer_not_found"


class PrintJobNotFound(NotFound):
    code = "print_job_not_found"


class PrintJobConflict(Conflict):
    """The print job is not in a state that allows this (e.g. a retry while it is sending)."""

    code = "print_job_conflict"


class PrintFailed(BackendError):
    """The printer did not take the label: off, refusing, hanging or reporting an error.

    The message is the reason, written for the person at the desk.
    """

    code = "print_failed"


class InvalidField(InvalidInput):
    """One named input field is wrong; ``field`` is its name as the caller sent it."""

    code = "invalid_field"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def details(self) -> dict[str, str]:
        return {"field": self.field}


class DuplicateSerial(Conflict):
    """A device with this serial number exists already (or is being received right now).

    ``asset_id`` and ``tag`` name the asset that has it; ``asset_id`` is ``None`` while another
    submission is still creating it.
    """

    code = "duplicate_serial"

    def __init__(self, message: str, *, serial: str, asset_id: int | None, tag: str) -> None:
        super().__init__(message)
        self.serial = serial
        self.asset_id = asset_id
        self.tag = tag

    def details(self) -> dict[str, str | int | None]:
        return {"serial": self.serial, "asset_id": self.asset_id, "tag": self.tag}


class IdempotencyKeyReused(Conflict):
    """An idempotency key came back with a different request than the one it first carried."""

    code = "idempotency_key_reused"


class SubmissionInProgress(Conflict):
    """Another request under the same idempotency key is being processed right now."""

    code = "submission_in_progress"


class JobNotFound(NotFound):
    code = "job_not_found"


class JobConflict(Conflict):
    """A job that runs one at a time is queued or running already; the message names it."""

    code = "job_conflict"


class NotConfigured(NotFound):
    """A part of the service that its settings leave off was asked for (it is not there, as
    the webhook without its secret); the message says which settings turn it on."""

    code = "not_configured"


class ImportNotFinished(Conflict):
    """An import's result file was asked for before the import ended, or it failed."""

    code = "import_not_finished"


class StudentNotFound(NotFound):
    """No student with that student id in the roster."""

    code = "student_not_found"


class RosterFileInvalid(InvalidInput):
    """A roster file that cannot be read at all (not CSV, a mapped column missing)."""

    code = "roster_file_invalid"


class AuditNotFound(NotFound):
    """No audit with that id."""

    code = "audit_not_found"


class AuditFinished(Conflict):
    """The audit is finished: it takes no more scans."""

    code = "audit_finished"


class ScansPending(Conflict):
    """The audit has scans RT has not classified yet (it could not be reached)."""

    code = "audit_scans_pending"


class NotADevice(Conflict):
    """A scan named a person where only devices are counted (an audit)."""

    code = "not_a_device"


class NoticeNotFound(NotFound):
    """No notice with that id in the notice log."""

    code = "notice_not_found"


class MailDeferred(BackendUnavailable):
    """The mail server said "later" (a 4xx answer) or could not be reached: try again."""

    code = "mail_deferred"


class MailRejected(BackendRejected):
    """The mail server refused a mail for good (a 5xx answer); sending it again won't help."""

    code = "mail_rejected"


class OperationNotFound(NotFound):
    """No operation of the outbox has that id."""

    code = "operation_not_found"


class OutboxConflict(Conflict):
    """An outbox operation is not in a state that allows this (retrying one that is done)."""

    code = "outbox_conflict"
