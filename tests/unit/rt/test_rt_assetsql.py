"""AssetSQL built from user input: data stays data, and RT's answers are judged correctly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

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


def test_names_and_name_prefixes_are_bracketed_alternatives_of_quoted_literals():
    assert build(AssetQuery(names="W12-00001")) == "Name = 'W12-00001'"
    query = AssetQuery(names=["W12-00001", "x' OR id > 0"], catalog="Student Devices")
    assert build(query) == (
        "Catalog = 'Student Devices' AND (Name = 'W12-00001' OR Name = 'x\\' OR id > 0')"
    )
    query = AssetQuery(name_prefixes=["W12-00001", "W12-00002"], status="new")
    assert build(query) == (
        "Status = 'new' AND (Name STARTSWITH 'W12-00001' OR Name STARTSWITH 'W12-00002')"
    )


@given(st.lists(st.text(min_size=1).filter(lambda t: not t.lower().startswith("cf.")), min_size=2))
def test_any_names_stay_one_literal_each(names):
    names = names[:100]
    sql = build(AssetQuery(names=names))
    assert [rt_reads(m) for m in RT_LITERAL.findall(sql)] == names
    assert RT_LITERAL.sub("?", sql) == "(" + " OR ".join(["Name = ?"] * len(names)) + ")"


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"names": []}, "search by names needs at least one"),
        ({"names": ["W12-00001", ""]}, "names must be non-empty text, not ''"),
        ({"name_prefixes": [7]}, "name prefixes must be non-empty text, not 7"),
        ({"names": [f"W12-{n:05d}" for n in range(101)]}, "at most 100 names, not 101"),
        ({"names": ["CF.{Serial Number}"]}, "custom-field reference"),
    ],
)
def test_bad_names_are_refused_naming_the_problem(conditions, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        build(AssetQuery(**conditions))


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
        (AssetQuery(names=["W12-00001", "W12-00002"]), asset("W12-00002"), Match.EXACT),
        (AssetQuery(names=["W12-00001"]), asset("w12-00001"), Match.NEAR),  # MySQL's =
        (AssetQuery(names=["W12-00001"]), asset("W12-00001 "), Match.NEAR),  # PAD SPACE
        (AssetQuery(names=["W12-00001", "W12-00002"]), asset("W12-00003"), Match.FOREIGN),
        (AssetQuery(name_prefixes=["W12-00001"]), asset("W12-00001 "), Match.EXACT),
        (AssetQuery(name_prefixes=["A-1", "W12_"]), asset("W12-00001"), Match.NEAR),
        (AssetQuery(name_prefixes=["A-1", "W12-00002"]), asset("W12-00001"), Match.FOREIGN),
    ],
)
def test_answers_are_sorted_into_matches_near_misses_and_foreign_assets(query, item, expected):
    values = {k: [v] for k, v in item.custom_fields.items()}
    assert classify(query, item, values)[0] is expected
