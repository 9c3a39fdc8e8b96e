"""Liveness and readiness probes (no authentication), and the metrics for Prometheus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from rtutils_core.errors import RtutilsError
from rtutils_core.jobs.service import JobService
from rtutils_core.outbox.replay import KIND as REPLAY
from rtutils_core.outbox.service import OutboxService
from rtutils_web import services
from rtutils_web.access.auth import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz() -> Response:
    """The process is up and serving requests: 200 whatever RT does, with RT as this
    process last met it (without asking RT; ``/readyz`` asks) and how full the desk's
    outbox is."""
    outbox = services.outbox()
    try:
        depth = outbox.depth()
    except RtutilsError as error:  # the store is busy or gone: say so, still alive
        return jsonify(status="ok", rt="unknown", outbox={"error": error.code})
    waited = None
    if depth.oldest_waiting is not None:
        waited = round((outbox.clock() - depth.oldest_waiting).total_seconds())
    old = outbox.is_old(depth)
    answer: dict[str, Any] = {
        "waiting": depth.waiting,
        "needs_attention": depth.needs_attention,
        "oldest_seconds": waited,
    }
    if old:
        answer["warning"] = "the oldest operation waits longer than OUTBOX_WARN_AGE"
    rt, ago = outbox.rt_contact()
    return jsonify(
        status="ok", rt=rt, rt_seconds_ago=None if ago is None else round(ago), outbox=answer
    )


@bp.get("/readyz")
@public
def readyz() -> tuple[Response, int]:
    """The backend is reachable with our credentials."""
    settings = services.settings()
    try:
        services.backend().ping()
    except RtutilsError as error:
        return jsonify(status="unavailable", backend=settings.backend, reason=error.code), 503
    return jsonify(status="ready", backend=settings.backend), 200


@bp.get("/metrics")
def metrics() -> Response:
    """The outbox and RT as Prometheus gauges, read from the shared store when scraped, so
    every instance answers the same (a viewer's token will do: counts only)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxGauges(services.outbox(), services.jobs()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class OutboxGauges(Collector):
    """The outbox's depth, its age, whether a replay drains it, and RT as last met."""

    def __init__(self, outbox: OutboxService, jobs: JobService) -> None:
        self.outbox = outbox
        self.jobs = jobs

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = self.outbox.depth()
        oldest = 0.0
        if depth.oldest_waiting is not None:
            oldest = (self.outbox.clock() - depth.oldest_waiting).total_seconds()
        draining = self.jobs.list(kind=REPLAY, states=("running",), limit=1)
        yield from (
            GaugeMetricFamily(name, text, value=value)
            for name, text, value in (
                ("rtutils_outbox_waiting", "Desk writes waiting for RT", depth.waiting),
                ("rtutils_outbox_needs_attention", "Operations set aside", depth.needs_attention),
                ("rtutils_outbox_oldest_waiting_seconds", "Age of the oldest waiting", oldest),
                ("rtutils_outbox_draining", "1 while a replay of the outbox runs", len(draining)),
            )
        )
        rt = GaugeMetricFamily(
            "rtutils_rt_reachable",
            "RT as this instance last met it: 1 answered, 0 unreachable (none: not asked yet)",
        )
        met, _ = self.outbox.rt_contact()
        if met != "unknown":
            rt.add_metric([], 1.0 if met == "reachable" else 0.0)
        yield rt
