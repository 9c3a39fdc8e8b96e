"""``RTIntakeSearch``: intake's search port over RT: field kinds and choices, bulk searches.

One AssetSQL search finds the assets matching any of several queries. Checking a serial, a
tag and an internal name, or a hundred serials of a CSV file, costs one request instead of
one each. Every returned asset must match one of the queries exactly (kept), or loosely by
RT's own comparison (dropped); anything else means RT ignored part of the search, and
nothing is returned.
"""

from __future__ import annotations

from collections.abc import Sequence

from rtutils_adapters.rt import assetsql, wire
from rtutils_adapters.rt.field_choices import FieldChoices
from rtutils_adapters.rt.reader import RTReader
from rtutils_core.assets import MAX_PER_PAGE, Asset, AssetQuery
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import InvalidInput, UntrustworthyResult
from rtutils_core.intake.ports import MAX_ANY_QUERIES


class RTIntakeSearch:
    """The :class:`~rtutils_core.intake.ports.IntakeSearch` port over RT, on the shared reader."""

    def __init__(self, reader: RTReader) -> None:
        self.reader = reader
        #: Kinds and choices of custom fields, kept as long as the other metadata.
        self.field_choices = FieldChoices(
            reader.metadata.catalog, reader.collect, reader.metadata.ttl
        )

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        return self.field_choices.fields(catalog)

    def find_any(self, queries: Sequence[AssetQuery]) -> Sequence[Asset]:
        """Every asset matching at least one of ``queries``, ordered by id."""
        if not queries or len(queries) > MAX_ANY_QUERIES:
            raise InvalidInput(f"a bulk search takes 1 to {MAX_ANY_QUERIES} queries")
        sql = " OR ".join(f"({self.reader.checked_sql(q)})" for q in queries)
        kept: dict[int, Asset] = {}
        for page in range(1, 1_000_000):
            answer = self.reader.search_records(sql, page, MAX_PER_PAGE)
            for record in answer.items:
                asset = wire.to_asset(record, self.reader.metadata.catalog_name)
                verdicts = [assetsql.classify(q, asset, record.cf_values())[0] for q in queries]
                if assetsql.Match.EXACT in verdicts:
                    kept[asset.id] = asset
                elif assetsql.Match.NEAR not in verdicts:
                    raise UntrustworthyResult(
                        f"RT answered a search with asset {asset.id} ({asset.name!r}), which"
                        " matches none of its conditions: RT ignored part of the search"
                    )
            if answer.is_last(page):
                break
        return [kept[i] for i in sorted(kept)]
