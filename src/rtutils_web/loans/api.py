"""JSON API of the loan desk: check-out, check-in, repair tickets, people, the loan log.

Operators write and read names; a viewer reads counts only (the data is about students).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request

from rtutils_core.errors import InvalidInput, NotFound
from rtutils_core.loans import LoanFilter
from rtutils_core.loans.export import loans_csv, outstanding_csv
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.access.people import people_shown, refuse_person_filter
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, whole_number
from rtutils_web.http.query import takes_query
from rtutils_web.http.queued import QueuedJson
from rtutils_web.http.request_context import private_path
from rtutils_web.loans import actions
from rtutils_web.loans.offline_scans import held_as_known
from rtutils_web.loans.schema import (
    LoanAssetJson,
    LoanEventJson,
    LoanListJson,
    OutstandingJson,
    PersonJson,
    PersonLoansJson,
    dues_of,
    moment,
)

bp = Blueprint("api_loans", __name__, url_prefix="/api/v1")
actions.quiet_errors(bp)
FILTERS = ("since", "until", "asset_id", "person")
#: One search of RT answers at most this many assets.
MAX_PER_PAGE = 100


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _answer(answer: object) -> tuple[Response, int]:
    """200 with what RT now holds, or 202 with the operation the outbox holds back."""
    return jsonify(to_json(answer)), 202 if isinstance(answer, QueuedJson) else 200


@bp.post("/assets/<asset_id>/check-out")
@requires("operator")
def check_out(asset_id: str) -> tuple[Response, int]:
    """Hand the device to a person; 409 naming the holder if someone else has it; 202 with
    the queued operation while RT cannot be reached."""
    return _answer(actions.check_out(whole_number(asset_id, "asset id"), json_body()))


@bp.post("/assets/<asset_id>/check-in")
@requires("operator")
def check_in(asset_id: str) -> tuple[Response, int]:
    """Take the device back; damage or a note opens a repair ticket that refers to it; 202
    with the queued operation while RT cannot be reached."""
    return _answer(actions.check_in(whole_number(asset_id, "asset id"), json_body()))


@bp.post("/loans/<loan_id>/ticket")
@requires("operator")
def reopen_ticket(loan_id: str) -> Response:
    """Open the repair ticket of a check-in whose ticket failed (no second check-in)."""
    return jsonify(to_json(actions.reopen_ticket(whole_number(loan_id, "loan id"))))


@bp.get("/people/<name>")
@requires("operator")
@private_path
def person(name: str) -> Response:
    """A person (login name or e-mail address) and the devices they hold; while RT cannot
    be reached, as this service last knew them (``last_known``)."""
    loans, outbox = services.loans(), services.outbox()

    def live() -> PersonLoansJson:
        held = loans.person_loans(name)
        outbox.remember(held.assets)  # what the desk goes on if RT goes away
        assets = [LoanAssetJson.of(a, loans.options) for a in held.assets]
        due = dues_of(held.assets, loans, date.today())
        return PersonLoansJson(PersonJson.of(held.person), assets, due)

    def known() -> PersonLoansJson | None:
        try:
            user = outbox.offline.person(name)
        except (NotFound, InvalidInput):
            return None  # never met here: RT's failure is the answer
        return PersonLoansJson(PersonJson.of(user), held_as_known(user), [], last_known=True)

    return jsonify(to_json(outbox.live_or_known(live, known)))


@bp.post("/people/<name>/check-in-all")
@requires("operator")
@private_path
def check_in_all(name: str) -> Response:
    """Check in every device the person holds (condition ok)."""
    return jsonify(to_json(actions.check_in_all(name)))


def _filter() -> LoanFilter:
    args = request.args
    asset_id = args.get("asset_id")
    return LoanFilter(
        since=moment(args.get("since"), "since"),
        until=moment(args.get("until"), "until", end_of_day=True),
        asset_id=whole_number(asset_id, "asset_id") if asset_id is not None else None,
        person=args.get("person") or None,
    )


@bp.get("/loans")
@takes_query(*FILTERS)
def loans() -> Response:
    """Loan log events, oldest first; a viewer gets the counts only."""
    query = _filter()
    refuse_person_filter(["person"] if query.person else [])
    shown = people_shown()
    events = services.loans().events(query)
    outs = sum(e.action == "check-out" for e in events)
    listed = [LoanEventJson.of(e) for e in events] if shown else []
    answer = LoanListJson(len(events), outs, len(events) - outs, shown, listed)
    return jsonify(to_json(answer))


@bp.get("/loans.csv")
@requires("operator")
@takes_query(*FILTERS)
def loans_as_csv() -> Response:
    """The loan log as CSV, one row per event."""
    return _csv(loans_csv(services.loans().events(_filter())), "loans")


@bp.get("/loans/outstanding")
@takes_query("catalog", "page", "per_page")
def outstanding() -> Response:
    """A page of the devices still out (one search); a viewer gets the total only."""
    page = whole_number(request.args.get("page", "1"), "page")
    per_page = whole_number(request.args.get("per_page", "100"), "per_page")
    if per_page > MAX_PER_PAGE:
        raise InvalidInput(f"per_page must be at most {MAX_PER_PAGE}, not {per_page}")
    loans = services.loans()
    result = loans.still_out(request.args.get("catalog") or None, page, per_page)
    shown = people_shown()
    items = [LoanAssetJson.of(a, loans.options) for a in result.items] if shown else []
    answer = OutstandingJson(result.page, result.per_page, result.total, result.pages, shown, items)
    return jsonify(to_json(answer))


@bp.get("/loans/outstanding.csv")
@requires("operator")
@takes_query("catalog")
def outstanding_as_csv() -> Response:
    """Every device still out, as CSV (one search per page of 100)."""
    loans = services.loans()
    assets = loans.iter_still_out(request.args.get("catalog") or None)
    return _csv(outstanding_csv(assets, loans.options), "outstanding")
