"""CSV imports of new devices: the API, and the desk's upload and progress pages."""

from rtutils_web.http.feature import Feature
from rtutils_web.imports import api, pages
from rtutils_web.imports.openapi import import_paths
from rtutils_web.imports.schema import SCHEMAS

FEATURE = Feature("imports", (pages.bp, api.bp), import_paths, SCHEMAS)
