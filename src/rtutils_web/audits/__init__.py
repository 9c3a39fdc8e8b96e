"""Audits: walk a room or a cart, scan what is there, know what is missing."""

from rtutils_web.audits import api, pages
from rtutils_web.audits.openapi import audit_paths
from rtutils_web.audits.schema import SCHEMAS
from rtutils_web.http.feature import Feature

FEATURE = Feature("audits", (pages.bp, api.bp), audit_paths, SCHEMAS)
