"""Intake: receive new devices at the desk (scan a serial, get an asset) and through the API."""

from rtutils_web.http.feature import Feature
from rtutils_web.intake import api, pages
from rtutils_web.intake.openapi import intake_paths
from rtutils_web.intake.schema import SCHEMAS

FEATURE = Feature("intake", (pages.bp, api.bp), intake_paths, SCHEMAS)
