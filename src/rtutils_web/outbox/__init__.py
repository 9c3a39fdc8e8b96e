"""The outbox: the desk's writes held back while RT cannot be reached, and settling those
that need attention."""

from rtutils_web.http.feature import Feature
from rtutils_web.outbox import api, pages
from rtutils_web.outbox.openapi import outbox_paths
from rtutils_web.outbox.schema import SCHEMAS

FEATURE = Feature("outbox", (pages.bp, api.bp), outbox_paths, SCHEMAS)
