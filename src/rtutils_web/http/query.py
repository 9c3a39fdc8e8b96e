"""Which query parameters a view reads: anything else in the query string is refused.

Each view names its parameters with :func:`takes_query`; a view that names none takes none.
Before a view runs, a parameter it does not take, or one given twice (``status=a&status=b``,
which would otherwise be cut silently to the first), is a 400 naming it. So no stray argument
can reach the view, its templates or ``url_for`` (where ``_method``, ``_scheme``,
``_external`` and ``_anchor`` have meanings of their own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, request

from rtutils_core.errors import InvalidInput, shown

F = TypeVar("F", bound=Callable[..., Any])
_TAKES = "_rtutils_query"
#: Endpoints outside our views: static files may carry a cache-busting query.
_UNCHECKED = frozenset({"static"})


def takes_query(*names: str, prefixes: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Mark a view as reading the query parameters ``names`` (and any starting ``prefixes``)."""

    def mark(view: F) -> F:
        setattr(view, _TAKES, (frozenset(names), prefixes))
        return view

    return mark


def query_names(view: Callable[..., Any]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The parameters ``view`` takes: its names and its prefixes."""
    taken: tuple[frozenset[str], tuple[str, ...]] = getattr(view, _TAKES, (frozenset(), ()))
    return taken


def _check(view: Callable[..., Any]) -> None:
    names, prefixes = query_names(view)
    for key in request.args:
        if key not in names and not any(key.startswith(p) and key != p for p in prefixes):
            known = ", ".join([*sorted(names), *(f"{p}<name>" for p in prefixes)]) or "none"
            raise InvalidInput(f"unknown query parameter {shown(key)}; known: {known}")
        if len(request.args.getlist(key)) > 1:
            raise InvalidInput(f"query parameter {shown(key)} is given more than once")


def install_query_rules(app: Flask) -> None:
    """Refuse query parameters a view does not take, and repeated ones, before it runs."""

    @app.before_request
    def _refuse_stray_parameters() -> None:
        if request.endpoint in _UNCHECKED:
            return
        view = app.view_functions.get(request.endpoint or "")
        if view is not None:
            _check(view)
