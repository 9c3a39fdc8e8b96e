"""A PDF file written page by page, so that a batch of any length needs bounded memory.

reportlab's canvas keeps every page of a document in memory until ``save()``; a batch of
thousands of labels would grow with its length. This writer sends each page's objects to
the output as soon as the page is finished and keeps only what the end of the file needs:
one offset per object, one id per page and the characters used per font (bounded by the
fonts' size). Fonts are subset and embedded at the end with reportlab's TrueType subsetter.
"""

from __future__ import annotations

import zlib
from typing import IO

from reportlab.pdfbase.ttfonts import makeToUnicodeCMap

from rtutils_adapters.pdf.fonts import FontFace

#: A simple TrueType font addresses 256 characters; reportlab's subsetter makes each group
#: of 256 distinct characters its own embedded font.
SUBSET_SIZE = 256


class _FontUse:
    """The characters of one face used so far, in groups of 256, and their object ids."""

    def __init__(self, face: FontFace) -> None:
        self.face = face
        self.codes: dict[str, tuple[int, int]] = {}
        self.subsets: list[list[int]] = []
        self.ids: list[int] = []


class PdfWriter:
    """Writes a PDF to ``out``: call :meth:`add_page` for each page, then :meth:`close`."""

    def __init__(self, out: IO[bytes], *, compress: bool = True) -> None:
        self._out = out
        self._compress = compress
        self._position = 0
        self._offsets: dict[int, int] = {}
        self._count = 0
        self._fonts: dict[str, _FontUse] = {}
        self._page_ids: list[int] = []
        self._page_fonts: set[tuple[str, int]] = set()
        self._pages_id = self._reserve()
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    @property
    def pages(self) -> int:
        return len(self._page_ids)

    def _reserve(self) -> int:
        self._count += 1
        return self._count

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def _object(self, object_id: int, body: bytes) -> None:
        self._offsets[object_id] = self._position
        self._write(b"%d 0 obj\n" % object_id + body + b"\nendobj\n")

    def _stream(self, object_id: int, data: bytes, extra: bytes = b"") -> None:
        if self._compress:
            data = zlib.compress(data, 6)
            extra += b" /Filter /FlateDecode"
        head = b"<< /Length %d%s >>\nstream\n" % (len(data), extra)
        self._object(object_id, head + data + b"\nendstream")

    def show_text(self, face: FontFace, text: str) -> list[tuple[bytes, bytes]]:
        """``text`` in ``face`` as ``(font resource name, codes)`` pieces for the ``Tj`` operator.

        Codes are given out in order of first use; the font is embedded on :meth:`close`.
        """
        use = self._fonts.get(face.key)
        if use is None:
            use = self._fonts[face.key] = _FontUse(face)
        pieces: list[tuple[bytes, bytearray]] = []
        for ch in text:
            code = use.codes.get(ch)
            if code is None:
                if not use.subsets or len(use.subsets[-1]) == SUBSET_SIZE:
                    use.subsets.append([])
                    use.ids.append(self._reserve())
                code = use.codes[ch] = (len(use.subsets) - 1, len(use.subsets[-1]))
                use.subsets[-1].append(ord(ch))
            subset, byte = code
            name = b"F%s%d" % (face.key.encode(), subset)
            self._page_fonts.add((face.key, subset))
            if pieces and pieces[-1][0] == name:
                pieces[-1][1].append(byte)
            else:
                pieces.append((name, bytearray([byte])))
        return [(name, bytes(codes)) for name, codes in pieces]

    def add_page(self, width_pt: float, height_pt: float, content: bytes) -> None:
        """Write one page of ``width_pt`` x ``height_pt`` points drawn by ``content``."""
        page_id, content_id = self._reserve(), self._reserve()
        self._stream(content_id, content)
        fonts = b" ".join(
            b"/F%s%d %d 0 R" % (key.encode(), n, self._fonts[key].ids[n])
            for key, n in sorted(self._page_fonts)
        )
        self._object(
            page_id,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Contents %d 0 R"
            b" /Resources << /Font << %s >> >> >>"
            % (self._pages_id, _num(width_pt), _num(height_pt), content_id, fonts),
        )
        self._page_ids.append(page_id)
        self._page_fonts = set()

    def close(self) -> int:
        """Embed the fonts, write the page tree and cross-reference table; return page count."""
        for use in self._fonts.values():
            for n, subset in enumerate(use.subsets):
                self._embed(use.face, n, subset, use.ids[n])
        kids = b" ".join(b"%d 0 R" % i for i in self._page_ids)
        self._object(
            self._pages_id,
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self._page_ids)),
        )
        catalog_id = self._reserve()
        self._object(catalog_id, b"<< /Type /Catalog /Pages %d 0 R >>" % self._pages_id)
        xref = self._position
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % (self._count + 1)]
        rows.extend(b"%010d 00000 n \n" % self._offsets[i] for i in range(1, self._count + 1))
        self._write(b"".join(rows))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (self._count + 1, catalog_id, xref)
        )
        return len(self._page_ids)

    def _embed(self, face: FontFace, n: int, subset: list[int], font_id: int) -> None:
        ttf = face.ttf
        # A subset font's name starts with six capitals naming the subset (PDF 32000 9.6.4).
        tag = "".join(chr(ord("A") + (n // 26**i) % 26) for i in range(6))
        base = f"{tag}+{face.name}".encode("latin-1")
        file_id, descriptor_id, cmap_id = self._reserve(), self._reserve(), self._reserve()
        program = face.subset(subset)
        self._stream(file_id, program, b" /Length1 %d" % len(program))
        bbox = b" ".join(_num(v) for v in ttf.bbox)
        # Symbolic (4) rather than nonsymbolic: the subset's codes are not a standard encoding.
        flags = (ttf.flags & ~32) | 4
        self._object(
            descriptor_id,
            b"<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%s] /ItalicAngle %s"
            b" /Ascent %s /Descent %s /CapHeight %s /StemV %s /MissingWidth %s"
            b" /FontFile2 %d 0 R >>"
            % (
                base,
                flags,
                bbox,
                _num(ttf.italicAngle),
                _num(ttf.ascent),
                _num(ttf.descent),
                _num(ttf.capHeight),
                _num(ttf.stemV),
                _num(ttf.defaultWidth),
                file_id,
            ),
        )
        self._stream(cmap_id, makeToUnicodeCMap(base.decode("latin-1"), subset).encode("ascii"))
        widths = b" ".join(_num(face.widths.get(c, face.default_width)) for c in subset)
        self._object(
            font_id,
            b"<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 0 /LastChar %d"
            b" /Widths [%s] /FontDescriptor %d 0 R /ToUnicode %d 0 R >>"
            % (base, len(subset) - 1, widths, descriptor_id, cmap_id),
        )


def number(value: float) -> str:
    """A PDF number: at most 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _num(value: float) -> bytes:
    return number(value).encode("ascii")
