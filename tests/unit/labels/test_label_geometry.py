"""Label templates and layout: everything inside the printable area, text that fits."""

from __future__ import annotations

import attrs
import pytest
from tests.label_fakes import FakeLabelMetrics

from rtutils_core.errors import InvalidInput, LayoutError
from rtutils_core.geometry import DOT_MM, BarcodeElement, Box, QrElement, TextElement
from rtutils_core.labels import (
    LabelSample,
    TextBlock,
    TextLine,
    large_template,
    load_templates,
    small_template,
    validate_template,
)
from rtutils_core.labels.layout import ELLIPSIS, LabelContent, clean_text, lay_out_label

METRICS = FakeLabelMetrics()
URL = "https://rt.example.org/Asset/Display.html?id=2244"
TEMPLATES = load_templates(METRICS)

FULL = {
    "tag": "W12-00042",
    "internal_name": "CB-ART-01",
    "model": "Lenovo 100e Chromebook Gen 3",
    "serial": "NXH0007919ZA",
    "funding": "Title I",
    "organisation": "Westbrook Unified School District",
}
LONG = {**FULL, **{k: v * 12 for k, v in FULL.items() if k != "tag"}}
EMPTY = {"tag": "W12-00042"}
NON_LATIN = {**FULL, "internal_name": "测试 Chromebook — Ñandú Zoë", "funding": "Бюджет школы"}


def content(fields: dict[str, str], tag: str = "W12-00042") -> LabelContent:
    return LabelContent(tag=tag, qr_data=URL, fields={**fields, "tag": tag})


def line(layout, field):
    (text,) = [e for e in layout.elements if isinstance(e, TextElement) and e.field == field]
    return text


def dots_of(mm: float) -> float:
    return mm / DOT_MM


@pytest.mark.parametrize("name", ["large", "small"])
@pytest.mark.parametrize(
    "fields", [FULL, LONG, EMPTY, NON_LATIN], ids=["full", "long", "empty", "cjk"]
)
def test_every_element_lies_inside_the_printable_area_and_padding(name, fields):
    template = TEMPLATES[name]
    layout = lay_out_label(template, content(fields), METRICS)
    assert layout.elements
    for element in layout.elements:
        assert template.content_area.contains(element.box), element
        assert layout.printable.contains(element.box), element
        assert layout.page.contains(element.box), element


@pytest.mark.parametrize("name", ["large", "small"])
def test_codes_are_whole_printer_dots_with_their_quiet_zones(name):
    layout = lay_out_label(TEMPLATES[name], content(FULL), METRICS)
    (qr,) = [e for e in layout.elements if isinstance(e, QrElement)]
    (bar,) = [e for e in layout.elements if isinstance(e, BarcodeElement)]
    assert dots_of(qr.module_mm) == pytest.approx(round(dots_of(qr.module_mm)))
    assert round(dots_of(qr.module_mm)) >= 3
    assert qr.quiet_zone_mm == pytest.approx(4 * qr.module_mm)
    assert dots_of(qr.box.x) == pytest.approx(round(dots_of(qr.box.x)))
    assert dots_of(bar.x_mm) == pytest.approx(round(dots_of(bar.x_mm)))
    assert bar.quiet_zone_mm >= 10 * bar.x_mm - 1e-9
    assert bar.box.width == pytest.approx(bar.modules * bar.x_mm + 2 * bar.quiet_zone_mm)
    assert bar.data == "W12-00042"
    assert qr.data == URL


def test_the_tag_is_printed_large_and_bold_above_the_rest():
    layout = lay_out_label(TEMPLATES["large"], content(FULL), METRICS)
    texts = [e for e in layout.elements if isinstance(e, TextElement)]
    assert texts[0].field == "tag" and texts[0].bold
    assert texts[0].font_size_pt > max(t.font_size_pt for t in texts[1:])
    assert layout.texts()["serial"] == "S/N NXH0007919ZA"


def test_empty_fields_are_left_out_and_the_lines_below_move_up():
    fields = {**FULL, "internal_name": "", "model": "  \n "}
    layout = lay_out_label(TEMPLATES["large"], content(fields), METRICS)
    texts = [e for e in layout.elements if isinstance(e, TextElement)]
    assert [t.field for t in texts] == ["tag", "serial", "funding", "organisation"]
    assert all("N/A" not in t.text for t in texts)
    tag, serial = texts[0], texts[1]
    assert serial.box.y == pytest.approx(tag.box.bottom)


def test_a_label_with_only_a_tag_still_has_both_codes():
    layout = lay_out_label(TEMPLATES["small"], content(EMPTY), METRICS)
    kinds = sorted(type(e).__name__ for e in layout.elements)
    assert kinds == ["BarcodeElement", "QrElement", "TextElement"]


def test_long_text_shrinks_before_it_is_cut():
    template = TEMPLATES["large"]
    spec = template.text_blocks[0].lines[1]  # internal name, 14 pt down to 7 pt
    width = template.text_blocks[0].box.width
    # Fits at about 10 pt: shrinks, not cut.
    chars = int(width / (0.6 * 10 * 25.4 / 72))
    layout = lay_out_label(template, content({"internal_name": "N" * chars}), METRICS)
    text = line(layout, "internal_name")
    assert spec.min_pt < text.font_size_pt < spec.max_pt
    assert text.text == "N" * chars
    assert text.box.width <= width + 1e-9


def test_text_too_long_at_the_smallest_size_is_cut_with_an_ellipsis():
    template = TEMPLATES["large"]
    block = template.text_blocks[0]
    layout = lay_out_label(template, content(LONG), METRICS)
    for text in (e for e in layout.elements if isinstance(e, TextElement) and e.field != "tag"):
        line = next(ln for ln in block.lines if ln.field == text.field)
        assert text.font_size_pt == line.min_pt
        assert text.text.endswith(ELLIPSIS)
        assert METRICS.text_width_mm(text.text, text.font_size_pt) <= block.box.width + 1e-9
        # The longest start that fits: one more character would not.
        full = line.caption + LONG[text.field]
        kept = text.text[: -len(ELLIPSIS)]
        assert full.startswith(kept)
        more = len(kept) + 1
        while full[:more].rstrip() == kept:
            more += 1
        longer = full[:more].rstrip() + ELLIPSIS
        assert METRICS.text_width_mm(longer, text.font_size_pt) > block.box.width


def test_an_ellipsis_never_separates_a_letter_from_its_accent():
    layout = lay_out_label(TEMPLATES["small"], content({"internal_name": "e\u0301" * 200}), METRICS)
    text = line(layout, "internal_name")
    assert text.text.endswith("\u0301" + ELLIPSIS)


def test_the_tag_is_never_cut():
    with pytest.raises(InvalidInput, match="tag 'W12-000000000000000000042'"):
        lay_out_label(TEMPLATES["small"], content(EMPTY, tag="W12-000000000000000000042"), METRICS)


def test_characters_no_font_has_are_replaced_visibly_and_reported():
    fields = {**FULL, "internal_name": "Lab \U00013000 cart"}
    layout = lay_out_label(TEMPLATES["large"], content(fields), METRICS)
    assert layout.texts()["internal_name"] == "Lab \ufffd cart"
    assert layout.problems == (
        "internal_name: no embedded font can draw U+13000 '\U00013000';"
        " printed as '\ufffd' instead",
    )


def test_right_to_left_text_is_reported():
    layout = lay_out_label(TEMPLATES["large"], content({"internal_name": "שלום"}), METRICS)
    assert any("right-to-left" in p for p in layout.problems)


def test_control_characters_and_line_breaks_do_not_reach_the_label():
    assert clean_text(" Cart\n\tA1\u200b \x00 ") == "Cart A1"


def test_the_default_template_takes_its_size_and_padding_from_the_settings():
    templates = load_templates(METRICS, width_mm=120, height_mm=62, padding_mm=6)
    large = templates["large"]
    assert (large.width_mm, large.height_mm, large.padding_mm) == (120, 62, 6)
    assert large.content_area == Box(6, 6, 108, 50)
    assert templates["small"].width_mm == 90.3


def test_printable_areas_come_from_the_printer():
    assert TEMPLATES["large"].printable.height == pytest.approx(58.928, abs=0.001)
    small = small_template()
    assert (small.printable.width, small.printable.height) == pytest.approx(
        (83.905, 25.908), abs=0.001
    )


def test_a_label_too_narrow_for_its_text_is_refused_naming_the_element_and_the_overflow():
    with pytest.raises(LayoutError) as caught:
        load_templates(METRICS, width_mm=50)
    message = caught.value.message
    assert "label template 'large'" in message
    assert "tag 'W12-00001'" in message and "mm too wide" in message


def test_a_label_taller_than_the_tape_is_refused():
    with pytest.raises(
        LayoutError, match=r"the page is 70\.0 mm high, but the tape is 62\.0 mm across: 8\.0 mm"
    ):
        load_templates(METRICS, height_mm=70)


def test_a_label_too_short_for_its_lines_is_refused():
    with pytest.raises(LayoutError, match=r"needs 32\.2 mm at full size .* mm too tall"):
        load_templates(METRICS, padding_mm=12)


def test_a_box_outside_the_printable_area_is_refused_with_the_overflow():
    template = attrs.evolve(large_template(), qr=Box(4, 32, 32, 32))
    with pytest.raises(LayoutError) as caught:
        validate_template(template, METRICS, LabelSample())
    message = caught.value.message
    assert "QR code sticks out of the page by 2.0 mm on the bottom" in message
    assert "QR code sticks out of the printable area by 3.5 mm on the bottom" in message
    assert "QR code overlaps barcode" in message


def test_a_barcode_box_too_narrow_for_the_tag_is_refused():
    template = attrs.evolve(small_template(), barcode=Box(30.7, 8.5, 20, 7.5))
    with pytest.raises(
        LayoutError, match=r"barcode of 'W12-00001' needs 26\.1 mm .* 20\.0 mm wide"
    ):
        validate_template(template, METRICS, LabelSample())


def test_a_qr_box_too_small_for_the_url_is_refused():
    template = attrs.evolve(small_template(), qr=Box(3.3, 2, 9, 9))
    with pytest.raises(LayoutError, match=r"QR code for .* needs 41 modules of 3 dots \(10\.4 mm"):
        validate_template(template, METRICS, LabelSample(qr_data=URL))


def test_an_unknown_field_is_refused():
    template = attrs.evolve(
        small_template(),
        text_blocks=[TextBlock(Box(30, 2, 50, 6), [TextLine("owner_pet", 8, 6)])],
    )
    with pytest.raises(LayoutError, match="unknown field 'owner_pet'"):
        validate_template(template, METRICS, LabelSample())
