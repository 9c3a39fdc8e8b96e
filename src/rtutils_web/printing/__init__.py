"""Printing: labels straight to the configured label printers, as jobs sent in the background."""

from rtutils_web.http.feature import Feature
from rtutils_web.printing import api, pages
from rtutils_web.printing.openapi import printing_paths
from rtutils_web.printing.schema import SCHEMAS

FEATURE = Feature("printing", (pages.bp, api.bp), printing_paths, SCHEMAS)
