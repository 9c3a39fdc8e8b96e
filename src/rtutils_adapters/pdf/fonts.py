"""The embedded fonts and the per-character choice between them.

Every character is drawn with the first font that has a glyph for it: DejaVu Sans Condensed
(regular or bold), then Droid Sans Fallback for Chinese, Japanese and Korean. The choice is
made here once, so that measuring (for the layout) and drawing use the same glyphs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from importlib import resources

from reportlab.pdfbase.ttfonts import TTFontFile

FONT_FILES = {
    "R": "DejaVuSansCondensed.ttf",
    "B": "DejaVuSansCondensed-Bold.ttf",
    "F": "DroidSansFallbackFull.ttf",
}


class FontFace:
    """One embedded TrueType font: its character map, widths and subsetting."""

    def __init__(self, key: str, ttf: TTFontFile) -> None:
        self.key = key
        self.ttf = ttf
        self.glyphs: dict[int, int] = ttf.charToGlyph
        self.widths: dict[int, float] = ttf.charWidths
        self.default_width: float = ttf.defaultWidth
        self.name: str = ttf.name.decode("latin-1")
        # The parser reads the font file through one shared position (seek, then read), so
        # two threads subsetting the same face at once would read each other's glyphs.
        self._subset_lock = threading.Lock()

    def has(self, ch: str) -> bool:
        return ord(ch) in self.glyphs

    def width(self, ch: str) -> float:
        """Advance width of ``ch`` in thousandths of the font size."""
        return self.widths.get(ord(ch), self.default_width)

    def subset(self, codepoints: list[int]) -> bytes:
        """A TrueType font whose code ``i`` draws ``codepoints[i]``."""
        with self._subset_lock:
            data: bytes = self.ttf.makeSubset(codepoints)
        return data


def _load(key: str) -> FontFace:
    source = resources.files("rtutils_adapters.pdf").joinpath("fonts", FONT_FILES[key])
    with resources.as_file(source) as path:
        return FontFace(key, TTFontFile(str(path)))


class FontSet:
    """The fonts labels are drawn with, and which one draws each character."""

    def __init__(self, regular: FontFace, bold: FontFace, fallback: Callable[[], FontFace]) -> None:
        self.regular, self.bold = regular, bold
        self._load_fallback = fallback
        self._fallback: FontFace | None = None
        self._lock = threading.Lock()
        self._choice: dict[tuple[str, bool], FontFace | None] = {}

    @classmethod
    @functools.cache
    def embedded(cls) -> FontSet:
        """The fonts shipped with rtutils (parsed once per process)."""
        return cls(_load("R"), _load("B"), functools.partial(_load, "F"))

    @property
    def fallback(self) -> FontFace:
        """The CJK fallback font, parsed on first need: it takes about 40 MB once parsed."""
        with self._lock:
            if self._fallback is None:
                self._fallback = self._load_fallback()
            return self._fallback

    def face_for(self, ch: str, bold: bool) -> FontFace | None:
        """The font that draws ``ch``, or ``None`` if no embedded font has it."""
        key = (ch, bold)
        try:
            return self._choice[key]
        except KeyError:
            pass
        first = self.bold if bold else self.regular
        face = first if first.has(ch) else self.fallback if self.fallback.has(ch) else None
        self._choice[key] = face
        return face

    def runs(self, text: str, bold: bool) -> list[tuple[FontFace, str]]:
        """``text`` split into runs drawn with one font each; undrawable characters dropped."""
        runs: list[tuple[FontFace, str]] = []
        for ch in text:
            face = self.face_for(ch, bold)
            if face is None:
                continue
            if runs and runs[-1][0] is face:
                runs[-1] = (face, runs[-1][1] + ch)
            else:
                runs.append((face, ch))
        return runs

    def width(self, text: str, bold: bool) -> float:
        """Advance width of ``text`` in thousandths of the font size."""
        total = 0.0
        for ch in text:
            face = self.face_for(ch, bold)
            if face is not None:
                total += face.width(ch)
        return total

    def undrawable(self, text: str) -> str:
        """The characters of ``text`` that no embedded font has, in order, once each."""
        missing = dict.fromkeys(
            ch for ch in text if self.face_for(ch, False) is None or self.face_for(ch, True) is None
        )
        return "".join(missing)
