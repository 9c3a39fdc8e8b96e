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


class BackendTimeout(BackendUnavailable):
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


class AlreadyCheckedIn(Conflict):
    """A check-in of a device that nobody holds (perhaps checked in a moment ago)."""

    code = "already_checked_in"


class LoanConflict(Conflict):
    """The loan log already holds what would be written twice (a ticket, a concurrent loan)."""

    code = "loan_conflict"


class JobNotFound(NotFound):
    code = "job_not_found"
