"""AssetSQL built from user input: data stays data, and RT's answers are judged correctly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtutils_adapters.rt.assetsql import Match, build, classify, quote
from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.errors import InvalidInput

# How RT::SQL reads a single-quoted value (Regexp::Common's delimited), then unescapes it.
RT_LITERAL = re.compile(r"'(?:[^\\']|\\.)*'", re.DOTALL)


def rt_reads(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1], flags=re.DOTALL)


@given(st.text().filter(lambda t: not t.lower().startswith("cf.")))
def test_any_text_is_one_literal_that_rt_reads_back_unchanged(text):
    literal = quote(text)
    assert RT_LITERAL.fullmatch(literal), "the literal must not end before the text does"
    assert rt_reads(literal) == text


@pytest.mark.parametrize("text", ["CF.{Serial Number}", "cf.anything"])
def test_text_rt_would_read_as_a_field_is_refused(text):
    with pytest.raises(InvalidInput, match="custom-field reference"):
        quote(text)


def test_empty_query_asks_for_every_asset():
    assert build(AssetQuery()) == "id > 0"


def test_an_empty_custom_field_value_asks_for_assets_without_one():
    assert build(AssetQuery(custom_fields={"Type": ""})) == "'CF.{Type}' IS NULL"


def test_every_condition_is_anded_and_quoted():
    query = AssetQuery(
        catalog="Student Devices",
        status="in-use",
        name_prefix="W12-",
        owner="li.wei",
        held_by="zoe.muller",
        custom_fields={"Serial Number": "x' OR id > 0"},
    )
    assert build(query) == (
        "Catalog = 'Student Devices' AND Status = 'in-use' AND Name STARTSWITH 'W12-'"
        " AND Owner.Name = 'li.wei' AND HeldBy.Name = 'zoe.muller'"
        " AND 'CF.{Serial Number}' = 'x\\' OR id > 0'"
    )


def test_ids_are_one_bracketed_alternative_anded_with_the_rest():
    assert build(AssetQuery(ids=[7])) == "id = 7"
    assert build(AssetQuery(ids=[7, 3], status="new")) == "(id = 7 OR id = 3) AND Status = 'new'"


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "needs at least one id"),
        ([1, 0], "not 0"),
        ([-1], "not -1"),
        ([True], "not True"),
        (["1 OR id > 0"], "not '1 OR id > 0'"),
        (range(1, 102), "at most 100 asset ids, not 101"),
    ],
)
def test_ids_that_are_not_positive_whole_numbers_are_refused(ids, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        AssetQuery(ids=ids)


def asset(name: str, **fields: str) -> Asset:
    return Asset(id=1, name=name, catalog="Student Devices", custom_fields=fields)


@pytest.mark.parametrize(
    ("query", "item", "expected"),
    [
        (AssetQuery(name_prefix="W12-"), asset("W12-00001"), Match.EXACT),
        (AssetQuery(name_prefix="W12-"), asset("w12-00001"), Match.NEAR),  # LIKE ignores case
        (AssetQuery(name_prefix="W12_"), asset("W12-00001"), Match.NEAR),  # '_' is a wildcard
        (AssetQuery(name_prefix="W12-"), asset("X12-00001"), Match.FOREIGN),
        (AssetQuery(custom_fields={"Type": "Charger"}), asset("a", Type="charger"), Match.NEAR),
        (
            AssetQuery(custom_fields={"Type": "Charger"}),
            asset("a", Type="Chromebook"),
            Match.FOREIGN,
        ),
        (AssetQuery(status="in-use"), asset("a"), Match.FOREIGN),
        (AssetQuery(ids=[1, 2]), asset("a"), Match.EXACT),
        (AssetQuery(ids=[2, 3]), asset("a"), Match.FOREIGN),  # an id not asked for
    ],
)
def test_answers_are_sorted_into_matches_near_misses_and_foreign_assets(query, item, expected):
    values = {k: [v] for k, v in item.custom_fields.items()}
    assert classify(query, item, values)[0] is expected
