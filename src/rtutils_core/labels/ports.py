"""Ports of the label feature: measuring text and codes, and rendering laid-out labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Protocol, runtime_checkable

from rtutils_core.geometry import LabelLayout


@runtime_checkable
class LabelMetrics(Protocol):
    """Sizes the layout needs but cannot compute without fonts and symbol encoders.

    The label layout stays a pure function in the core; whoever renders the label answers
    these with the same fonts and encoders it draws with, so measured and drawn sizes agree.
    """

    def text_width_mm(self, text: str, size_pt: float, bold: bool = False) -> float:
        """Advance width of ``text`` at ``size_pt`` points, in mm."""

    def undrawable(self, text: str) -> str:
        """The characters of ``text`` that no available font can draw (in order, once each)."""

    def qr_modules(self, data: str) -> int:
        """Side of the QR symbol for ``data`` in modules, quiet zone excluded."""

    def code128_modules(self, data: str) -> int:
        """Width of the Code 128 symbol of ``data`` in modules, quiet zones excluded."""


@runtime_checkable
class LabelRenderer(Protocol):
    """Turns positioned label layouts (mm) into printable output."""

    def render_pdf(self, layouts: Iterable[LabelLayout], out: IO[bytes]) -> int:
        """Write one PDF page per layout to ``out``, streaming; return the page count.

        ``layouts`` is consumed lazily: a generator of thousands of layouts is drawn page by
        page without being held in memory.
        """

    def render_png(self, layout: LabelLayout, dpi: int = 300) -> bytes:
        """One label as a PNG image at ``dpi``, as it will print."""
