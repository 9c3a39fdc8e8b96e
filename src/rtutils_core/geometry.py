"""Label geometry in millimetres: templates, boxes and positioned elements.

The origin is the label's top-left corner, x to the right and y downward, as one reads a
label. Renderers convert to their own units; nothing here knows about PDF.
"""

from __future__ import annotations

from attrs import field, frozen


@frozen
class Box:
    """A rectangle in mm, from the label's top-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def contains(self, other: Box, tolerance: float = 1e-6) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )


@frozen
class TextElement:
    box: Box
    text: str
    font_size_pt: float
    bold: bool = False


@frozen
class QrElement:
    """A QR code of ``data`` drawn in ``box`` (quiet zone included) with square modules."""

    box: Box
    data: str
    module_mm: float


@frozen
class BarcodeElement:
    """A Code 128 barcode of exactly ``data``; ``x_mm`` is the narrow bar width."""

    box: Box
    data: str
    x_mm: float


Element = TextElement | QrElement | BarcodeElement


@frozen
class LabelLayout:
    """One label, every element positioned, ready for any renderer."""

    template: str
    width_mm: float
    height_mm: float
    elements: tuple[Element, ...] = field(converter=tuple)
