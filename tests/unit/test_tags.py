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


def test_loose_parse_reads_old_tags_of_any_width():
    fmt = TagFormat()
    assert fmt.parse_loose("W12-1001") == 1001
    assert fmt.parse_loose("W12-00042") == 42
    assert fmt.parse_loose("W12-00042*7") is None
    assert fmt.parse_loose("Library cart") is None


def test_formats_choose_by_prefix_and_refuse_unknown():
    formats = TagFormats(TagFormat("W12-"), (TagFormat("TEST-"),))
    assert formats.for_prefix(None).prefix == "W12-"
    assert formats.for_prefix("TEST-").prefix == "TEST-"
    assert formats.parse("TEST-00007") == AssetTag("TEST-", 7, 5)
    with pytest.raises(InvalidInput, match="not configured"):
        formats.for_prefix("X-")
