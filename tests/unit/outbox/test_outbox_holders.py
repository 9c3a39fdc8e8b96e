"""The replay never takes a device from someone the desk did not know held it: a queued
check-in or forced check-out whose device RT handed to someone else meanwhile needs
attention, also when an earlier live attempt's write had landed; and a client's retry of a
queued check-in under its key is the same operation."""

from __future__ import annotations

import attrs
from tests.unit.outbox.outbox_world import outbox_world

from rtutils_core.errors import BackendUnreachable
from rtutils_core.outbox import Accepted


def test_a_retry_of_a_queued_check_in_under_its_key_is_the_same_operation():
    world = outbox_world()
    world.out(0, "li.wei")
    world.rt.away = True
    first = world.outbox.check_in(world.target(0), operator="desk", request_id="r1", key="K")
    again = world.outbox.check_in(world.target(0), operator="desk", request_id="r2", key="K")
    assert isinstance(again, Accepted) and again.repeated
    assert again.operation.id == first.operation.id and world.store.depth().waiting == 1


def test_a_check_in_whose_write_landed_is_not_replayed_against_a_new_holder():
    world = outbox_world()
    world.out(0, "li.wei")
    confirm = world.loans._confirm

    def cut(*args, **kwargs):
        raise BackendUnreachable("RT went away after the write")

    world.loans._confirm = cut  # the write lands; its read-back does not
    queued = world.back(0)
    world.loans._confirm = confirm
    assert isinstance(queued, Accepted) and queued.operation.steps["holders"] == ["li.wei"]
    world.clocks.advance(30)
    world.loans.check_out(world.ids[0], "zoe.muller", operator="rt", request_id="in-rt")
    world.replay.drain("w1")
    settled = world.store.get(queued.operation.id)
    assert (settled.state, world.holder(0)) == ("needs-attention", "zoe.muller")
    assert "held by zoe.muller in RT, not by li.wei" in settled.reason


def test_a_forced_check_out_takes_the_device_only_from_whom_the_desk_knew():
    world = outbox_world()
    world.out(0, "amara.okafor")
    world.rt.away = True
    queued = world.out(0, "li.wei", force=True)
    assert queued.operation.payload["expect_holders"] == ["amara.okafor"]
    world.rt.away = False
    world.clocks.advance(30)
    # RT meanwhile, not through this desk: amara's device went to zoe.
    world.loans.check_in(world.ids[0], operator="rt", request_id="in-rt")
    world.loans.check_out(world.ids[0], "zoe.muller", operator="rt", request_id="in-rt-2")
    world.replay.drain("w1")
    settled = world.store.get(queued.operation.id)
    assert (settled.state, world.holder(0)) == ("needs-attention", "zoe.muller")
    world.outbox.settle(queued.operation.id, "force", by="admin")
    world.replay.drain("w2")
    assert world.holder(0) == "li.wei"  # an admin's force takes it from whoever has it


def test_a_check_out_the_replay_makes_queues_its_receipt_as_a_live_one_does():
    world = outbox_world()
    world.rt.away = True
    world.out(0, "li.wei")
    world.back(1)  # a check-in: no receipt
    world.rt.away = False
    queued: list[tuple[str, object]] = []
    world.replay.drain("w1", submit=lambda kind, params: queued.append((kind, params)))
    assert queued == [], "no receipts without mail set up (receipt_kind None)"
    world.rt.away = True
    world.out(2, "zoe.muller")
    world.rt.away = False
    receipts = attrs.evolve(world.replay, receipt_kind="due-receipt")
    receipts.drain("w2", submit=lambda kind, params: queued.append((kind, params)))
    (loan,) = [e for e in world.loans.events() if e.person == "zoe.muller"]
    assert queued == [("due-receipt", {"loan_id": loan.id})]
