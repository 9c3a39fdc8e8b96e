"""Catalogs and their custom fields, read from RT rarely and kept for a configurable time.

Every search and write checks custom-field names against this (RT would silently ignore an
unknown one), so it must be cheap; it must also notice a field applied a minute ago, so a
name that is not found triggers one fresh read before it is refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from rtutils_core.assets import Catalog
from rtutils_core.errors import CatalogNotFound


class MetadataCache:
    """Thread-safe; ``ttl`` seconds (0 reads RT every time)."""

    def __init__(
        self,
        load_catalogs: Callable[[], Sequence[Catalog]],
        load_fields: Callable[[Catalog], Sequence[str]],
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load_catalogs = load_catalogs
        self._load_fields = load_fields
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.RLock()
        self._catalogs: tuple[Catalog, ...] | None = None
        self._catalogs_at = 0.0
        self._fields: dict[str, tuple[tuple[str, ...], float]] = {}

    def _fresh(self, at: float) -> bool:
        return self._clock() - at < self.ttl

    def refresh(self) -> None:
        """Forget everything; the next question reads RT again."""
        with self._lock:
            self._catalogs = None
            self._fields.clear()

    def catalogs(self) -> tuple[Catalog, ...]:
        with self._lock:
            if self._catalogs is None or not self._fresh(self._catalogs_at):
                self._catalogs = tuple(self._load_catalogs())
                self._catalogs_at = self._clock()
            return self._catalogs

    def _find(self, test: Callable[[Catalog], bool]) -> Catalog | None:
        with self._lock:
            found = next((c for c in self.catalogs() if test(c)), None)
            if found is None:  # perhaps created since we looked
                self.refresh()
                found = next((c for c in self.catalogs() if test(c)), None)
            return found

    def catalog(self, name: str) -> Catalog:
        """The catalog called ``name``, or :class:`CatalogNotFound`."""
        found = self._find(lambda c: c.name == name)
        if found is None:
            known = ", ".join(repr(c.name) for c in self.catalogs()) or "none"
            raise CatalogNotFound(f"catalog {name!r} does not exist in RT; known: {known}")
        return found

    def catalog_name(self, catalog_id: str) -> str:
        found = self._find(lambda c: str(c.id) == str(catalog_id))
        return found.name if found else f"#{catalog_id}"

    def custom_fields(self, catalog: str, *, fresh: bool = False) -> tuple[str, ...]:
        """Names of the custom fields applied to assets of ``catalog``."""
        with self._lock:
            cached = self._fields.get(catalog)
            if fresh or cached is None or not self._fresh(cached[1]):
                names = tuple(self._load_fields(self.catalog(catalog)))
                cached = self._fields[catalog] = (names, self._clock())
            return cached[0]

    def all_custom_fields(self, *, fresh: bool = False) -> frozenset[str]:
        """Names applied to at least one catalog."""
        with self._lock:
            if fresh:
                self.refresh()
            return frozenset(f for c in self.catalogs() for f in self.custom_fields(c.name))
