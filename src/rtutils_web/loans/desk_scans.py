"""What a desk scan names and what the desk does with it.

A desk field takes whatever the scanner reads. A person scanned where a device was
expected (a forgotten Escape) switches the desk to that person and says so; a scan that
names nothing known, and is not shaped like a tag, may be a card of someone RT does not
know: the desk forgets the current person, so the next device cannot go to the previous
one. Messages are in the desk's words (no API field names).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response, jsonify, make_response

from rtutils_core.assets import Asset, User
from rtutils_core.errors import (
    AlreadyCheckedIn,
    HeldByAnother,
    InvalidInput,
    PersonNotFound,
    RtutilsError,
)
from rtutils_core.scans import Found
from rtutils_core.scans.service import ScanService
from rtutils_web import services
from rtutils_web.http.answers import to_json
from rtutils_web.http.errors import error_response
from rtutils_web.loans.schema import LoanAssetJson, PersonJson, dues_of


def scans() -> ScanService:
    return services.scans()


def person_of(text: str) -> User:
    """The RT user a person's text names: login, e-mail or a roster student id."""
    try:
        found = scans().identify(text, person_first=True)
    except InvalidInput:
        return services.loans().find_person(text)  # not a scan: RT's answer, as before
    if found.user is not None:
        return found.user
    if found.is_device and found.asset is not None:
        raise PersonNotFound(f"{found.text!r} is a device ({found.asset.name}), not a person")
    raise PersonNotFound(found.reason or f"no user {text!r} in RT (nobody was created)")


def person_answer(found: Found) -> Response:
    """A person was scanned: who, how they were found, and the devices they hold."""
    assert found.user is not None
    loans = services.loans()
    held = loans.person_loans(found.user)
    services.outbox().remember(held.assets)
    return jsonify(
        {
            "kind": "person",
            "how": found.how,
            "student_id": found.student.student_id if found.student else None,
            "person": to_json(PersonJson.of(found.user)),
            "assets": [to_json(LoanAssetJson.of(a, loans.options)) for a in held.assets],
            "due": [to_json(d) for d in dues_of(held.assets, loans, date.today())],
        }
    )


def nothing_answer(found: Found) -> Response:
    """Nothing known: a tag-shaped scan is a device not found; anything else may be an
    unknown person, so the desk forgets the current person (``clears_person``)."""
    message = found.reason
    if not found.is_tag_shaped:
        message += "; if a person was being served, the desk forgot them: scan their card again"
    return error_response(404, "nothing_found", message, {"clears_person": not found.is_tag_shaped})


def no_person_answer(asset: Asset) -> Response:
    return error_response(
        409,
        "person_needed",
        f"scan the person first: {asset.name} was not checked out",
        {"device": asset.name},
    )


def device_answer(answer: Any) -> Response:
    """A device's check-out or check-in: done (200), or queued while RT is away (202)."""
    status = 202 if getattr(answer, "queued", False) else 200
    return make_response(jsonify({"kind": "device", **to_json(answer)}), status)


#: The core's "asset 3 (W12-00003) is ..." messages: the device's name.
_NAMED = re.compile(r"^asset \d+ \((?P<name>.*)\) is ")


def desk_words(error: RtutilsError) -> str:
    """The core's message as the desk says it (no ``force``, no status names)."""
    named = _NAMED.match(error.message)
    name = named.group("name") if named else "the device"
    if isinstance(error, HeldByAnother):
        return f"{name} is with {', '.join(error.holders)}: check it in first"
    if isinstance(error, AlreadyCheckedIn):
        return f"{name} was already checked in"
    return error.message
