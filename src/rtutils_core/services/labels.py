"""Laying out and rendering labels."""

from __future__ import annotations

from attrs import define

from rtutils_core.ports import AssetBackend, LabelRenderer


@define
class LabelService:
    backend: AssetBackend
    renderer: LabelRenderer | None = None
