"""Intake creates and tag issues while RT is away: what needs no RT is done at once (the tag
reserved, the serial claimed), the rest is replayed when RT is back, each asset made once."""

from __future__ import annotations

import pytest
from tests.rt_harness import STUDENT_DEVICES
from tests.unit.outbox.device_world import device_world

from rtutils_core.assets import AssetChanges, AssetDraft
from rtutils_core.errors import (
    BackendUnreachable,
    DuplicateSerial,
    IdempotencyKeyReused,
    InvalidField,
    InvalidInput,
)
from rtutils_core.intake import Received
from rtutils_core.outbox import Accepted
from rtutils_core.outbox.device_ops import AcceptedDevice
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.reports import TagIssue

# -- intake creates -------------------------------------------------------------------------


def test_a_device_received_while_rt_is_away_gets_its_tag_at_once_and_its_asset_at_replay():
    world = device_world()
    world.rt.away = True
    held = world.receive("5CD2000")
    assert isinstance(held, AcceptedDevice)
    op = held.accepted.operation
    assert (held.tag, op.kind, op.tag, op.state) == (
        "W12-00001",
        "intake-create",
        "W12-00001",
        "queued",
    )
    assert op.asset_id < 0 and held.internal_name  # the submission's stand-in, a name chosen
    assert (held.accepted.position, held.accepted.waiting) == (1, 1)
    reserved = world.tag_store.events(EventQuery(tag="W12-00001"))
    assert [e.state for e in reserved] == ["reserved"]
    assert world.with_serial("5CD2000") == []

    world.rt.away = False
    drain = world.replay.drain("w1")
    assert (drain.applied, drain.set_aside) == (1, 0)
    [asset] = world.with_serial("5CD2000")
    assert asset.name == "W12-00001"
    assert asset.custom_fields["Internal Name"] == held.internal_name
    assert asset.custom_fields["Manufacturer"] == "HP"
    done = world.store.get(op.id)
    assert done.state == "done"
    assert done.result == {
        "outcome": "created",
        "asset_id": asset.id,
        "tag": "W12-00001",
        "internal_name": held.internal_name,
    }
    assert world.tag_store.reservation_for("W12-", asset.id).is_assigned
    assert world.outbox.known.seen_by_tag("W12-00001") is not None  # the desk can scan it


def test_the_same_key_again_is_the_same_operation_and_another_body_is_refused():
    world = device_world()
    world.rt.away = True
    first = world.receive("5CD2001", key="k")
    again = world.receive("5CD2001", key="k")
    assert isinstance(again, AcceptedDevice) and again.accepted.repeated
    assert again.accepted.operation.id == first.accepted.operation.id and again.tag == first.tag
    with pytest.raises(IdempotencyKeyReused):
        world.receive("5CD2999", key="k")
    assert world.store.depth().waiting == 1


def test_a_serial_received_here_already_is_refused_at_once():
    world = device_world()
    live = world.receive("5CD2002")
    assert isinstance(live, Received)
    world.rt.away = True
    with pytest.raises(DuplicateSerial) as refused:
        world.receive("5CD2002")
    assert refused.value.asset_id == live.asset.id
    world.receive("5CD2003")
    with pytest.raises(DuplicateSerial, match="being received right now"):
        world.receive("5CD2003")  # another key, the first still waits for RT
    assert world.store.depth().waiting == 1


def test_fields_and_prefix_are_checked_without_rt_the_choices_at_replay():
    world = device_world()
    world.rt.away = True
    with pytest.raises(InvalidField, match="model"):
        world.receive("5CD2004", model="")
    with pytest.raises(InvalidField, match="prefix"):
        world.receive("5CD2004", prefix="NOPE-")
    held = world.receive("5CD2004", manufacturer="hp", key="lower")  # spelled as RT does later
    bad = world.receive("5CD2005", manufacturer="Apple")
    world.rt.away = False
    drain = world.replay.drain("w1")
    assert (drain.applied, drain.set_aside) == (1, 1)
    [asset] = world.with_serial("5CD2004")
    assert asset.cf("Manufacturer") == "HP" and asset.name == held.tag
    set_aside = world.store.get(bad.accepted.operation.id)
    assert set_aside.state == "needs-attention" and "Apple" in set_aside.reason
    # The same key sent again once RT answers: the asset made at replay, nothing new.
    world.clocks.advance(11)
    again = world.receive("5CD2004", manufacturer="hp", key="lower")
    assert isinstance(again, Received) and again.is_replay and again.asset.id == asset.id


def held_while_away(serial: str):
    """A world whose device ``serial`` was received while RT was away; RT is back."""
    world = device_world()
    world.rt.away = True
    held = world.receive(serial)
    world.rt.away = False
    return world, held


def test_a_replay_cut_after_the_create_adopts_the_asset_instead_of_making_a_second():
    world, held = held_while_away("5CD2006")
    real_create = world.backend.create_asset

    def create_then_lose_the_answer(draft: AssetDraft):
        real_create(draft)
        raise BackendUnreachable("the connection was reset")

    world.backend.create_asset = create_then_lose_the_answer  # type: ignore[method-assign]
    drain = world.replay.drain("w1")
    assert drain.rt_unreachable and world.store.depth().waiting == 1
    steps = world.store.get(held.accepted.operation.id).steps
    assert steps["create"] is True  # noted before the create was sent
    world.backend.create_asset = real_create  # type: ignore[method-assign]
    drain = world.replay.drain("w1")
    assert drain.applied == 1
    assert len(world.with_serial("5CD2006")) == 1
    assert world.backend.calls["create_asset"] == 1  # the lost answer's create only


def test_rt_gone_between_the_search_and_the_create_holds_the_device_it_had_begun():
    world = device_world()
    real_create = world.backend.create_asset

    def create_then_lose_the_answer(draft: AssetDraft):
        real_create(draft)
        world.rt.away = True
        raise BackendUnreachable("the connection was reset")

    world.backend.create_asset = create_then_lose_the_answer  # type: ignore[method-assign]
    held = world.receive("5CD2011", manufacturer="hp")  # fitted by RT before it went away
    assert isinstance(held, AcceptedDevice) and held.tag == "W12-00001"
    world.backend.create_asset = real_create  # type: ignore[method-assign]
    world.rt.away = False
    assert world.replay.drain("w1").applied == 1
    [asset] = world.with_serial("5CD2011")
    assert (asset.name, asset.cf("Manufacturer")) == ("W12-00001", "HP")
    assert world.backend.calls["create_asset"] == 1


class Killed(BaseException):
    """The worker dies (SIGKILL) between RT's answer and the outbox's record of it."""


def test_a_worker_killed_after_the_create_leaves_it_to_the_next_which_makes_nothing_twice():
    world, held = held_while_away("5CD2010")
    real_finish = world.store.finish

    def die(*args, **kwargs):
        raise Killed

    world.store.finish = die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        world.replay.drain("w1")
    world.store.finish = real_finish  # type: ignore[method-assign]
    assert len(world.with_serial("5CD2010")) == 1
    assert world.replay.drain("w2").applied == 0  # w1's lease runs still: hands off
    world.clocks.advance(61)
    world.intake.clock.advance(600)  # and the submission's lease too
    assert world.replay.drain("w2").applied == 1
    [asset] = world.with_serial("5CD2010")
    op = world.store.get(held.accepted.operation.id)
    assert (op.state, op.attempts, op.result["asset_id"]) == ("done", 2, asset.id)
    assert world.backend.calls["create_asset"] == 1


def test_a_serial_that_rt_has_meanwhile_needs_attention_and_nothing_is_made():
    world, held = held_while_away("5CD2007")
    fields = {"Serial Number": "5CD2007"}
    other = world.backend.add_asset(AssetDraft("W12-09999", STUDENT_DEVICES, custom_fields=fields))
    drain = world.replay.drain("w1")
    assert (drain.applied, drain.set_aside) == (0, 1)
    op = world.store.get(held.accepted.operation.id)
    assert op.state == "needs-attention" and "duplicate_serial" in op.reason
    assert [a.id for a in world.with_serial("5CD2007")] == [other.id]
    [event, *_] = world.tag_store.events(EventQuery(tag=held.tag))
    assert event.state == "voided"  # the reserved tag is given up, logged


# -- tag issues -----------------------------------------------------------------------------


def test_a_tag_issued_while_rt_is_away_is_reserved_at_once_and_written_at_replay():
    world = device_world()
    asset_id = world.untagged()
    world.rt.away = True
    queued = world.issue(asset_id)
    assert isinstance(queued, Accepted)
    assert (queued.operation.kind, queued.operation.tag) == ("tag-issue", "W12-00001")
    assert world.tag_store.reservation_for("W12-", asset_id).tag == "W12-00001"
    again = world.issue(asset_id, key="tag-2")  # the same issue asked again: once is enough
    assert isinstance(again, Accepted) and again.repeated
    assert again.operation.id == queued.operation.id
    assert world.backend.get_asset(asset_id).name == "Spare laptop"
    world.rt.away = False
    assert world.replay.drain("w1").applied == 1
    assert world.backend.get_asset(asset_id).name == "W12-00001"
    assert world.store.get(queued.operation.id).result == {
        "outcome": "assigned",
        "tag": "W12-00001",
    }
    assert world.tag_store.reservation_for("W12-", asset_id).is_assigned
    world.clocks.advance(11)
    live = world.issue(asset_id, key="tag-3")
    assert isinstance(live, TagIssue) and live.status == "already-tagged"


def test_a_tag_issue_of_an_asset_tagged_in_rt_meanwhile_ends_as_live_with_its_tag():
    world = device_world()
    asset_id = world.untagged()
    world.rt.away = True
    queued = world.issue(asset_id, "W12-")
    world.rt.away = False
    world.backend.update_asset(asset_id, AssetChanges(name="W12-00777"))  # tagged in RT meanwhile
    world.replay.drain("w1")
    done = world.store.get(queued.operation.id)
    assert (done.state, done.result["outcome"], done.result["tag"]) == (
        "done",
        "already-tagged",
        "W12-00777",
    )
    assert world.tag_store.events(EventQuery(tag="W12-00001"))[0].state == "voided"


def test_a_tag_issue_of_an_asset_never_seen_names_its_prefix_when_catalogs_have_prefixes():
    world = device_world(prefix_by_catalog={STUDENT_DEVICES: "TEST-"})
    asset_id = world.untagged()
    world.rt.away = True
    with pytest.raises(InvalidInput, match="name the prefix"):
        world.issue(asset_id)
    assert isinstance(world.issue(asset_id, "TEST-"), Accepted)


def test_a_waiting_tag_issue_leaves_the_holder_as_the_desk_knew_it():
    world = device_world()
    asset_id = world.untagged()
    world.rt.away = True
    world.issue(asset_id)
    assert world.outbox.offline.holders(asset_id).source != "outbox"
