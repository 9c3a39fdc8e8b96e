"""Many RT users in a few requests: the roster links hundreds of students at once.

RT 5's JSON search on ``/users`` ORs conditions on one field (``entry_aggregator: "OR"``)
and compares without case by default (``case_sensitive`` 0, checked in RT 5.0.3's
QueryByJSON). Conditions on different fields are ANDed by RT, so login names and e-mail
addresses are asked in separate searches. The search ignores a condition it does not
know, so every answer is checked against the question.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rtutils_adapters.rt import wire

#: Values per search: well inside a URL's length, a few pages of answers at most.
BATCH = 50

Collect = Callable[[str, Mapping[str, Any], type[Any], str], list[Any]]


def find_people(collect: Collect, values: Sequence[str]) -> dict[str, wire.UserRecord]:
    """Each value that names a user (login name first, then e-mail address) to its record."""
    wanted = list(dict.fromkeys(v for v in values if v.strip()))
    found = _search(collect, "Name", "name", wanted)
    addresses = [v for v in wanted if v not in found and "@" in v]
    return {**found, **_search(collect, "EmailAddress", "email", addresses)}


def _search(
    collect: Collect, field: str, attr: str, values: Sequence[str]
) -> dict[str, wire.UserRecord]:
    found: dict[str, wire.UserRecord] = {}
    for start in range(0, len(values), BATCH):
        batch = values[start : start + BATCH]
        conditions = [
            {"field": field, "operator": "=", "value": v, "entry_aggregator": "OR"} for v in batch
        ]
        params = {"query": json.dumps(conditions), "fields": "id,Name,RealName,EmailAddress"}
        what = f"{len(batch)} users by {field}"
        by_key: dict[str, wire.UserRecord] = {}
        for record in collect("/users", params, wire.UserRecord, what):
            by_key.setdefault(getattr(record, attr).casefold(), record)
        # Only exact (caseless) matches count: an answer to another question is dropped.
        found.update({v: by_key[v.casefold()] for v in batch if v.casefold() in by_key})
    return found
