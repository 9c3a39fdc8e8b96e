"""The one list of features: the app registers their blueprints and the OpenAPI document
gathers their paths and schemas from here. A new feature folder adds one line."""

from __future__ import annotations

from rtutils_web import (
    assets,
    audits,
    due,
    imports,
    intake,
    jobs,
    labels,
    legacy,
    loans,
    outbox,
    printing,
    search,
    students,
    tags,
)
from rtutils_web.http.feature import Feature

FEATURES: tuple[Feature, ...] = (
    assets.FEATURE,
    tags.FEATURE,
    labels.FEATURE,
    printing.FEATURE,
    jobs.FEATURE,
    legacy.FEATURE,
    intake.FEATURE,
    imports.FEATURE,
    students.FEATURE,
    loans.FEATURE,
    due.FEATURE,
    outbox.FEATURE,
    search.FEATURE,
    audits.FEATURE,
)
