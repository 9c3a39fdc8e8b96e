"""AssetSQL: turning an :class:`AssetQuery` into RT's query language, and checking RT's answer.

User input only ever appears inside quoted, escaped string literals. RT's parser
(``RT::SQL``) accepts ``'...'`` with backslash escapes and then removes one level of
backslashes, so escaping ``\\`` and ``'`` is enough: a search for ``x" OR id > 0`` is a search
for an asset with exactly that name.

RT compares more loosely than the domain does: ``Owner.Name``, ``Status`` and custom-field
values ignore case, ``STARTSWITH`` is SQL ``LIKE`` (``_`` and ``%`` are wildcards, case is
ignored), and whether ``Name =`` ignores case depends on the database. :func:`classify`
sorts each returned asset into an exact match, a near miss that RT's looser comparison
explains (dropped), or an asset that breaks a condition outright: the sign that RT ignored a
condition, which the adapter refuses to pass on.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.errors import InvalidInput

# RT::SQL turns a quoted value that starts with "CF." back into a column reference, even
# when it was escaped, so such a value can never be searched for as plain text.
_COLUMN_LOOKALIKE = re.compile(r"^cf\.", re.IGNORECASE)


def quote(value: str, what: str = "search value") -> str:
    """``value`` as an AssetSQL string literal; refuses text RT would not read as text."""
    if _COLUMN_LOOKALIKE.match(value):
        raise InvalidInput(
            f"{what} {value!r} cannot be searched for: RT reads text starting with 'CF.'"
            " as a custom-field reference"
        )
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _cf_key(name: str) -> str:
    # The key is quoted too, so a field name with spaces or braces stays one token.
    return "'CF.{" + name.replace("\\", "\\\\").replace("'", "\\'") + "}'"


def build(query: AssetQuery) -> str:
    """The AssetSQL for ``query``: every condition ANDed; all assets when it is empty."""
    parts: list[str] = []
    if query.ids is not None:
        # Ids are checked to be positive ints by AssetQuery; int() keeps them bare numbers.
        ids = " OR ".join(f"id = {int(i)}" for i in query.ids)
        parts.append(f"({ids})" if len(query.ids) > 1 else ids)
    if query.catalog is not None:
        parts.append(f"Catalog = {quote(query.catalog, 'catalog')}")
    if query.status is not None:
        parts.append(f"Status = {quote(query.status, 'status')}")
    if query.name is not None:
        parts.append(f"Name = {quote(query.name, 'name')}")
    if query.name_prefix is not None:
        parts.append(f"Name STARTSWITH {quote(query.name_prefix, 'name prefix')}")
    if query.names is not None:
        parts.append(_any_of("Name =", query.names, "name"))
    if query.name_prefixes is not None:
        parts.append(_any_of("Name STARTSWITH", query.name_prefixes, "name prefix"))
    if query.owner is not None:
        parts.append(f"Owner.Name = {quote(query.owner, 'owner')}")
    if query.held_by is not None:
        parts.append(f"HeldBy.Name = {quote(query.held_by, 'holder')}")
    for name, value in sorted(query.custom_fields.items()):
        if value == "":  # the domain's "no value"; RT's = '' would match nothing
            parts.append(f"{_cf_key(name)} IS NULL")
        else:
            parts.append(f"{_cf_key(name)} = {quote(value, f'value of {name}')}")
    return " AND ".join(parts) or "id > 0"


def _any_of(test: str, values: Sequence[str], what: str) -> str:
    """``(test 'a' OR test 'b' ...)``: one condition that any of ``values`` satisfies."""
    either = " OR ".join(f"{test} {quote(v, what)}" for v in values)
    return f"({either})" if len(values) > 1 else either


class Match(enum.Enum):
    EXACT = "exact"
    NEAR = "near"  # RT's looser comparison found it; the domain's exact one does not
    FOREIGN = "foreign"  # breaks a condition outright: RT ignored part of the query


def _like_prefix(pattern: str) -> re.Pattern[str]:
    """What ``Name STARTSWITH pattern`` matches in SQL: ``_`` one character, ``%`` any."""
    parts = ("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.casefold() == b.casefold()


def _same_name(name: str, asked: str) -> bool:
    # MySQL's = ignores case and trailing spaces (PAD SPACE collations): a near miss.
    return name.rstrip(" ").casefold() == asked.rstrip(" ").casefold()


def broken_condition(
    query: AssetQuery, asset: Asset, cf_values: Mapping[str, Sequence[str]]
) -> str | None:
    """The first condition of ``query`` that ``asset`` breaks even by RT's loose rules."""
    if query.ids is not None and asset.id not in query.ids:
        return "id was not asked for"
    if query.catalog is not None and not _same(asset.catalog, query.catalog):
        return f"catalog is {asset.catalog!r}, not {query.catalog!r}"
    if query.status is not None and not _same(asset.status, query.status):
        return f"status is {asset.status!r}, not {query.status!r}"
    if query.name is not None and not _same(asset.name, query.name):
        return f"name is not {query.name!r}"
    if query.name_prefix is not None and not _like_prefix(query.name_prefix).match(asset.name):
        return f"name does not start with {query.name_prefix!r}"
    if query.names is not None and not any(_same_name(asset.name, n) for n in query.names):
        return "name is none of those asked for"
    if query.name_prefixes is not None and not any(
        _like_prefix(p).match(asset.name) for p in query.name_prefixes
    ):
        return "name starts with none of the prefixes asked for"
    if query.owner is not None and not _same(asset.owner, query.owner):
        return f"owner is {asset.owner!r}, not {query.owner!r}"
    if query.held_by is not None and not any(_same(h, query.held_by) for h in asset.held_by):
        return f"it is not held by {query.held_by!r}"
    for name, value in query.custom_fields.items():
        values = cf_values.get(name, ())
        if value == "" and values:
            return f"custom field {name!r} has a value"
        if value != "" and not any(_same(v, value) for v in values):
            return f"custom field {name!r} is not {value!r}"
    return None


def classify(
    query: AssetQuery, asset: Asset, cf_values: Mapping[str, Sequence[str]]
) -> tuple[Match, str | None]:
    """How ``asset`` (with every value of each custom field) relates to ``query``."""
    if query.matches(asset):
        return Match.EXACT, None
    broken = broken_condition(query, asset, cf_values)
    return (Match.FOREIGN, broken) if broken else (Match.NEAR, None)
