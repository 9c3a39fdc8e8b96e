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

from flask import Response, send_file

from rtutils_core.assets import Asset
from rtutils_core.labels.batches import BatchPlan, BatchSelection
from rtutils_web import services
from rtutils_web.http.headers import content_disposition, header_text
from rtutils_web.logs import get_logger

log = get_logger("rtutils.labels")
#: Batches stay in memory up to this size, then spill to a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
#: Header values list at most this many items; the error body always lists them all.
HEADER_ITEMS = 100


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
    response.headers["Content-Disposition"] = content_disposition(
        "inline", f"{asset.name}-{chosen}.{fmt}"
    )
    return response


def plan_batch(selection: BatchSelection, template: str | None, allow_missing: bool) -> BatchPlan:
    """Resolve the selection within MAX_BATCH; in strict mode refuse it if anything cannot be
    printed (the core's batch rules)."""
    plan = services.labels().plan_batch(selection, services.settings().max_batch, template)
    plan.require_complete(allow_missing)
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
        response.headers["X-Labels-Missing"] = header_text(", ".join(plan.missing[:HEADER_ITEMS]))
    if plan.refused:
        response.headers["X-Labels-Refused"] = str(len(plan.refused))
    return response
