"""Desk page for batches of labels: from a pasted list of tags, or from a search."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from rtutils_core.errors import RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.batch_form import SEARCH_FIELDS, form_selection
from rtutils_web.http.errors import status_for
from rtutils_web.http.query import takes_query
from rtutils_web.labels.batches import batch_response, plan_batch

bp = Blueprint("pages_labels", __name__)
#: What the batch form can be filled in with from a link.
FORM_FIELDS = (*SEARCH_FIELDS, "source", "tags", "type", "template", "allow_missing")


def _form(error: str = "", status: int = 200, **extra: object) -> tuple[str, int]:
    html = render_template(
        "labels/batch.html",
        form=request.form if request.method == "POST" else request.args,
        templates=services.labels().template_names(),
        max_batch=services.settings().max_batch,
        error=error,
        **extra,
    )
    return html, status


@bp.get("/labels/batch")
@takes_query(*FORM_FIELDS)
@requires("operator")
def batch() -> tuple[str, int]:
    """The batch form."""
    return _form()


@bp.post("/labels/batch")
@requires("operator")
def batch_submit() -> tuple[str, int] | Response:
    """Check a batch (what would print, what is missing) or print it as one PDF."""
    template = request.form.get("template") or None
    allow_missing = request.form.get("allow_missing") == "yes"
    try:
        if template is not None:
            services.labels().check_template(template)
        selection = form_selection(request.form)
        plan = plan_batch(selection, template, allow_missing or request.form.get("do") == "check")
    except RtutilsError as error:
        details = error.details() if hasattr(error, "details") else {}
        # The page's words for the API's field: the box on this form.
        message = error.message.replace(
            "(allow_missing prints the others)", "(tick “Print the others if some are missing”)"
        )
        return _form(message, status_for(error), **details)
    if request.form.get("do") == "check":
        return _form(plan=plan)
    return batch_response(plan, template)
