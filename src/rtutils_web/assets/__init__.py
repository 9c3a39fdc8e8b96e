"""Assets: look-up by id or scanned tag, the search, and the desk's asset pages."""

from rtutils_web.assets import api, pages
from rtutils_web.assets.openapi import asset_paths
from rtutils_web.assets.schema import SCHEMAS
from rtutils_web.http.feature import Feature

FEATURE = Feature("assets", (pages.bp, api.bp), asset_paths, SCHEMAS)
