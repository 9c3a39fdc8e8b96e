"""What the desk can tell without RT: a device by its tag, a person by the roster or the loan
log, who held a device last and what a person holds, each from the newest record."""

from __future__ import annotations

import attrs
import pytest
from tests.unit.outbox.outbox_world import outbox_world

from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.errors import InvalidInput, PersonNotFound, TagNotFound
from rtutils_core.tags import TagFormat


def test_a_device_is_found_by_its_tag_as_last_seen_or_from_the_tag_log():
    world = outbox_world()
    offline = world.outbox.offline
    with pytest.raises(TagNotFound, match="has not seen a device with the tag 'W12-00001'"):
        offline.device("W12-00001")
    world.out(0, "li.wei")  # seen in RT on the way
    found = offline.device(" W12-00001 ")
    assert (found.asset_id, found.tag, found.known.asset.owner) == (
        world.ids[0],
        "W12-00001",
        "li.wei",
    )
    tags, fmt = MemoryTagStore(), TagFormat("W12-", 5)
    tags.set_next(fmt, 40, force=True, actor="a", request_id="r")
    reservation = tags.reserve(fmt, world.ids[3], actor="a", request_id="r")
    tags.record(reservation, "assigned", actor="a", request_id="r")
    with_log = attrs.evolve(offline, tags=tags)
    assert with_log.device(reservation.tag).asset_id == world.ids[3]
    with pytest.raises(InvalidInput, match="scan the device's tag"):
        offline.device("5CD0001")  # a serial needs RT


def test_a_person_is_found_by_student_id_roster_name_or_loan_log_and_never_made_up():
    world = outbox_world()
    offline = world.outbox.offline
    student = offline.person("S100")
    assert (student.id, student.name, student.real_name) == (2, "li.wei", "Li Wei")
    assert offline.person("LI.WEI").name == "li.wei"
    with pytest.raises(PersonNotFound, match="neither on the roster nor in the loan log"):
        offline.person("zoe.muller")
    world.out(0, "zoe.muller")
    assert offline.person("zoe.muller").name == "zoe.muller"
    assert offline.person("someone.new", known_only=False).name == "someone.new"
    with pytest.raises(InvalidInput):
        offline.person("  ")


def test_the_newest_record_says_who_holds_a_device():
    world = outbox_world()
    offline = world.outbox.offline
    assert offline.holders(world.ids[0]).names is None  # nothing known
    world.out(0, "li.wei")
    known = offline.holders(world.ids[0])
    assert (known.names, known.source) == (("li.wei",), "loan log")
    world.clocks.advance(5)  # then RT is seen with the device handed on, directly in RT
    zoe, version = (
        world.backend.get_user("zoe.muller"),
        world.backend.get_asset(world.ids[0]).version,
    )
    world.backend.write_loan(world.ids[0], "Owner", zoe, "in-use", if_version=version)
    world.outbox.remember([world.backend.get_asset(world.ids[0])])
    seen = offline.holders(world.ids[0])
    assert (seen.names, seen.source) == (("zoe.muller",), "seen in RT")
    world.clocks.advance(5)
    world.rt.away = True
    world.back(0)
    waiting = offline.holders(world.ids[0])
    assert (waiting.names, waiting.source) == ((), "outbox")
    world.out(1, "amara.okafor")
    assert offline.holders(world.ids[1]).names == ("amara.okafor",)
    held = offline.held_by("amara.okafor")
    assert [t.asset_id for t in held] == [world.ids[1]]
    assert offline.held_by("li.wei") == []  # given back (waiting in the outbox)
