"""The search box of every page: devices by tag, Name, serial or internal name, and (for
operators) people by login, e-mail, student id or roster name."""

from rtutils_web.http.feature import Feature
from rtutils_web.search import api, pages
from rtutils_web.search.openapi import search_paths
from rtutils_web.search.schema import SCHEMAS

FEATURE = Feature("search", (pages.bp, api.bp), search_paths, SCHEMAS)
