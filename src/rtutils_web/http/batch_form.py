"""The assets a desk form names: pasted tags, asset ids, or a search (``source=search``).

The batch page and the printing pages read the same form fields, so that a batch that can be
checked or printed as a PDF can be sent to a printer just the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rtutils_core.assets import AssetQuery
from rtutils_core.errors import InvalidInput
from rtutils_core.labels.batches import BatchSelection

#: A pasted list: tags separated by new lines, commas, semicolons or spaces.
SEPARATORS = re.compile(r"[\s,;]+")
SEARCH_FIELDS = ("catalog", "status", "name_prefix")


def form_query(form: Mapping[str, str]) -> AssetQuery:
    """The search of a batch form: catalog, status, name prefix and the Type field."""
    fields = {k: form.get(k, "").strip() or None for k in SEARCH_FIELDS}
    kind = form.get("type", "").strip()
    return AssetQuery.of_texts(fields, {"Type": kind} if kind else {})


def form_selection(form: Mapping[str, str]) -> BatchSelection:
    """What the form asks for: ``asset_id`` (one or more, comma separated), a search
    (``source=search``) or the pasted ``tags``; an empty list is refused."""
    raw_ids = [part for part in SEPARATORS.split(form.get("asset_id", "")) if part]
    if raw_ids:
        if not all(part.isdigit() for part in raw_ids):
            raise InvalidInput("asset_id must be whole numbers separated by commas")
        return BatchSelection.of(asset_ids=[int(part) for part in raw_ids])
    if form.get("source") == "search":
        return BatchSelection.of(query=form_query(form))
    return BatchSelection.of(tags=[t for t in SEPARATORS.split(form.get("tags", "")) if t])
