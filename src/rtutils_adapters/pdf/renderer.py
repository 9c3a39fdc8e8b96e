"""The PDF label renderer and the metrics it lays labels out with.

The layout arrives in mm from the top-left corner; here it becomes PDF points from the
bottom-left. One printer dot (1/300 inch) is exactly 0.24 pt, so the dot-aligned sizes of
the layout stay exact in the PDF.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from typing import IO

import pypdfium2

from rtutils_adapters.pdf.fonts import FontSet
from rtutils_adapters.pdf.symbols import code128_bars, code128_width, qr_runs, qr_side
from rtutils_adapters.pdf.writer import PdfWriter, number
from rtutils_core.errors import InvalidInput
from rtutils_core.geometry import (
    PT_MM,
    BarcodeElement,
    LabelLayout,
    QrElement,
    TextElement,
)
from rtutils_core.labels import QR_QUIET_MODULES

#: PDFium is not safe to call from two threads at once; the web server has several.
_PDFIUM = threading.Lock()


class PdfLabelMetrics:
    """:class:`~rtutils_core.labels.ports.LabelMetrics` from the embedded fonts and the encoders."""

    def __init__(self, fonts: FontSet | None = None) -> None:
        self.fonts = fonts or FontSet.embedded()

    def text_width_mm(self, text: str, size_pt: float, bold: bool = False) -> float:
        return self.fonts.width(text, bold) / 1000 * size_pt * PT_MM

    def undrawable(self, text: str) -> str:
        return self.fonts.undrawable(text)

    def qr_modules(self, data: str) -> int:
        return qr_side(data)

    def code128_modules(self, data: str) -> int:
        return code128_width(data)


class PdfLabelRenderer:
    """:class:`~rtutils_core.labels.ports.LabelRenderer` writing vector PDF, one page per label."""

    def __init__(self, fonts: FontSet | None = None) -> None:
        self.fonts = fonts or FontSet.embedded()

    def render_pdf(self, layouts: Iterable[LabelLayout], out: IO[bytes]) -> int:
        writer = PdfWriter(out)
        for layout in layouts:
            content = _PageDrawing(layout, writer, self.fonts).draw()
            writer.add_page(_pt(layout.width_mm), _pt(layout.height_mm), content)
        return writer.close()

    def render_png(self, layout: LabelLayout, dpi: int = 300) -> bytes:
        if not 36 <= dpi <= 2400:
            raise InvalidInput(f"dpi must be between 36 and 2400, not {dpi}")
        pdf = io.BytesIO()
        self.render_pdf([layout], pdf)
        with _PDFIUM:
            document = pypdfium2.PdfDocument(pdf.getvalue())
            try:
                image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
            finally:
                document.close()
        png = io.BytesIO()
        image.save(png, format="PNG", dpi=(dpi, dpi))
        return png.getvalue()


def _pt(mm: float) -> float:
    return mm / PT_MM


class _PageDrawing:
    """The content stream of one label."""

    def __init__(self, layout: LabelLayout, writer: PdfWriter, fonts: FontSet) -> None:
        self.layout, self.writer, self.fonts = layout, writer, fonts
        self.height = _pt(layout.height_mm)
        self.ops: list[str] = ["0 g"]

    def draw(self) -> bytes:
        for element in self.layout.elements:
            if isinstance(element, QrElement):
                self._qr(element)
            elif isinstance(element, BarcodeElement):
                self._barcode(element)
            else:
                self._text(element)
        return "\n".join(self.ops).encode("latin-1")

    def _grid(self, x_mm: float, y_mm: float, unit_x_mm: float, unit_y_mm: float) -> str:
        """Make one unit of drawing ``unit_x_mm`` wide and ``unit_y_mm`` tall from ``(x, y)``.

        Modules and bars are then drawn at whole-number positions: exact, and cheap to write.
        """
        return (
            f"q {number(_pt(unit_x_mm))} 0 0 {number(-_pt(unit_y_mm))}"
            f" {number(_pt(x_mm))} {number(self.height - _pt(y_mm))} cm"
        )

    def _qr(self, qr: QrElement) -> None:
        m = qr.module_mm
        quiet = QR_QUIET_MODULES * m
        self.ops.append(self._grid(qr.box.x + quiet, qr.box.y + quiet, m, m))
        # Every dark module in one path: one fill, no hairline gaps between modules.
        self.ops.extend(f"{start} {row} {length} 1 re" for row, start, length in qr_runs(qr.data))
        self.ops.append("f Q")

    def _barcode(self, barcode: BarcodeElement) -> None:
        box = barcode.box
        self.ops.append(self._grid(box.x + barcode.quiet_zone_mm, box.y, barcode.x_mm, box.height))
        self.ops.extend(f"{start} 0 {width} 1 re" for start, width in code128_bars(barcode.data))
        self.ops.append("f Q")

    def _text(self, text: TextElement) -> None:
        size = number(text.font_size_pt)
        ops = [f"BT {number(_pt(text.box.x))} {number(self.height - _pt(text.baseline))} Td"]
        for face, run in self.fonts.runs(text.text, text.bold):
            for name, codes in self.writer.show_text(face, run):
                ops.append(f"/{name.decode()} {size} Tf <{codes.hex()}> Tj")
        ops.append("ET")
        self.ops.append(" ".join(ops))
