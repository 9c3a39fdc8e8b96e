"""Labels drawn dot by dot: the core's layout as a 1-bit image at the printer's 300 dpi.

The layout is in mm with its QR modules and bars already sized in whole printer dots, so
every module and bar lands on whole dots here; nothing is resampled. Text is drawn with the
same embedded fonts (and the same per-character choice between them) as the PDF, placed by
the same advance widths the layout measured with. The QR and Code 128 geometry comes from the
PDF adapter's encoders, so both outputs carry identical symbols.
"""

from __future__ import annotations

import functools
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from rtutils_adapters.pdf.fonts import FONT_FILES, FontFace, FontSet
from rtutils_adapters.pdf.symbols import code128_bars, qr_runs
from rtutils_core.geometry import (
    DOT_MM,
    PT_MM,
    BarcodeElement,
    Box,
    LabelLayout,
    QrElement,
    TextElement,
)
from rtutils_core.labels import QR_QUIET_MODULES

#: Pixel values of a mode "1" image.
BLACK, WHITE = 0, 1


def to_dots(mm: float) -> int:
    """``mm`` in whole printer dots (the layout puts codes on dot boundaries already)."""
    return round(mm / DOT_MM)


@functools.lru_cache(maxsize=64)
def _font(key: str, size_px: int) -> ImageFont.FreeTypeFont:
    source = resources.files("rtutils_adapters.pdf").joinpath("fonts", FONT_FILES[key])
    with resources.as_file(source) as path:
        return ImageFont.truetype(str(path), size_px)


class RasterLabelRenderer:
    """Draws :class:`LabelLayout` pages as black-and-white bitmaps at 300 dpi."""

    def __init__(self, fonts: FontSet | None = None) -> None:
        self.fonts = fonts or FontSet.embedded()

    def page(self, layout: LabelLayout) -> Image.Image:
        """The whole label page, one pixel per printer dot, top-left as in the layout."""
        image = Image.new("1", (to_dots(layout.width_mm), to_dots(layout.height_mm)), WHITE)
        draw = ImageDraw.Draw(image)
        for element in layout.elements:
            if isinstance(element, QrElement):
                _draw_qr(image, element)
            elif isinstance(element, BarcodeElement):
                _draw_barcode(image, element)
            else:
                self._draw_text(draw, element)
        return image

    def printable(self, layout: LabelLayout) -> Image.Image:
        """Only the part the printer can mark (what a Brother QL raster line carries)."""
        return crop(self.page(layout), layout.printable)

    def _draw_text(self, draw: ImageDraw.ImageDraw, text: TextElement) -> None:
        x_mm = text.box.x
        baseline = to_dots(text.baseline)
        size_px = max(1, round(text.font_size_pt * PT_MM / DOT_MM))
        for face, run in self.fonts.runs(text.text, text.bold):
            draw.text(
                (to_dots(x_mm), baseline),
                run,
                font=_font(face.key, size_px),
                fill=BLACK,
                anchor="ls",
            )
            x_mm += _advance_mm(face, run, text.font_size_pt)


def _advance_mm(face: FontFace, run: str, size_pt: float) -> float:
    return sum(face.width(ch) for ch in run) / 1000 * size_pt * PT_MM


def crop(image: Image.Image, box: Box) -> Image.Image:
    """The part of a page image inside ``box`` (mm)."""
    left, top = to_dots(box.x), to_dots(box.y)
    return image.crop((left, top, left + to_dots(box.width), top + to_dots(box.height)))


def _draw_qr(image: Image.Image, qr: QrElement) -> None:
    module = to_dots(qr.module_mm)
    left = to_dots(qr.box.x) + QR_QUIET_MODULES * module
    top = to_dots(qr.box.y) + QR_QUIET_MODULES * module
    for row, start, length in qr_runs(qr.data):
        x, y = left + start * module, top + row * module
        image.paste(BLACK, (x, y, x + length * module, y + module))


def _draw_barcode(image: Image.Image, barcode: BarcodeElement) -> None:
    unit = to_dots(barcode.x_mm)
    left = to_dots(barcode.box.x + barcode.quiet_zone_mm)
    top, bottom = to_dots(barcode.box.y), to_dots(barcode.box.bottom)
    for start, width in code128_bars(barcode.data):
        image.paste(BLACK, (left + start * unit, top, left + (start + width) * unit, bottom))
