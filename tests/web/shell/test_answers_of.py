"""Answers built from a value's attributes of the same names (``answer_of``, ``FieldsFrom``)."""

import pytest
from attrs import frozen

from rtutils_web.http.answers import WITHHELD, FieldsFrom, answer_of, prop, withholdable_prop


@frozen
class Thing:
    id: int
    name: str
    owner: str


@frozen
class ThingJson:
    id: int = prop({"type": "integer"})
    name: str = prop({"type": "string"})
    owner: str = withholdable_prop({"type": "string"})


@frozen
class NameJson(FieldsFrom[Thing]):
    name: str = prop({"type": "string"})


def test_an_answer_copies_the_fields_of_the_same_names_but_those_given():
    thing = Thing(7, "W12-00007", "ann")
    assert answer_of(ThingJson, thing) == ThingJson(7, "W12-00007")
    assert answer_of(ThingJson, thing).owner is WITHHELD
    assert answer_of(ThingJson, thing, name="x", owner="ann") == ThingJson(7, "x", owner="ann")
    assert NameJson.of(thing) == NameJson("W12-00007")


def test_a_given_value_for_no_field_is_refused():
    with pytest.raises(TypeError, match="ThingJson has no field nmae"):
        answer_of(ThingJson, Thing(7, "a", "b"), nmae="x")
