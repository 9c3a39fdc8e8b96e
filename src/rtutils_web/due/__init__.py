"""Due dates: the overdue list, and the notices by e-mail (dry run, campaign button)."""

from rtutils_web.due import api, pages
from rtutils_web.due.openapi import due_paths
from rtutils_web.due.schema import SCHEMAS
from rtutils_web.http.feature import Feature

FEATURE = Feature("due", (pages.bp, api.bp), due_paths, SCHEMAS)
