"""``MemoryIntakeSearch``: intake's search port in memory: field kinds, bulk searches."""

from __future__ import annotations

from collections.abc import Sequence

from rtutils_adapters.memory.records import MemoryRecords
from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import InvalidInput
from rtutils_core.intake.ports import MAX_ANY_QUERIES


class MemoryIntakeSearch:
    """The :class:`~rtutils_core.intake.ports.IntakeSearch` port over ``records``."""

    def __init__(self, records: MemoryRecords) -> None:
        self.records = records

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        records = self.records
        with records.lock:
            records.count("catalog_fields")
            records.catalog(catalog)
            return [
                records.field_kinds.get((catalog, name), CatalogField(name))
                for name in records.catalog_fields[catalog]
            ]

    def find_any(self, queries: Sequence[AssetQuery]) -> Sequence[Asset]:
        if not queries or len(queries) > MAX_ANY_QUERIES:
            raise InvalidInput(f"a bulk search takes 1 to {MAX_ANY_QUERIES} queries")
        with self.records.lock:
            self.records.count("find_any")
            for query in queries:
                self.records.check_query(query)
            return [a for a in self.records.live_assets() if any(q.matches(a) for q in queries)]
