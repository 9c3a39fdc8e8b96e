"""The desk's writes while RT is away: accepted into the outbox after the checks that need no
RT, replayed in order when it is back, conflicts set aside, and nothing done twice."""

from __future__ import annotations

import pytest
from tests.unit.outbox.outbox_world import outbox_world

from rtutils_core.errors import (
    HeldByAnother,
    IdempotencyKeyReused,
    InvalidInput,
    OutboxConflict,
)
from rtutils_core.loans import CheckOut
from rtutils_core.outbox import Accepted


def test_while_rt_answers_the_desk_writes_to_it_and_remembers_the_device():
    world = outbox_world()
    done = world.out(0, "li.wei")
    assert isinstance(done, CheckOut) and world.holder(0) == "li.wei"
    seen = world.outbox.known.seen(world.ids[0])
    assert seen is not None and seen.asset.owner == "li.wei"
    assert world.store.depth().waiting == 0


def test_rt_away_accepts_writes_in_order_and_stops_asking_rt_for_a_while():
    world = outbox_world()
    world.rt.away = True
    first = world.out(0, "li.wei")
    assert isinstance(first, Accepted)
    assert (first.position, first.waiting, first.operation.state) == (1, 1, "queued")
    refused = world.rt.refused
    second = world.back(1, condition="damaged", damages=["battery"])
    assert isinstance(second, Accepted) and (second.position, second.waiting) == (2, 2)
    assert world.rt.refused == refused, "RT was asked again within retry_live_after"
    world.clocks.advance(11)
    world.out(2, "zoe.muller")
    assert world.rt.refused > refused  # after a while RT is tried again first
    assert world.holder(0) is None


def test_replay_in_order_makes_what_live_operations_would_have_made():
    world = outbox_world()
    world.out(1, "amara.okafor")
    world.rt.away = True
    world.out(0, "li.wei")
    world.back(1, condition="damaged", damages=["battery"], note="cracked corner")
    world.out(1, "zoe.muller")
    world.rt.away = False
    drain = world.replay.drain("w1")
    assert (drain.applied, drain.set_aside, drain.rt_unreachable) == (3, 0, False)
    assert [world.holder(i) for i in (0, 1)] == ["li.wei", "zoe.muller"]
    events = world.loans.events()
    assert [(e.action, e.person) for e in events] == [
        ("check-out", "amara.okafor"),
        ("check-out", "li.wei"),
        ("check-in", "amara.okafor"),
        ("check-out", "zoe.muller"),
    ]
    ticket = world.backend.ticket(events[2].ticket_id)
    assert ticket.asset_id == world.ids[1] and "cracked corner" in ticket.content
    assert all(o.state == "done" for o in world.store.operations())
    assert world.replay.drain("w1").applied == 0


def test_a_device_someone_else_took_in_rt_meanwhile_needs_attention_and_holds_back_its_device():
    world = outbox_world()
    world.rt.away = True
    taken = world.out(0, "li.wei")
    later = world.back(0)
    other = world.out(1, "li.wei")
    world.rt.away = False
    version = world.backend.get_asset(world.ids[0]).version
    zoe = world.backend.get_user("zoe.muller")
    world.backend.write_loan(world.ids[0], "Owner", zoe, "in-use", if_version=version)
    drain = world.replay.drain("w1")
    assert (drain.applied, drain.set_aside) == (1, 1)
    stuck = world.store.get(taken.operation.id)
    assert stuck.state == "needs-attention" and "zoe.muller" in stuck.reason
    assert world.store.get(later.operation.id).state == "queued", "it went ahead of its device"
    assert world.store.get(other.operation.id).state == "done"
    assert world.holder(0) == "zoe.muller"
    forced = world.outbox.settle(taken.operation.id, "force", by="admin")
    assert (forced.state, forced.forced, forced.settled_by) == ("queued", True, "admin")
    assert world.replay.drain("w1").applied == 2
    assert world.holder(0) is None  # forced to li.wei, then checked in
    assert [e.forced for e in world.loans.events() if e.asset_id == world.ids[0]] == [True, False]


def test_retry_and_drop_and_what_cannot_be_settled():
    world = outbox_world()
    world.rt.away = True
    first = world.out(0, "li.wei").operation
    world.rt.away = False
    world.backend.write_loan(
        world.ids[0], "Owner", world.backend.get_user("zoe.muller"), "in-use",
        if_version=world.backend.get_asset(world.ids[0]).version,
    )  # fmt: skip
    world.replay.drain("w1")
    assert world.outbox.settle(first.id, "retry", by="desk").state == "queued"
    world.replay.drain("w1")
    assert world.store.get(first.id).state == "needs-attention"
    dropped = world.outbox.settle(first.id, "drop", by="desk")
    assert dropped.state == "dropped" and "zoe.muller" in dropped.reason
    with pytest.raises(OutboxConflict, match="dropped"):
        world.outbox.settle(first.id, "retry", by="desk")


def test_checks_that_need_no_rt_are_made_at_once():
    world = outbox_world()
    world.out(0, "li.wei")
    world.rt.away = True
    with pytest.raises(HeldByAnother, match="li.wei"):
        world.out(0, "zoe.muller")  # the loan log knows li.wei has it
    forced = world.out(0, "zoe.muller", force=True)
    assert isinstance(forced, Accepted)
    with pytest.raises(InvalidInput, match="unknown damage"):
        world.back(1, condition="damaged", damages=["dent"])
    assert world.store.depth().waiting == 1


def test_a_second_scan_of_a_waiting_device_and_a_repeated_key_queue_nothing_new():
    world = outbox_world()
    world.rt.away = True
    first = world.back(0)
    again = world.back(0)
    assert again.repeated and again.operation.id == first.operation.id
    target = world.target(1)
    options = {"operator": "desk", "request_id": "r", "key": "same-key"}
    one = world.outbox.check_out(target, "li.wei", **options)
    two = world.outbox.check_out(target, "li.wei", **options)
    assert two.repeated and two.operation.id == one.operation.id
    with pytest.raises(IdempotencyKeyReused):
        world.outbox.check_out(target, "zoe.muller", **options)
    assert world.store.depth().waiting == 2


def test_a_device_with_a_waiting_operation_waits_even_when_rt_is_back():
    world = outbox_world()
    world.rt.away = True
    world.out(0, "li.wei")
    world.rt.away = False
    world.clocks.advance(60)
    queued = world.back(0)
    assert isinstance(queued, Accepted) and queued.position == 2
    live = world.out(1, "li.wei")
    assert isinstance(live, CheckOut)  # another device goes straight to RT
    world.replay.drain("w1")
    assert world.holder(0) is None


def test_rt_away_again_during_the_replay_puts_the_operation_back_in_line():
    world = outbox_world()
    world.rt.away = True
    first = world.out(0, "li.wei").operation
    world.out(1, "li.wei")
    drain = world.replay.drain("w1")
    assert drain.rt_unreachable and drain.applied == 0
    back = world.store.get(first.id)
    assert (back.state, back.attempts, back.worker) == ("queued", 1, None)
    assert "could not be reached" in back.reason
    world.rt.away = False
    assert world.replay.drain("w1").applied == 2


def test_a_replay_cut_after_its_write_is_resumed_by_another_worker_once_its_lease_ends():
    world = outbox_world()
    world.rt.away = True
    queued = world.back(0, note="sticky keys")
    world.rt.away = False
    world.backend.write_loan(
        world.ids[0], "Owner", world.backend.get_user("li.wei"), "in-use",
        if_version=world.backend.get_asset(world.ids[0]).version,
    )  # fmt: skip
    real = world.backend.open_ticket

    def killed(draft):
        real(draft)
        raise SystemExit("SIGKILL")  # the worker dies with RT's answer in flight

    world.backend.open_ticket = killed
    with pytest.raises(SystemExit):
        world.replay.drain("w1")
    world.backend.open_ticket = real
    assert world.store.get(queued.operation.id).state == "replaying"
    assert world.replay.drain("w2").applied == 0, "taken from a worker whose lease holds"
    world.clocks.advance(61)
    assert world.replay.drain("w2").applied == 1
    done = world.store.get(queued.operation.id)
    assert (done.state, done.attempts) == ("done", 2)
    assert world.backend.calls["open_ticket"] == 1, "a second ticket"
    check_ins = [e for e in world.loans.events() if e.action == "check-in"]
    assert len(check_ins) == 1 and check_ins[0].ticket_id == done.result["ticket_id"]


def test_a_replayed_check_in_of_a_device_already_back_is_done_as_already():
    world = outbox_world()
    world.out(0, "li.wei")
    world.rt.away = True
    queued = world.back(0)
    world.rt.away = False
    world.loans.check_in(world.ids[0], operator="rt-user", request_id="direct")
    world.replay.drain("w1")
    done = world.store.get(queued.operation.id)
    assert (done.state, done.result["outcome"]) == ("done", "already")


def test_a_check_in_for_a_holder_other_than_the_last_known_needs_attention():
    world = outbox_world()
    world.out(0, "li.wei")
    world.rt.away = True
    queued = world.back(0)
    assert queued.operation.payload["expect_holders"] == ["li.wei"]
    world.rt.away = False
    world.loans.check_in(world.ids[0], operator="x", request_id="x")
    world.loans.check_out(world.ids[0], "zoe.muller", operator="x", request_id="y")
    world.replay.drain("w1")
    stuck = world.store.get(queued.operation.id)
    assert stuck.state == "needs-attention" and "holder_changed" in stuck.reason
    assert world.holder(0) == "zoe.muller"


def test_depth_and_age_of_the_outbox_warned_of_once_a_minute(caplog):
    world = outbox_world()
    assert not world.outbox.is_old(world.outbox.depth())
    world.rt.away = True
    world.out(0, "li.wei")
    depth = world.outbox.depth()
    assert (depth.waiting, depth.oldest_waiting) == (1, world.clocks.now)
    world.clocks.advance(601)
    with caplog.at_level("WARNING", logger="rtutils.outbox"):
        assert world.outbox.is_old(world.outbox.depth())
        assert world.outbox.is_old(world.outbox.depth())
        world.clocks.advance(60)
        assert world.outbox.is_old(world.outbox.depth())
    assert [r.getMessage() for r in caplog.records].count("outbox_old") == 2


def test_the_live_check_in_that_lost_rt_after_its_write_is_finished_by_the_replay():
    world = outbox_world()
    world.out(0, "li.wei")
    real = world.backend.read_asset_state
    reads = []

    def away_after_write(asset_id):
        reads.append(asset_id)
        if len(reads) == 2:  # the read-back after the write
            world.rt.away = True
        return real(asset_id)

    world.backend.read_asset_state = away_after_write
    result = world.back(0)
    assert isinstance(result, Accepted) and result.operation.steps["written_from"]
    world.backend.read_asset_state = real
    world.rt.away = False
    world.replay.drain("w1")
    assert [e.action for e in world.loans.events()] == ["check-out", "check-in"]
    finished = world.store.get(result.operation.id)
    assert (finished.state, finished.result["outcome"]) == ("done", "checked-in")
    assert world.backend.calls["write_loan"] == 2  # the check-in was written once
