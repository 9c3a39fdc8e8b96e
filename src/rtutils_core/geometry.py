"""Label geometry in millimetres: boxes, printer dots and positioned elements.

The origin is the label's top-left corner, x to the right and y downward, as one reads a
label. Renderers convert to their own units; nothing here knows about PDF.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from attrs import field, frozen

#: The Brother QL prints at 300 dpi; codes are sized in whole printer dots so that every bar
#: and module edge falls on a dot boundary instead of being rounded differently each time.
PRINTER_DPI = 300
DOT_MM = 25.4 / PRINTER_DPI
PT_MM = 25.4 / 72
#: Small enough to ignore float noise, far below one printer dot (0.085 mm).
EPSILON_MM = 1e-6


def dots(count: int) -> float:
    """``count`` printer dots in mm."""
    return count * DOT_MM


def whole_dots(mm: float) -> int:
    """How many whole printer dots fit in ``mm``."""
    return math.floor(mm / DOT_MM + EPSILON_MM)


def snap_up(mm: float) -> float:
    """The first dot boundary at or after ``mm``."""
    return math.ceil(mm / DOT_MM - EPSILON_MM) * DOT_MM


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

    def contains(self, other: Box, tolerance: float = EPSILON_MM) -> bool:
        """Whether ``other`` lies entirely inside this box."""
        return not self.overflow(other, tolerance)

    def overflow(self, other: Box, tolerance: float = EPSILON_MM) -> list[tuple[str, float]]:
        """Each side on which ``other`` sticks out of this box, with by how many mm."""
        sides = (
            ("left", self.x - other.x),
            ("top", self.y - other.y),
            ("right", other.right - self.right),
            ("bottom", other.bottom - self.bottom),
        )
        return [(side, amount) for side, amount in sides if amount > tolerance]

    def inset(self, margin: float) -> Box:
        """This box with ``margin`` mm taken off every side."""
        return Box(
            self.x + margin,
            self.y + margin,
            max(0.0, self.width - 2 * margin),
            max(0.0, self.height - 2 * margin),
        )

    def intersect(self, other: Box) -> Box:
        """The part of this box that is also inside ``other`` (empty boxes have no size)."""
        x, y = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Box(x, y, max(0.0, right - x), max(0.0, bottom - y))

    def describe(self) -> str:
        return f"{self.width:.1f} x {self.height:.1f} mm at ({self.x:.1f}, {self.y:.1f})"


@frozen
class TextElement:
    """One line of text: ``box`` is the line's extent, ``baseline`` its baseline's y in mm."""

    box: Box
    text: str
    font_size_pt: float
    baseline: float
    bold: bool = False
    field: str = ""


@frozen
class QrElement:
    """A QR code of ``data`` in ``box``: the 4-module quiet zone is inside the box."""

    box: Box
    data: str
    module_mm: float
    modules: int  # symbol side in modules, quiet zone excluded

    @property
    def quiet_zone_mm(self) -> float:
        return (self.box.width - self.modules * self.module_mm) / 2


@frozen
class BarcodeElement:
    """A Code 128 symbol of exactly ``data``; ``x_mm`` is the narrow bar width.

    ``box`` includes the quiet zones of ``quiet_zone_mm`` on the left and right.
    """

    box: Box
    data: str
    x_mm: float
    modules: int  # symbol width in modules, quiet zones excluded
    quiet_zone_mm: float


Element = TextElement | QrElement | BarcodeElement


def _elements(items: Iterable[Element]) -> tuple[Element, ...]:
    return tuple(items)


def strings(items: Iterable[str]) -> tuple[str, ...]:
    """A tuple of ``items``: a typed converter for attrs fields."""
    return tuple(items)


def whole_numbers(items: Iterable[int]) -> tuple[int, ...]:
    """A tuple of ``items``: a typed converter for attrs fields."""
    return tuple(items)


@frozen
class LabelLayout:
    """One label, every element positioned, ready for any renderer.

    ``printable`` is the part of the page the printer can mark; ``problems`` says what could
    not be printed as given (for example characters no embedded font covers).
    """

    template: str
    width_mm: float
    height_mm: float
    printable: Box
    elements: tuple[Element, ...] = field(converter=_elements)
    problems: tuple[str, ...] = field(default=(), converter=strings)

    @property
    def page(self) -> Box:
        return Box(0.0, 0.0, self.width_mm, self.height_mm)

    def texts(self) -> dict[str, str]:
        """The printed text of each field, for display and tests."""
        return {e.field: e.text for e in self.elements if isinstance(e, TextElement)}
