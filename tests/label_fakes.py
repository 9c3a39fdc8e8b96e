"""Fakes for the label ports: simple metrics and a renderer that records what it was given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from rtutils_core.geometry import PT_MM, LabelLayout

#: Bytes a QR symbol of versions 1..10 holds at error correction M (ISO/IEC 18004 table 7).
QR_M_BYTES = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213)


class FakeLabelMetrics:
    """Every character 0.6 em wide (0.65 bold); characters from U+13000 up are undrawable."""

    def text_width_mm(self, text: str, size_pt: float, bold: bool = False) -> float:
        return len(text) * (0.65 if bold else 0.6) * size_pt * PT_MM

    def undrawable(self, text: str) -> str:
        return "".join(dict.fromkeys(ch for ch in text if ord(ch) >= 0x13000))

    def qr_modules(self, data: str) -> int:
        size = len(data.encode())
        version = next(v for v, cap in enumerate(QR_M_BYTES, start=1) if size <= cap)
        return 17 + 4 * version

    def code128_modules(self, data: str) -> int:
        # Code set B all the way: start, one symbol per character, checksum, stop.
        return 11 * (len(data) + 2) + 13


class RecordingRenderer:
    """Keeps the layouts it is asked to render; writes a token per page."""

    def __init__(self) -> None:
        self.layouts: list[LabelLayout] = []

    def render_pdf(self, layouts: Iterable[LabelLayout], out: BinaryIO) -> int:
        count = 0
        for layout in layouts:
            self.layouts.append(layout)
            out.write(f"page {layout.template} {layout.texts().get('tag')}\n".encode())
            count += 1
        return count

    def render_png(self, layout: LabelLayout, dpi: int = 300) -> bytes:
        self.layouts.append(layout)
        return b"\x89PNG fake"
