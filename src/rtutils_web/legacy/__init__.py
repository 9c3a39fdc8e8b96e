"""The old tool's URLs, backed by the new services, so the switch needs no change in RT or in
the desks' bookmarks: the asset-created webhook, the next tag, and the label PDF."""

from rtutils_web.http.feature import Feature
from rtutils_web.legacy import api
from rtutils_web.legacy.openapi import legacy_paths
from rtutils_web.legacy.schema import SCHEMAS

FEATURE = Feature("legacy", (api.bp,), legacy_paths, SCHEMAS)
