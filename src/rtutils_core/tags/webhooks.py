"""The old tool's "asset created" webhook, backed by the tag service.

The old tool tagged an asset when RT called ``POST /webhook/asset-created`` with
``{"asset_id", "event", "timestamp"}`` and answered ``{"message", "asset_id", "asset_tag",
"previous_name"}``. RT 5 has no asset scrips, so only RT 6 (or a script) calls it; the web
shell keeps the route for them, guarded by a shared secret: sent as is in a header, or as
an HMAC-SHA256 of the body. A body that carries a ``timestamp`` must be fresh (within
:data:`TIMESTAMP_WINDOW` of this server's clock), so that a signed body cannot be sent again
days later. The call is idempotent: the same asset posted again, even at
the same moment, keeps its one tag and every answer names it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import attrs
from attrs import frozen

from rtutils_core.errors import InvalidInput
from rtutils_core.tags.service import TagService

#: The header carrying the secret itself.
SECRET_HEADER = "X-Webhook-Secret"  # noqa: S105 - a header name, not a secret
#: The header carrying ``sha256=<hex HMAC-SHA256 of the body, keyed with the secret>``.
SIGNATURE_HEADER = "X-Webhook-Signature"
ACTOR = "webhook"
#: How far a body's ``timestamp`` may be from this server's clock, either way.
TIMESTAMP_WINDOW = timedelta(minutes=5)


def is_authentic(
    secret: str, body: bytes, *, given_secret: str | None, signature: str | None
) -> bool:
    """True if the request carries ``secret`` or a valid HMAC of ``body``; constant time."""
    if not secret:
        return False  # no secret configured: the route is off
    if given_secret is not None and hmac.compare_digest(
        given_secret.encode("utf-8"), secret.encode("utf-8")
    ):
        return True
    if signature is None:
        return False
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.strip().lower().encode("utf-8"), expected.encode())


@frozen
class AssetCreatedAnswer:
    """The old tool's answer shape."""

    message: str
    asset_id: int
    asset_tag: str
    previous_name: str

    def as_json(self) -> dict[str, object]:
        return attrs.asdict(self)


def read_asset_id(payload: object) -> int:
    """The asset id of a webhook body, or :class:`InvalidInput` naming what is wrong."""
    if not isinstance(payload, Mapping):
        raise InvalidInput('the body must be a JSON object such as {"asset_id": 42}')
    value = payload.get("asset_id")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"asset_id must be a positive whole number, not {value!r}")
    return value


def check_timestamp(payload: object, now: datetime) -> None:
    """Refuse a body whose ``timestamp`` (ISO 8601; UTC if it names no zone) is further than
    :data:`TIMESTAMP_WINDOW` from ``now``: a replay, or a clock to set right. A body without
    one passes."""
    if not isinstance(payload, Mapping) or payload.get("timestamp") is None:
        return
    raw = payload["timestamp"]
    try:
        sent = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        sent = None
    if sent is None:
        shown = repr(raw)[:40]
        raise InvalidInput(f"timestamp must be a time such as 2025-03-01T08:00:00Z, not {shown}")
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if abs(sent - now) > TIMESTAMP_WINDOW:
        window = int(TIMESTAMP_WINDOW.total_seconds())
        raise InvalidInput(
            f"timestamp {raw[:40]!r} is more than {window} s away from this server's clock"
            " (UTC): a body is accepted only when fresh; send a new one"
        )


def asset_created(
    tags: TagService, payload: object, *, prefix: str | None = None, request_id: str = ""
) -> AssetCreatedAnswer:
    """Tag the asset the webhook names (if it has no tag yet) and answer as the old tool did.

    An unknown asset is :class:`~rtutils_core.errors.AssetNotFound`.
    """
    asset_id = read_asset_id(payload)
    previous = tags.backend.get_asset(asset_id).name
    issue = tags.issue_tag(asset_id, prefix, actor=ACTOR, request_id=request_id)
    if issue.status == "assigned":
        message = f"asset {asset_id} tagged {issue.tag}"
    else:
        message = f"asset {asset_id} carries {issue.tag} already"
    return AssetCreatedAnswer(message, asset_id, str(issue.tag), previous)
