"""Label templates: page, printable area, the boxes of the codes and text, and their checks.

Two stocks of the Brother QL printers are supported (see docs/label-facts in the project
notes): ``large``, 100 x 62 mm cut from 62 mm continuous tape, and ``small``, the 90.3 x
29 mm DK-11201 die-cut label. A template is checked when it is loaded; one that does not fit
its page or the printable area is refused with a message naming the element and by how much.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attrs import field, frozen

from rtutils_core.errors import LayoutError
from rtutils_core.geometry import PT_MM, Box, dots, whole_dots
from rtutils_core.labels.ports import LabelMetrics
from rtutils_core.tags import TagFormat, TagFormats

#: Line height as a multiple of the font size, and where the baseline sits below the top of
#: the line: 0.95 em clears the accents of capitals (É, Ñ) and CJK ideographs.
LEADING = 1.25
BASELINE_EM = 0.95
QR_QUIET_MODULES = 4
#: ISO/IEC 15417 asks for at least 10 X of quiet zone on both sides of a Code 128 symbol.
BARCODE_QUIET_X = 10
MIN_QR_MODULE_DOTS = 3
MIN_BAR_HEIGHT_MM = 5.0

#: Fields a template may print. ``tag`` is the asset's Name; the rest come from custom
#: fields (see :func:`rtutils_core.label_layout.content_for_asset`) or configuration.
FIELDS = ("tag", "internal_name", "model", "serial", "funding", "organisation")

LARGE = "large"
SMALL = "small"
DEFAULT_TEMPLATE = LARGE

#: Printable band across 62 mm tape: 696 dots at 300 dpi (brother_ql's label table).
TAPE_62_PRINTABLE_MM = dots(696)
TAPE_62_MM = 62.0
#: DK-11201 die-cut: 306 x 991 printable dots of a 29 x 90.3 mm label.
DK11201_PRINTABLE_MM = (dots(991), dots(306))
DK11201_SIZE_MM = (90.3, 29.0)
#: The die-cut label's size is fixed by the stock, so its padding is too: the printer's own
#: margins already keep marks 1.5-3.2 mm from the edges.
SMALL_PADDING_MM = 2.0


@frozen
class TextLine:
    """One line of a text block: which field, its size range in points, an optional caption."""

    field: str
    max_pt: float
    min_pt: float
    bold: bool = False
    caption: str = ""

    @property
    def height_mm(self) -> float:
        return self.max_pt * LEADING * PT_MM


def _lines(items: Iterable[TextLine]) -> tuple[TextLine, ...]:
    return tuple(items)


@frozen
class TextBlock:
    """Lines stacked from the top of ``box``; a line whose field is empty takes no room."""

    box: Box
    lines: tuple[TextLine, ...] = field(converter=_lines)

    @property
    def height_needed_mm(self) -> float:
        return sum(line.height_mm for line in self.lines)


def _blocks(items: Iterable[TextBlock]) -> tuple[TextBlock, ...]:
    return tuple(items)


@frozen
class LabelTemplate:
    """Where everything goes on one label stock, in mm from the top-left corner."""

    name: str
    stock: str
    width_mm: float
    height_mm: float
    padding_mm: float
    printable: Box
    qr: Box
    barcode: Box
    text_blocks: tuple[TextBlock, ...] = field(converter=_blocks)
    qr_module_dots: tuple[int, int] = (MIN_QR_MODULE_DOTS, 10)
    barcode_x_dots: tuple[int, int] = (2, 4)
    #: Width of continuous tape, which the page height may not exceed (None: die-cut stock).
    tape_mm: float | None = None

    @property
    def page(self) -> Box:
        return Box(0.0, 0.0, self.width_mm, self.height_mm)

    @property
    def content_area(self) -> Box:
        """The page less its padding, within what the printer can mark."""
        return self.page.inset(self.padding_mm).intersect(self.printable)

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields this template prints, in order."""
        return tuple(line.field for block in self.text_blocks for line in block.lines)


@frozen
class LabelSample:
    """Typical content used to check a template when it is loaded."""

    tag: str = "W12-00001"
    qr_data: str = "https://rt.example.org/Asset/Display.html?id=999999"


def large_template(
    width_mm: float = 100.0, height_mm: float = 62.0, padding_mm: float = 4.0
) -> LabelTemplate:
    """``large``: QR top left, text to its right, the barcode across the bottom."""
    band = min(TAPE_62_PRINTABLE_MM, height_mm)
    printable = Box(0.0, (height_mm - band) / 2, width_mm, band)
    area = Box(0.0, 0.0, width_mm, height_mm).inset(padding_mm).intersect(printable)
    bar_height, gap = 12.0, 2.0
    side = max(0.0, min(32.0, area.height - bar_height - gap, area.width * 0.4))
    text_x = area.x + side + 3.0
    return LabelTemplate(
        name=LARGE,
        stock="62 mm continuous tape (DK-22205)",
        width_mm=width_mm,
        height_mm=height_mm,
        padding_mm=padding_mm,
        printable=printable,
        qr=Box(area.x, area.y, side, side),
        barcode=Box(area.x, area.bottom - bar_height, area.width, bar_height),
        text_blocks=[
            TextBlock(
                Box(text_x, area.y, area.right - text_x, area.height - bar_height - gap),
                [
                    TextLine("tag", 22, 14, bold=True),
                    TextLine("internal_name", 13, 7),
                    TextLine("model", 10, 6),
                    TextLine("serial", 10, 6, caption="S/N "),
                    TextLine("funding", 10, 6, caption="Funding: "),
                    TextLine("organisation", 8, 6),
                ],
            )
        ],
        barcode_x_dots=(2, 5),
        tape_mm=TAPE_62_MM,
    )


def small_template() -> LabelTemplate:
    """``small``: QR on the left; tag, barcode and two short lines to its right."""
    width_mm, height_mm = DK11201_SIZE_MM
    across, tall = DK11201_PRINTABLE_MM
    printable = Box((width_mm - across) / 2, (height_mm - tall) / 2, across, tall)
    area = Box(0.0, 0.0, width_mm, height_mm).inset(SMALL_PADDING_MM).intersect(printable)
    side = area.height
    x = area.x + side + 2.5
    column = area.right - x
    return LabelTemplate(
        name=SMALL,
        stock="29 x 90.3 mm die-cut (DK-11201)",
        width_mm=width_mm,
        height_mm=height_mm,
        padding_mm=SMALL_PADDING_MM,
        printable=printable,
        qr=Box(area.x, area.y, side, side),
        barcode=Box(x, area.y + 6.5, column, 7.5),
        text_blocks=[
            TextBlock(Box(x, area.y, column, 6.2), [TextLine("tag", 14, 10, bold=True)]),
            TextBlock(
                Box(x, area.y + 14.5, column, area.bottom - area.y - 14.5),
                [
                    TextLine("internal_name", 8, 6),
                    TextLine("model", 7, 5.5),
                    TextLine("serial", 7, 5.5, caption="S/N "),
                ],
            ),
        ],
        barcode_x_dots=(2, 4),
    )


def load_templates(
    metrics: LabelMetrics,
    *,
    width_mm: float = 100.0,
    height_mm: float = 62.0,
    padding_mm: float = 4.0,
    sample: LabelSample | None = None,
) -> dict[str, LabelTemplate]:
    """Both templates, checked; the default one (``large``) sized by the settings.

    Raises :class:`LayoutError` naming the template, the element and the overflow in mm.
    """
    templates = {
        LARGE: large_template(width_mm, height_mm, padding_mm),
        SMALL: small_template(),
    }
    for template in templates.values():
        validate_template(template, metrics, sample or LabelSample())
    return templates


@frozen
class LabelOptions:
    """How labels are made here: the default template's size, the QR code's target, the text.

    ``rt_url`` and ``public_url`` only size the QR code check at start-up; each label's own
    link comes from the backend (or the public URL) when it is laid out.
    """

    tag_formats: TagFormats = TagFormats(TagFormat())
    width_mm: float = 100.0
    height_mm: float = 62.0
    padding_mm: float = 4.0
    organisation: str = ""
    qr_target: str = "rt"
    public_url: str = ""
    rt_url: str = "https://tickets.wc-12.com"
    template_by_type: Mapping[str, str] = field(factory=dict, hash=False)


def configured_templates(options: LabelOptions, metrics: LabelMetrics) -> dict[str, LabelTemplate]:
    """The templates as configured, checked against the longest tag and QR data expected."""
    default = options.tag_formats.default
    widest_tag = str(default.make(default.max_number))
    qr_data = (
        f"{options.public_url}/a/{widest_tag}"
        if options.qr_target == "service"
        else f"{options.rt_url}/Asset/Display.html?id=9999999"
    )
    return load_templates(
        metrics,
        width_mm=options.width_mm,
        height_mm=options.height_mm,
        padding_mm=options.padding_mm,
        sample=LabelSample(tag=widest_tag, qr_data=qr_data),
    )


def validate_template(template: LabelTemplate, metrics: LabelMetrics, sample: LabelSample) -> None:
    """Refuse a template whose elements leave the page or printable area, or cannot fit."""
    problems = [
        *_check_boxes(template),
        *_check_text(template, metrics, sample),
        *_check_qr(template, metrics, sample),
        *_check_barcode(template, metrics, sample),
    ]
    if problems:
        raise LayoutError(f"label template {template.name!r}: " + "; ".join(problems))


def _named_boxes(template: LabelTemplate) -> list[tuple[str, Box]]:
    boxes = [("QR code", template.qr), ("barcode", template.barcode)]
    for block in template.text_blocks:
        boxes.append((f"text ({', '.join(line.field for line in block.lines)})", block.box))
    return boxes


def _sides(overflow: Iterable[tuple[str, float]]) -> str:
    return ", ".join(f"{amount:.1f} mm on the {side}" for side, amount in overflow)


def _check_boxes(template: LabelTemplate) -> list[str]:
    problems = []
    if template.tape_mm is not None and template.height_mm > template.tape_mm + 1e-6:
        # The printable band is centred on the page, but the tape is all there is to print on.
        problems.append(
            f"the page is {template.height_mm:.1f} mm high, but the tape is"
            f" {template.tape_mm:.1f} mm across: {template.height_mm - template.tape_mm:.1f} mm"
            " too high (LABEL_HEIGHT_MM)"
        )
    named = _named_boxes(template)
    for name, box in named:
        if box.width <= 0 or box.height <= 0:
            problems.append(f"{name} has no room left ({box.describe()})")
            continue
        for area_name, area in (("page", template.page), ("printable area", template.printable)):
            if overflow := area.overflow(box):
                problems.append(f"{name} sticks out of the {area_name} by {_sides(overflow)}")
    for i, (name, box) in enumerate(named):
        for other_name, other in named[i + 1 :]:
            common = box.intersect(other)
            if common.width > 0 and common.height > 0:
                problems.append(
                    f"{name} overlaps {other_name} by {common.width:.1f} x {common.height:.1f} mm"
                )
    return problems


def _check_text(template: LabelTemplate, metrics: LabelMetrics, sample: LabelSample) -> list[str]:
    problems = []
    for block in template.text_blocks:
        for line in block.lines:
            if line.field not in FIELDS:
                problems.append(f"unknown field {line.field!r} (known: {', '.join(FIELDS)})")
            if not 0 < line.min_pt <= line.max_pt:
                problems.append(
                    f"{line.field} sizes must satisfy 0 < min <= max,"
                    f" not {line.min_pt:g}..{line.max_pt:g} pt"
                )
        excess = block.height_needed_mm - block.box.height
        if excess > 1e-6:
            names = ", ".join(line.field for line in block.lines)
            problems.append(
                f"text ({names}) needs {block.height_needed_mm:.1f} mm at full size but its box"
                f" is {block.box.height:.1f} mm high: {excess:.1f} mm too tall"
            )
        for line in block.lines:
            if line.field == "tag":
                width = metrics.text_width_mm(sample.tag, line.min_pt, line.bold)
                room = block.box.width
                if width > room + 1e-6:
                    problems.append(
                        f"tag {sample.tag!r} is {width:.1f} mm wide at {line.min_pt:g} pt but its"
                        f" box is {room:.1f} mm: {width - room:.1f} mm too wide"
                    )
    return problems


def _check_qr(template: LabelTemplate, metrics: LabelMetrics, sample: LabelSample) -> list[str]:
    total = metrics.qr_modules(sample.qr_data) + 2 * QR_QUIET_MODULES
    need = dots(total * template.qr_module_dots[0])
    side = min(template.qr.width, template.qr.height)
    if need > side + 1e-6:
        return [
            f"QR code for {sample.qr_data!r} needs {total} modules of"
            f" {template.qr_module_dots[0]} dots ({need:.1f} mm with its quiet zone) but its box"
            f" is {side:.1f} mm: {need - side:.1f} mm too big"
        ]
    return []


def _check_barcode(
    template: LabelTemplate, metrics: LabelMetrics, sample: LabelSample
) -> list[str]:
    problems = []
    total = metrics.code128_modules(sample.tag) + 2 * BARCODE_QUIET_X
    smallest = template.barcode_x_dots[0]
    need = dots(total * smallest)
    if whole_dots(template.barcode.width) < total * smallest:
        problems.append(
            f"barcode of {sample.tag!r} needs {need:.1f} mm at {smallest} dots per bar (quiet"
            f" zones included) but its box is {template.barcode.width:.1f} mm wide:"
            f" {need - template.barcode.width:.1f} mm too wide"
        )
    if template.barcode.height < MIN_BAR_HEIGHT_MM:
        problems.append(
            f"barcode box is {template.barcode.height:.1f} mm high; bars need at least"
            f" {MIN_BAR_HEIGHT_MM:g} mm to scan"
        )
    return problems


def check_template_choice(
    templates: Mapping[str, LabelTemplate], template_by_type: Mapping[str, str]
) -> None:
    """Refuse a TEMPLATE_BY_TYPE that names a template that does not exist."""
    for type_name, name in template_by_type.items():
        if name not in templates:
            known = ", ".join(sorted(templates))
            raise LayoutError(
                f"TEMPLATE_BY_TYPE maps {type_name!r} to unknown template {name!r};"
                f" known templates: {known}"
            )
