"""Desk pages for tags: issue one to an untagged asset, the event log, the sequences (admin)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import RtutilsError
from rtutils_core.outbox import Accepted
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.errors import status_for
from rtutils_web.http.query import takes_query
from rtutils_web.logs import get_logger
from rtutils_web.tags.schema import EVENT_FILTERS, event_query

bp = Blueprint("pages_tags", __name__)
log = get_logger("rtutils.tags")


@bp.post("/assets/<int:asset_id>/tag")
@requires("operator")
def issue(asset_id: int) -> Response:
    """Issue the next tag of the chosen prefix, then show the asset with it."""
    prefix = request.form.get("prefix") or None
    try:
        issued = services.device_desk().issue_tag(
            asset_id,
            prefix,
            actor=services.actor(),
            request_id=services.request_id(),
            key=services.idempotency_key(),
        )
    except RtutilsError as error:
        flash(f"No tag was issued: {error.message}", "error")
        return redirect(url_for("pages.asset", asset_id=asset_id))
    if isinstance(issued, Accepted):
        op = issued.operation
        log.info("tag_queued", asset_id=asset_id, tag=op.tag, operation_id=op.id)
        flash(
            f"RT cannot be reached: {op.tag} is reserved for this asset and written to Request"
            f" Tracker when it answers again ({issued.position} of {issued.waiting} waiting"
            " in the outbox).",
            "ok",
        )
        return redirect(url_for("pages.asset", asset_id=asset_id))
    tag = str(issued.tag)
    log.info(
        "tag_issued", asset_id=asset_id, tag=tag, prefix=issued.tag.prefix, status=issued.status
    )
    if issued.status == "assigned":
        flash(f"Issued {tag}. The asset's Name in Request Tracker is now {tag}.", "ok")
    else:
        flash(f"This asset carries {tag} already; no new tag was issued.", "ok")
    return redirect(url_for("pages.asset", asset_id=asset_id))


@bp.get("/events")
@takes_query(*EVENT_FILTERS)
def events() -> tuple[str, int]:
    """The tag event log with filters, newest first."""
    args = {k: v.strip() for k, v in request.args.items() if v.strip()}
    error, found, status = "", [], 200
    try:
        found = list(services.tags().events(event_query(args, services.settings().tag_formats)))
    except RtutilsError as exc:
        error, status = exc.message, status_for(exc)
    csv_args = {k: v for k, v in args.items() if k != "limit"}
    return (
        render_template(
            "tags/events.html", events=found, args=args, csv_args=csv_args, error=error
        ),
        status,
    )


def _sequences_page(error: str = "", status: int = 200) -> tuple[str, int]:
    tags = services.tags()
    rows = [(fmt, tags.preview_next(fmt.prefix)) for fmt in services.settings().tag_formats.all]
    return render_template("tags/sequences.html", rows=rows, error=error), status


@bp.get("/admin/sequences")
@requires("admin")
def sequences() -> tuple[str, int]:
    """Each prefix and its next tag, with the form to move one."""
    return _sequences_page()


@bp.post("/admin/sequences")
@requires("admin")
def set_sequence() -> tuple[str, int] | Response:
    """Move a sequence; refused at or below an existing tag unless forced."""
    try:
        number = whole_number(request.form.get("next", "").strip(), "the next number")
        tag = services.tags().set_next(
            request.form.get("prefix") or None,
            number,
            force=request.form.get("force") == "yes",
            actor=services.actor(),
            request_id=services.request_id(),
        )
    except RtutilsError as error:
        # The page's words for the API's field: the box on this form.
        message = error.message.replace(
            "(or force the change)", "(or tick “Even at or below a tag already issued”)"
        )
        return _sequences_page(message, status_for(error))
    log.warning(
        "sequence_set",
        prefix=tag.prefix,
        tag=str(tag),
        next=number,
        force=request.form.get("force") == "yes",
    )
    flash(f"The next {tag.prefix} tag is now {tag}.", "ok")
    return redirect(url_for("pages_tags.sequences"))
