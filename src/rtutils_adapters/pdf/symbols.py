"""The two symbols on a label: a QR code (qrcode package) and Code 128 (reportlab's encoder).

Both are returned as geometry in modules, for the renderer to draw as vector rectangles.
"""

from __future__ import annotations

import functools

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics.barcode.code128 import Code128

from rtutils_core.errors import InvalidInput

#: The qrcode package picks the best of the 8 masks by drawing all 8 (about 6x the work of
#: drawing one). Any mask is valid per ISO/IEC 18004; mask 2 (vertical stripes every third
#: column) decoded in every test and benchmark run, so labels use it and stay fast.
QR_MASK = 2


@functools.lru_cache(maxsize=256)
def qr_version(data: str) -> int:
    """The smallest QR version that holds ``data`` at error correction M."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    version: int = code.best_fit()
    return version


def qr_side(data: str) -> int:
    """Side of the symbol in modules, quiet zone excluded."""
    return 17 + 4 * qr_version(data)


def qr_runs(data: str) -> list[tuple[int, int, int]]:
    """Dark modules of the QR code of ``data`` as horizontal runs ``(row, start, length)``."""
    code = qrcode.QRCode(
        version=qr_version(data), error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK
    )
    code.add_data(data)
    code.make(fit=False)
    runs = []
    for row, modules in enumerate(code.modules):
        start = None
        for col, dark in enumerate(modules):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append((row, start, col - start))
                start = None
        if start is not None:
            runs.append((row, start, len(modules) - start))
    return runs


@functools.lru_cache(maxsize=256)
def code128_bars(data: str) -> tuple[tuple[int, int], ...]:
    """The bars of the Code 128 symbol of exactly ``data``: ``(start, width)`` in modules."""
    symbol = Code128(data, quiet=0)
    # types-reportlab leaves Code128's validate, encode and decompose unannotated.
    if symbol.validate() != data or not data:  # type: ignore[no-untyped-call]
        raise InvalidInput(f"{data!r} cannot be a Code 128 barcode: use printable ASCII only")
    symbol.encode()  # type: ignore[no-untyped-call]
    bars = []
    position = 0
    for part in symbol.decompose():  # type: ignore[no-untyped-call]
        # reportlab writes bars as capitals and spaces as small letters, 'a'/'A' = 1 module.
        width = ord(part.lower()) - ord("a") + 1
        if part.isupper():
            bars.append((position, width))
        position += width
    return tuple(bars)


def code128_width(data: str) -> int:
    """Width of the symbol in modules, quiet zones excluded."""
    start, width = code128_bars(data)[-1]
    return start + width
