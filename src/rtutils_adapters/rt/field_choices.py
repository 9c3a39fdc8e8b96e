"""What kind each custom field of a catalog is, and its choices: read from RT, every page,
and kept like the rest of the metadata (``RT_CACHE_SECONDS``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from attrs import frozen

from rtutils_adapters.rt.wire import ASSET_LOOKUP_TYPE
from rtutils_core.assets import Catalog
from rtutils_core.assets.catalog_fields import CatalogField, FieldKind

T = TypeVar("T")

#: Reads every page of a collection: (path, params, record class, what) -> records.
Collect = Callable[[str, Mapping[str, Any], type[Any], str], list[Any]]

#: RT's custom-field types and how a form treats them.
KINDS: Mapping[str, FieldKind] = {
    "Select": "select",
    "Combobox": "combobox",
    "Autocomplete": "combobox",
    "Freeform": "freeform",
    "Text": "freeform",
    "Wikitext": "freeform",
}


@frozen
class FieldRecord:
    """An item of ``/catalog/{id}/customfields`` with ``fields=Name,Type,...``."""

    id: int
    Name: str  # noqa: N815 - RT's key, structured as is
    Type: str = "Freeform"  # noqa: N815
    MaxValues: int = 1  # noqa: N815
    Disabled: str = "0"  # noqa: N815
    LookupType: str = ASSET_LOOKUP_TYPE  # noqa: N815


@frozen
class ValueRecord:
    """An item of ``/customfield/{id}/values``."""

    id: int
    name: str


class FieldChoices:
    """The described custom fields of each catalog, cached for ``ttl`` seconds; thread-safe."""

    def __init__(
        self,
        catalog: Callable[[str], Catalog],
        collect: Collect,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._catalog = catalog
        self._collect = collect
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[tuple[CatalogField, ...], float]] = {}

    def refresh(self) -> None:
        with self._lock:
            self._cached.clear()

    def fields(self, catalog: str) -> tuple[CatalogField, ...]:
        """The custom fields applied to ``catalog``'s assets, in RT's order."""
        with self._lock:
            cached = self._cached.get(catalog)
            if cached is not None and self._clock() - cached[1] < self.ttl:
                return cached[0]
        described = self._load(self._catalog(catalog))  # outside the lock: slow, and safe
        with self._lock:
            self._cached[catalog] = (described, self._clock())
        return described

    def _load(self, catalog: Catalog) -> tuple[CatalogField, ...]:
        what = f"the custom fields of catalog {catalog.name!r}"
        params = {"fields": "Name,Type,MaxValues,Disabled,LookupType"}
        path = f"/catalog/{catalog.id}/customfields"
        records: list[FieldRecord] = self._collect(path, params, FieldRecord, what)
        return tuple(
            self._describe(r)
            for r in records
            if r.Disabled in ("0", "") and r.LookupType == ASSET_LOOKUP_TYPE
        )

    def _describe(self, record: FieldRecord) -> CatalogField:
        kind = KINDS.get(record.Type, "other")
        choices: tuple[str, ...] = ()
        if kind in ("select", "combobox"):
            what = f"the choices of custom field {record.Name!r}"
            path = f"/customfield/{record.id}/values"
            values: list[ValueRecord] = self._collect(path, {}, ValueRecord, what)
            choices = tuple(v.name for v in values)
        return CatalogField(record.Name, kind, choices, is_multiple=record.MaxValues != 1)
