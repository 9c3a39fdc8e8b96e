"""Labels: one label as PDF or PNG, batches as one PDF, and the desk's batch page."""

from rtutils_web.http.feature import Feature
from rtutils_web.labels import api, pages
from rtutils_web.labels.openapi import label_paths

FEATURE = Feature("labels", (pages.bp, api.bp), label_paths, {})
