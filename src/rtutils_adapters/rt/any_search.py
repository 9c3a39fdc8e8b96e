"""One AssetSQL search for assets matching any of several queries, its answer checked.

Checking a serial, a tag and an internal name, or a hundred serials of a CSV file, costs one
request instead of one each. Every returned asset must match one of the queries exactly
(kept), or loosely by RT's own comparison (dropped); anything else means RT ignored part of
the search, and nothing is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from rtutils_adapters.rt import assetsql, wire
from rtutils_adapters.rt.client import RTClient
from rtutils_adapters.rt.field_choices import FieldChoices
from rtutils_adapters.rt.metadata import MetadataCache
from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import InvalidInput, UntrustworthyResult
from rtutils_core.intake.ports import MAX_ANY_QUERIES

PER_PAGE = 100


def _pages(client: RTClient, sql: str) -> Iterator[wire.Page[wire.AssetRecord]]:
    for page in range(1, 1_000_000):
        params = {
            "query": sql,
            "page": page,
            "per_page": PER_PAGE,
            "fields": wire.ASSET_FIELDS,
            "fields[Catalog]": "Name",
            "orderby": "id",
            "order": "ASC",
        }
        reply = client.get("/assets", params, what="the asset search")
        answer = wire.structure(reply.data, wire.Page[wire.AssetRecord], "the asset search")
        yield answer
        if answer.count < answer.per_page or (
            answer.total is not None and page * answer.per_page >= answer.total
        ):
            return


def find_any(
    client: RTClient,
    catalog_name: Callable[[str], str],
    checked_sql: Callable[[AssetQuery], str],
    queries: Sequence[AssetQuery],
) -> list[Asset]:
    """Every asset matching at least one of ``queries``, ordered by id."""
    if not queries or len(queries) > MAX_ANY_QUERIES:
        raise InvalidInput(f"a bulk search takes 1 to {MAX_ANY_QUERIES} queries")
    sql = " OR ".join(f"({checked_sql(q)})" for q in queries)
    kept: dict[int, Asset] = {}
    for answer in _pages(client, sql):
        for record in answer.items:
            asset = wire.to_asset(record, catalog_name)
            verdicts = [assetsql.classify(q, asset, record.cf_values())[0] for q in queries]
            if assetsql.Match.EXACT in verdicts:
                kept[asset.id] = asset
            elif assetsql.Match.NEAR not in verdicts:
                raise UntrustworthyResult(
                    f"RT answered a search with asset {asset.id} ({asset.name!r}), which matches"
                    " none of its conditions: RT ignored part of the search"
                )
    return [kept[i] for i in sorted(kept)]


class IntakeSearches:
    """What :class:`~rtutils_adapters.rt.backend.RTRestBackend` adds for
    :class:`~rtutils_core.intake.ports.IntakeBackend`: field kinds and choices, bulk searches."""

    client: RTClient
    metadata: MetadataCache

    def _checked_sql(self, query: AssetQuery) -> str:
        raise NotImplementedError  # the backend's own, checking custom-field names

    def _collect(self, path: str, params: Mapping[str, Any], cls: type[Any], what: str) -> Any:
        raise NotImplementedError  # the backend's own: every page of a collection

    @cached_property
    def field_choices(self) -> FieldChoices:
        """Kinds and choices of custom fields, kept as long as the other metadata."""
        return FieldChoices(self.metadata.catalog, self._collect, self.metadata.ttl)

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        return self.field_choices.fields(catalog)

    def find_any(self, queries: Sequence[AssetQuery]) -> Sequence[Asset]:
        return find_any(self.client, self.metadata.catalog_name, self._checked_sql, queries)
