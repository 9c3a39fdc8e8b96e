"""What the API and the desk pages do alike: check out, check in, open a ticket again.

Both call these, so the two front doors cannot drift apart. Log lines carry RT ids (asset,
user, loan, ticket), never a student's name: the people at the desk are students.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import Forbidden

from rtutils_core.assets import Asset, User
from rtutils_core.due.jobs import queue_receipt
from rtutils_core.errors import BackendUnreachable, HeldByAnother, InvalidInput, RtutilsError
from rtutils_core.outbox import Accepted, Target
from rtutils_web import services
from rtutils_web.access.auth import current_principal
from rtutils_web.http.bodies import parse_body
from rtutils_web.http.errors import error_response, status_for
from rtutils_web.http.queued import QueuedJson
from rtutils_web.loans import desk_scans
from rtutils_web.loans.schema import (
    CheckInAllItemJson,
    CheckInAllJson,
    CheckInBody,
    CheckInJson,
    CheckOutBody,
    CheckOutJson,
    LoanEventJson,
    PersonJson,
    due_date,
)
from rtutils_web.logs import get_logger

log = get_logger("rtutils.loans")


def target_of(asset: int | Asset) -> Target:
    """The device of a write: found in RT (an asset) or named by id (the API)."""
    if isinstance(asset, Asset):
        return Target(asset.id, asset.name.strip())
    return services.outbox().offline.target(asset)


def person(text: str) -> User:
    """The person a check-out is for: from RT, or while RT cannot be reached from the
    roster and the loan log, or as the login name given (RT is asked for it when the
    check-out is replayed)."""
    outbox = services.outbox()
    if not outbox.is_rt_away():
        try:
            return desk_scans.person_of(text)
        except BackendUnreachable as error:
            outbox.rt_went_away(error)
    return outbox.offline.person(text, known_only=False)


def check_out(asset: int | Asset | Target, raw: Any) -> CheckOutJson | QueuedJson:
    """Check the device out as the body says (force needs the admin role); while RT cannot
    be reached it is accepted into the outbox (:class:`QueuedJson`)."""
    body = parse_body(raw, CheckOutBody)
    principal = current_principal()
    if body.force and not (principal and principal.may("admin")):
        raise Forbidden("forcing a check-out of a device someone else holds needs the admin role")
    target = asset if isinstance(asset, Target) else target_of(asset)
    done = services.outbox().check_out(
        target,
        person(body.person),
        operator=services.actor(),
        request_id=services.request_id(),
        key=services.idempotency_key(),
        due=due_date(body.due, date.today()),
        force=body.force,
    )
    if isinstance(done, Accepted):
        return _queued(done)
    if done.event is not None:
        _queue_receipt(done.event.id)
    log.info(
        "loan_check_out",
        asset_id=target.asset_id,
        person_id=done.person.id,
        loan_id=done.event.id if done.event else None,
        changed=done.changed,
        forced=bool(done.event and done.event.forced),
    )
    return CheckOutJson.of(done, services.loans().options)


def _queue_receipt(loan_id: int) -> None:
    """Hand the check-out's receipt to the job worker, when mail is set up and receipts on
    (a check-out the outbox replays queues its own).

    A queue that cannot be reached costs the receipt, never the check-out (logged)."""
    settings = services.settings()
    if not (settings.mail_is_set_up and "receipt" in settings.notices):
        return
    try:
        job = queue_receipt(services.jobs(), loan_id)
    except RtutilsError as error:
        log.warning("receipt_not_queued", loan_id=loan_id, error_code=error.code)
        return
    log.info("receipt_queued", loan_id=loan_id, job_id=job.id)


def check_in(asset: int | Asset | Target, raw: Any) -> CheckInJson | QueuedJson:
    """Check the device in with the body's condition, damages and note; while RT cannot be
    reached it is accepted into the outbox (:class:`QueuedJson`)."""
    damages = raw.get("damages") if isinstance(raw, dict) else None
    if damages is not None and not isinstance(damages, list):
        raise InvalidInput("invalid request body: body.damages must be a list of names")
    body = parse_body(raw, CheckInBody)
    target = asset if isinstance(asset, Target) else target_of(asset)
    done = services.outbox().check_in(
        target,
        operator=services.actor(),
        request_id=services.request_id(),
        key=services.idempotency_key(),
        condition=body.condition,  # type: ignore[arg-type]  # checked by the service
        damages=body.damages or (),
        note=body.note,
        open_ticket=body.ticket,
    )
    if isinstance(done, Accepted):
        return _queued(done)
    log.info(
        "loan_check_in",
        asset_id=target.asset_id,
        loan_id=done.event.id,
        condition=done.event.condition,
        ticket_id=done.ticket_id,
        ticket_failed=bool(done.ticket_error),
    )
    return CheckInJson.of(done, services.loans().options, date.today())


def _queued(accepted: Accepted) -> QueuedJson:
    op = accepted.operation
    log.info(
        "loan_queued",
        operation_id=op.id,
        kind=op.kind,
        asset_id=op.asset_id,
        position=accepted.position,
        repeated=accepted.repeated,
    )
    return QueuedJson.of(accepted)


def reopen_ticket(loan_id: int) -> LoanEventJson:
    """Open the repair ticket of a check-in whose ticket failed."""
    event = services.loans().reopen_ticket(loan_id)
    log.info("loan_ticket_reopened", loan_id=loan_id, ticket_id=event.ticket_id)
    return LoanEventJson.of(event)


def check_in_all(person: str) -> CheckInAllJson:
    """Check in every device ``person`` holds, condition ok."""
    loans = services.loans()
    user = desk_scans.person_of(person)
    results = loans.check_in_all(user, operator=services.actor(), request_id=services.request_id())
    items = []
    for result in results:
        if isinstance(result, RtutilsError):
            items.append(CheckInAllItemJson(None, False, result.message, None))
        else:
            answer = CheckInJson.of(result, loans.options)
            items.append(CheckInAllItemJson(result.asset.id, True, "", answer))
    log.info("loan_check_in_all", person_id=user.id, devices=len(items))
    return CheckInAllJson(PersonJson.of(user), items)


def quiet_errors(bp: Blueprint, words: Callable[[RtutilsError], str] | None = None) -> None:
    """Answer the core's errors as the app does, but log their code only: the messages name
    people (a holder, a person not found), and logs carry ids. ``words`` rewords a message
    (the desk pages speak the desk's words)."""

    @bp.errorhandler(RtutilsError)
    def _loan_error(error: RtutilsError) -> Response:
        status = status_for(error)
        log.warning(
            "request_failed",
            error_code=error.code,
            status=status,
            asset_id=(request.view_args or {}).get("asset_id"),
        )
        details = {"holders": list(error.holders)} if isinstance(error, HeldByAnother) else None
        message = words(error) if words else error.message
        return error_response(status, error.code, message, details)
