"""The loan desk: devices checked out to students and back in, with repair tickets that link."""

from rtutils_web.http.feature import Feature
from rtutils_web.loans import api, pages
from rtutils_web.loans.openapi import loan_paths
from rtutils_web.loans.schema import SCHEMAS

FEATURE = Feature("loans", (pages.bp, api.bp), loan_paths, SCHEMAS)
