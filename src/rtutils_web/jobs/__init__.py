"""Jobs: background work (imports, print runs, automatic tags), its state and progress."""

from rtutils_web.http.feature import Feature
from rtutils_web.jobs import api, pages
from rtutils_web.jobs.openapi import job_paths
from rtutils_web.jobs.schema import SCHEMAS

FEATURE = Feature("jobs", (pages.bp, api.bp), job_paths, SCHEMAS)
