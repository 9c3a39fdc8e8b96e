"""The desk's scans while RT cannot be reached: a device by its tag, a person from the
roster or the loan log, and their devices as last known; writes go to the outbox.

Every answer says it is the last known state (``last_known``) and how old the device's
record is; RT has the last word when the outbox is replayed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify

from rtutils_core.assets import Asset, User
from rtutils_core.errors import InvalidInput, NotFound
from rtutils_core.outbox import Target
from rtutils_web import services
from rtutils_web.http.answers import to_json
from rtutils_web.http.errors import error_response
from rtutils_web.loans import actions, desk_scans
from rtutils_web.loans.schema import LoanAssetJson, PersonJson


def live_or_offline(live: Callable[[], Response], offline: Callable[[], Response]) -> Response:
    """``live()`` while RT answers; ``offline()`` while it cannot be reached, at once when it
    could not a moment ago (the desk keeps its pace)."""
    return services.outbox().live_or_known(live, offline)


def asset_of(target: Target, holder: str | None = None) -> Asset:
    """A device the desk knows by its tag: as last seen in RT, else its tag alone."""
    if target.known is not None:
        return target.known.asset
    return Asset(target.asset_id, target.tag, "", "", holder)


def held_as_known(user: User) -> list[LoanAssetJson]:
    """The devices ``user`` holds as far as this service knows (the loan log, the outbox)."""
    held = services.outbox().offline.held_by(user.name)
    options = services.loans().options
    return [LoanAssetJson.of(asset_of(t, user.name), options) for t in held]


def person_answer(user: User, how: str = "last known") -> Response:
    """A person, and the devices they hold as far as this service knows."""
    assets = [to_json(a) for a in held_as_known(user)]
    return jsonify(
        {
            "kind": "person",
            "how": how,
            "student_id": None,
            "person": to_json(PersonJson.of(user)),
            "assets": assets,
            "last_known": True,
        }
    )


def _device(scan: str) -> Target | None:
    """The device a tag-shaped scan names, or None for a scan that is no tag."""
    try:
        return services.outbox().offline.device(scan)
    except InvalidInput:
        return None


def _person(scan: str) -> User | None:
    try:
        return services.outbox().offline.person(scan)
    except (NotFound, InvalidInput):
        return None


def _nothing() -> Response:
    return error_response(
        404,
        "nothing_found",
        "RT cannot be reached, and this scan is no tag and no person known here; if a person"
        " was being served, the desk forgot them: scan their card again",
        {"clears_person": True, "last_known": True},
    )


def check_out(scan: str, body: dict[str, Any], person: Any, expected: str) -> Response:
    """One scan of the check-out page without RT."""
    if expected == "person" or not isinstance(person, str) or not person.strip():
        found = _person(scan)
        if found is not None:
            return person_answer(found)
    target = _device(scan)
    if target is None:
        found = _person(scan)
        return person_answer(found) if found is not None else _nothing()
    if not isinstance(person, str) or not person.strip():
        return desk_scans.no_person_answer(asset_of(target))
    return desk_scans.device_answer(actions.check_out(target, body))


def check_in(scan: str, body: dict[str, Any]) -> Response:
    """One scan of the check-in page without RT."""
    target = _device(scan)
    if target is not None:
        return desk_scans.device_answer(actions.check_in(target, body))
    found = _person(scan)
    return person_answer(found) if found is not None else _nothing()
