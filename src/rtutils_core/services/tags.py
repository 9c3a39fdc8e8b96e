"""Handing out asset tags that are never given twice."""

from __future__ import annotations

from attrs import define

from rtutils_core.ports import AssetBackend, TagStore
from rtutils_core.tags import AssetTag, TagFormats


@define
class TagService:
    backend: AssetBackend
    store: TagStore
    formats: TagFormats

    def preview_next(self, prefix: str | None = None) -> AssetTag:
        """The tag the next issue for ``prefix`` would hand out; changes nothing."""
        fmt = self.formats.for_prefix(prefix)
        return fmt.make(self.store.peek_next(fmt.prefix))
