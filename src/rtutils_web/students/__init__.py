"""Students: the roster, the end-of-year return campaign, manual check-ins and exports."""

from rtutils_web.http.feature import Feature
from rtutils_web.students import api, pages
from rtutils_web.students.field_sync import FIELD_SYNC_SCHEMAS
from rtutils_web.students.openapi import student_paths
from rtutils_web.students.schema import SCHEMAS

FEATURE = Feature("students", (pages.bp, api.bp), student_paths, {**SCHEMAS, **FIELD_SYNC_SCHEMAS})
