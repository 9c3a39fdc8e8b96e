"""Labels over HTTP: one label as a PDF or PNG, a batch as one streamed PDF.

Batches are strict by default, because a printer desk that gets 48 labels for 50 tags
rarely notices which two are missing. When anything asked for cannot be printed the whole
request is refused and the error names every such item: 404 when a tag or asset id is not
found, else 409 when an asset found cannot get a label in its current state (no tag yet).
A caller that wants the rest anyway says ``allow_missing``; the answer then lists what was
left out in the ``X-Labels-Missing`` and ``X-Labels-Refused`` headers (and ``X-Label-Count``
says how many pages there are).
"""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Response, send_file
from werkzeug.exceptions import HTTPException

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.errors import Conflict, InvalidInput, NotFound
from rtutils_core.services.labels import BatchPlan, BatchSelection
from rtutils_web import services
from rtutils_web.logs import get_logger

log = get_logger("rtutils.labels")
#: Batches stay in memory up to this size, then spill to a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
#: Header values list at most this many items; the error body always lists them all.
HEADER_ITEMS = 100


class BatchTooLarge(HTTPException):
    """More labels asked for than ``MAX_BATCH`` allows (413)."""

    code = 413
    error_code = "batch_too_large"


def _incomplete_message(plan: BatchPlan) -> str:
    parts = []
    if plan.missing:
        parts.append(f"not found: {', '.join(plan.missing)}")
    if plan.refused:
        parts.append(f"cannot be printed: {'; '.join(plan.refused)}")
    return "no labels were printed; " + "; ".join(parts) + " (allow_missing prints the others)"


class BatchMissing(NotFound):
    """A strict batch named tags or asset ids that do not exist (404)."""

    code = "batch_incomplete"

    def __init__(self, plan: BatchPlan) -> None:
        super().__init__(_incomplete_message(plan))
        self.plan = plan

    def details(self) -> dict[str, Any]:
        return {"missing": list(self.plan.missing), "refused": list(self.plan.refused)}


class BatchRefused(Conflict):
    """A strict batch found every asset, but some cannot get a label yet: no tag (409)."""

    code = "batch_incomplete"

    def __init__(self, plan: BatchPlan) -> None:
        super().__init__(_incomplete_message(plan))
        self.plan = plan

    details = BatchMissing.details


def label_response(asset: Asset, template: str | None, fmt: str) -> Response:
    """One label of ``asset`` as an inline PDF or PNG document."""
    labels = services.labels()
    chosen = labels.template_for(asset, template)
    if fmt == "pdf":
        data, mimetype = labels.render_pdf(asset, chosen), "application/pdf"
    else:
        data, mimetype = labels.render_png(asset, chosen), "image/png"
    log.info("label_rendered", asset_id=asset.id, tag=asset.name, template=chosen, format=fmt)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{asset.name}-{chosen}.{fmt}"'
    return response


def check_batch_size(asked: int) -> None:
    """Refuse a batch larger than MAX_BATCH before any work is done (413)."""
    limit = services.settings().max_batch
    if asked > limit:
        raise BatchTooLarge(
            f"{asked} labels asked for; one batch prints at most {limit} (MAX_BATCH)"
        )


def selection_for(
    tags: list[str] | None, asset_ids: list[int] | None, query: AssetQuery | None
) -> BatchSelection:
    """The batch's selection: exactly one of tags, asset ids or a search, not empty."""
    given = [
        name
        for name, value in (("tags", tags), ("asset_ids", asset_ids), ("query", query))
        if value is not None
    ]
    if len(given) != 1:
        raise InvalidInput("give exactly one of 'tags', 'asset_ids' or 'query'")
    if tags is not None or asset_ids is not None:
        items = tags if tags is not None else asset_ids
        if not items:
            raise InvalidInput(f"'{given[0]}' is empty; list at least one")
        check_batch_size(len(items or ()))
        return BatchSelection(tags=tuple(tags or ()), asset_ids=tuple(asset_ids or ()))
    assert query is not None
    # Count first: a search that matches too many is refused before reading them all.
    check_batch_size(services.assets().search(query, per_page=1).total)
    return BatchSelection(query=query)


def plan_batch(selection: BatchSelection, template: str | None, allow_missing: bool) -> BatchPlan:
    """Resolve the selection; in strict mode refuse it if anything cannot be printed."""
    plan = services.labels().plan_batch(selection, services.settings().max_batch, template)
    if (plan.missing or plan.refused) and (not allow_missing or not plan.assets):
        raise BatchMissing(plan) if plan.missing else BatchRefused(plan)
    return plan


def batch_response(plan: BatchPlan, template: str | None) -> Response:
    """The batch as one PDF, streamed through a spooled temporary file."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    count = services.labels().render_batch(plan, spool, template)
    spool.seek(0)
    log.info(
        "labels_batch",
        count=count,
        missing=len(plan.missing),
        refused=len(plan.refused),
        template=template,
    )
    response = send_file(spool, mimetype="application/pdf", download_name="labels.pdf")
    response.headers["X-Label-Count"] = str(count)
    if plan.missing:
        response.headers["X-Labels-Missing"] = ", ".join(plan.missing[:HEADER_ITEMS])
    if plan.refused:
        response.headers["X-Labels-Refused"] = str(len(plan.refused))
    return response
