"""Laying out one label: a pure function from a template and an asset's content to elements.

Text that does not fit shrinks in half-point steps to its line's minimum size, then is cut
with an ellipsis; it never leaves its box. Empty fields are left out (never "N/A") and the
lines below move up. Characters that no embedded font can draw are printed as a visible
replacement and reported in ``LabelLayout.problems``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping

from attrs import field, frozen

from rtutils_core.assets import Asset
from rtutils_core.errors import InvalidInput, LayoutError
from rtutils_core.geometry import (
    PT_MM,
    BarcodeElement,
    Box,
    Element,
    LabelLayout,
    QrElement,
    TextElement,
    dots,
    snap_up,
    whole_dots,
)
from rtutils_core.labels.ports import LabelMetrics
from rtutils_core.labels.templates import (
    BARCODE_QUIET_X,
    BASELINE_EM,
    QR_QUIET_MODULES,
    LabelTemplate,
    TextLine,
)

ELLIPSIS = "\u2026"
REPLACEMENT = "\ufffd"


def _copy(fields: Mapping[str, str]) -> dict[str, str]:
    return dict(fields)


@frozen
class LabelContent:
    """What one label says: the tag (barcode and big text), the QR data, and text fields."""

    tag: str
    qr_data: str
    fields: Mapping[str, str] = field(factory=dict, converter=_copy, hash=False)


def content_for_asset(asset: Asset, tag: str, qr_data: str, organisation: str = "") -> LabelContent:
    """The label content of ``asset``: custom fields mapped to the template's field names."""
    manufacturer, model = asset.cf("Manufacturer").strip(), asset.cf("Model").strip()
    if manufacturer and not model.casefold().startswith(manufacturer.casefold()):
        model = f"{manufacturer} {model}".strip()
    return LabelContent(
        tag=tag,
        qr_data=qr_data,
        fields={
            "tag": tag,
            "internal_name": asset.cf("Internal Name"),
            "model": model,
            "serial": asset.cf("Serial Number"),
            "funding": asset.cf("Funding Source"),
            "organisation": organisation,
        },
    )


def clean_text(text: str) -> str:
    """One printable line: whitespace runs become one space, control characters go."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return " ".join(kept.split())


def lay_out_label(
    template: LabelTemplate, content: LabelContent, metrics: LabelMetrics
) -> LabelLayout:
    """Position every element of ``content`` on ``template``, in mm."""
    problems: list[str] = []
    elements: list[Element] = [
        _place_qr(template, content.qr_data, metrics),
        _place_barcode(template, content.tag, metrics),
    ]
    for block in template.text_blocks:
        top = block.box.y
        for line in block.lines:
            value = clean_text(content.fields.get(line.field, ""))
            if not value:
                continue
            value = _replace_undrawable(value, line.field, metrics, problems)
            elements.append(_fit_line(line, line.caption + value, block.box, top, metrics))
            top += line.height_mm
    rtl = sorted(
        {ch for e in elements if isinstance(e, TextElement) for ch in e.text if _is_rtl(ch)}
    )
    if rtl:
        problems.append(
            "right-to-left text is printed left to right, letter by letter: " + "".join(rtl)
        )
    return LabelLayout(
        template=template.name,
        width_mm=template.width_mm,
        height_mm=template.height_mm,
        printable=template.printable,
        elements=elements,
        problems=problems,
    )


def _place_qr(template: LabelTemplate, data: str, metrics: LabelMetrics) -> QrElement:
    modules = metrics.qr_modules(data)
    total = modules + 2 * QR_QUIET_MODULES
    box = template.qr
    x, y = snap_up(box.x), snap_up(box.y)
    room = min(whole_dots(box.right - x), whole_dots(box.bottom - y))
    low, high = template.qr_module_dots
    module_dots = min(high, room // total)
    if module_dots < low:
        raise LayoutError(
            f"label template {template.name!r}: the QR code for {data!r} needs {total} modules"
            f" of at least {low} dots ({dots(total * low):.1f} mm) but its box is"
            f" {dots(room):.1f} mm"
        )
    side = dots(total * module_dots)
    return QrElement(Box(x, y, side, side), data, dots(module_dots), modules)


def _place_barcode(template: LabelTemplate, tag: str, metrics: LabelMetrics) -> BarcodeElement:
    modules = metrics.code128_modules(tag)
    total = modules + 2 * BARCODE_QUIET_X
    box = template.barcode
    x, y = snap_up(box.x), snap_up(box.y)
    room = whole_dots(box.right - x)
    low, high = template.barcode_x_dots
    x_dots = min(high, room // total)
    if x_dots < low:
        raise InvalidInput(
            f"tag {tag!r} is too long for the barcode of the {template.name!r} label: it needs"
            f" {dots(total * low):.1f} mm, the label has {dots(room):.1f} mm"
        )
    height = dots(whole_dots(box.bottom - y))
    return BarcodeElement(
        Box(x, y, dots(total * x_dots), height),
        tag,
        dots(x_dots),
        modules,
        dots(BARCODE_QUIET_X * x_dots),
    )


def _replace_undrawable(text: str, name: str, metrics: LabelMetrics, problems: list[str]) -> str:
    missing = metrics.undrawable(text)
    if not missing:
        return text
    replacement = "?" if metrics.undrawable(REPLACEMENT) else REPLACEMENT
    shown = ", ".join(f"U+{ord(ch):04X} {ch!r}" for ch in missing)
    problems.append(
        f"{name}: no embedded font can draw {shown}; printed as {replacement!r} instead"
    )
    return "".join(replacement if ch in missing else ch for ch in text)


def _fit_line(
    line: TextLine, text: str, area: Box, top: float, metrics: LabelMetrics
) -> TextElement:
    per_pt = metrics.text_width_mm(text, 1.0, line.bold)
    size = line.max_pt
    if per_pt * size > area.width:
        size = max(line.min_pt, math.floor(area.width / per_pt * 2) / 2)
    if per_pt * size > area.width + 1e-9:
        if line.field == "tag":
            # The tag is never cut: a shortened tag would be a different, wrong tag.
            raise InvalidInput(
                f"tag {text!r} does not fit its line even at {line.min_pt:g} pt:"
                f" {per_pt * size - area.width:.1f} mm too wide"
            )
        text = _cut_to_width(text, area.width, size, line.bold, metrics)
    width = min(area.width, metrics.text_width_mm(text, size, line.bold))
    height = line.height_mm
    baseline = top + BASELINE_EM * line.max_pt * PT_MM
    return TextElement(
        Box(area.x, top, width, height), text, size, baseline, bold=line.bold, field=line.field
    )


def _cut_to_width(text: str, width: float, size: float, bold: bool, metrics: LabelMetrics) -> str:
    """The longest start of ``text`` that fits in ``width`` with an ellipsis after it."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if metrics.text_width_mm(_shorten(text, mid), size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return _shorten(text, low)


def _shorten(text: str, keep: int) -> str:
    # Never separate a letter from its combining accents.
    while 0 < keep < len(text) and unicodedata.combining(text[keep]):
        keep -= 1
    return text[:keep].rstrip() + ELLIPSIS


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")
