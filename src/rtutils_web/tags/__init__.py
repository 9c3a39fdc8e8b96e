"""Tags: issuing them, the sequences per prefix, and the tag event log."""

from rtutils_web.http.feature import Feature
from rtutils_web.tags import api, pages
from rtutils_web.tags.openapi import tag_paths
from rtutils_web.tags.schema import SCHEMAS

FEATURE = Feature("tags", (pages.bp, api.bp), tag_paths, SCHEMAS)
