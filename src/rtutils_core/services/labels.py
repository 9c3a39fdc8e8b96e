"""Laying out and rendering labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import BinaryIO

from attrs import define, field, frozen

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.ports import AssetBackend, LabelRenderer


@frozen
class BatchSelection:
    """Which assets a batch prints: exactly one of tags, asset ids or a query."""

    tags: tuple[str, ...] = field(default=(), converter=tuple)
    asset_ids: tuple[int, ...] = field(default=(), converter=tuple)
    query: AssetQuery | None = None


@frozen
class BatchPlan:
    """The assets a batch resolved to, in the order asked, and what was not found."""

    assets: tuple[Asset, ...] = field(converter=tuple)
    missing: tuple[str, ...] = field(default=(), converter=tuple)


@define
class LabelService:
    backend: AssetBackend
    renderer: LabelRenderer | None = None
    template_by_type: Mapping[str, str] = field(factory=dict)

    def template_names(self) -> Sequence[str]:
        """The templates a caller may ask for (``large``, ``small``)."""
        raise NotImplementedError

    def render_pdf(self, asset: Asset, template: str | None = None) -> bytes:
        """One label as a one-page PDF; the template defaults by asset type."""
        raise NotImplementedError

    def render_png(self, asset: Asset, template: str | None = None, dpi: int = 300) -> bytes:
        """One label as a PNG preview."""
        raise NotImplementedError

    def plan_batch(self, selection: BatchSelection, limit: int) -> BatchPlan:
        """Resolve a selection to assets in bulk; report what was not found by name."""
        raise NotImplementedError

    def render_batch(self, plan: BatchPlan, out: BinaryIO, template: str | None = None) -> int:
        """Stream one PDF page per planned asset to ``out``; return the page count."""
        raise NotImplementedError
