import pytest

from rtutils_core.errors import InvalidInput, InvalidTag
from rtutils_core.tags import AssetTag, TagFormat, TagFormats


def test_default_format_makes_the_documented_tag():
    assert str(TagFormat().make(1)) == "W12-00001"
    assert str(TagFormat("TEST-", 3).make(42)) == "TEST-042"


def test_parse_round_trips_and_strips_scanner_whitespace():
    fmt = TagFormat()
    assert fmt.parse(" W12-00042\r\n") == AssetTag("W12-", 42, 5)


@pytest.mark.parametrize(
    "text",
    ["W12-0042", "W12-000042", "X12-00042", "W12-0004a", "W12-00000", "", "W12-", "W12-٠٠٠٤٢"],
)
def test_parse_rejects_with_the_expected_form(text):
    with pytest.raises(InvalidTag) as info:
        TagFormat().parse(text)
    assert "'W12-00001'" in info.value.message


def test_make_refuses_numbers_that_do_not_fit():
    with pytest.raises(InvalidInput, match="outside 1..99999"):
        TagFormat().make(100000)


@pytest.mark.parametrize("prefix", ["", "W 12", "123", "-W12", "Ü12-"])
def test_bad_prefixes_are_refused(prefix):
    with pytest.raises(InvalidInput):
        TagFormat(prefix)


def test_read_takes_old_tags_of_any_width_and_never_raises():
    fmt = TagFormat()
    assert fmt.read("W12-1001") == AssetTag("W12-", 1001, 4)
    assert fmt.read("W12-00042") == AssetTag("W12-", 42, 5)
    assert fmt.read("W12-00042*7") is None
    assert fmt.read("W12-0000") is None
    assert fmt.read("Library cart") is None
    formats = TagFormats(TagFormat("W12-"), (TagFormat("TEST-"),))
    assert formats.read("TEST-7") == AssetTag("TEST-", 7, 1)
    assert formats.read("Cart 1") is None


def test_formats_choose_by_prefix_and_refuse_unknown():
    formats = TagFormats(TagFormat("W12-"), (TagFormat("TEST-"),))
    assert formats.for_prefix(None).prefix == "W12-"
    assert formats.for_prefix("TEST-").prefix == "TEST-"
    assert formats.parse("TEST-00007") == AssetTag("TEST-", 7, 5)
    with pytest.raises(InvalidInput, match="not configured"):
        formats.for_prefix("X-")


def test_a_name_with_stray_whitespace_reads_as_its_tag():
    fmt = TagFormat()
    assert fmt.read("W12-00042 ") == AssetTag("W12-", 42, 5)
    assert str(fmt.read("\tW12-1001\n")) == "W12-1001"
    assert fmt.read("W12-00042 x") is None


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("W12-00042", AssetTag("W12-", 42, 5)),
        ("W12-1001", AssetTag("W12-", 1001, 4)),
        (" W12-7\r\n", AssetTag("W12-", 7, 1)),
        ("W12-000000001234", AssetTag("W12-", 1234, 12)),
    ],
)
def test_look_up_parse_takes_any_width_as_written(text, tag):
    assert TagFormat().parse_lenient(text) == tag


@pytest.mark.parametrize(
    "text", ["W12-00042*7", "W12-", "W12-0000", "X12-1001", "W12-٠٠٤٢", "W12-0000000001234"]
)
def test_look_up_parse_still_rejects_junk_showing_the_form(text):
    with pytest.raises(InvalidTag) as info:
        TagFormats(TagFormat()).parse_lenient(text)
    assert f"{text!r} is not a tag of the form 'W12-00001'" in info.value.message


def test_look_up_parse_chooses_the_prefix_and_names_every_form_when_none_fits():
    formats = TagFormats(TagFormat("W12-"), (TagFormat("TEST-", 3),))
    assert formats.parse_lenient("TEST-12345") == AssetTag("TEST-", 12345, 5)
    with pytest.raises(InvalidTag, match=r"'W12-' followed by 5 digits\), or 'TEST-001'"):
        formats.parse_lenient("X-1")
