"""IntakeService on the in-memory fakes: one device, one asset, exactly once."""

from __future__ import annotations

import random
import threading

import attrs
import pytest
from tests.intake_world import device, memory_backend, memory_world
from tests.rt_harness import STUDENT_DEVICES

from rtutils_adapters.memory import MemoryBackend
from rtutils_core.assets import Asset, AssetDraft, AssetQuery
from rtutils_core.errors import (
    BackendUnavailable,
    DuplicateSerial,
    IdempotencyKeyReused,
    InvalidField,
    InvalidInput,
    SubmissionInProgress,
)
from rtutils_core.intake import CallerKey, IntakeOptions
from rtutils_core.intake.internal_names import NameWords
from rtutils_core.tags.event_query import EventQuery


def with_serial(backend, serial: str) -> list[Asset]:
    return list(backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial})))


def test_a_device_becomes_one_tagged_named_asset_with_every_field():
    world = memory_world()
    got = world.service().receive(device("5CD1000"), "key-1", actor="desk:ann")
    asset = world.backend.get_asset(got.asset.id)
    assert got.tag == asset.name == "W12-00001"
    assert got.asset == asset
    adjective, animal = got.internal_name.split(" ")
    words = NameWords.shipped()
    assert adjective in words.adjectives and animal in words.animals
    assert asset.custom_fields == {
        "Serial Number": "5CD1000",
        "Manufacturer": "HP",
        "Model": "Chromebook 11 G9",
        "Type": "Chromebook",
        "Funding Source": "Title I",
        "Internal Name": got.internal_name,
    }
    assert (asset.catalog, asset.status, got.is_replay) == (STUDENT_DEVICES, "new", False)
    # One bulk search (serial, tag and name at once) and one create.
    assert world.backend.calls["find_any"] == 1
    assert world.backend.calls["create_asset"] == 1
    # The tag log: held for the submission's stand-in, then assigned to the new asset.
    events = world.tags.events(EventQuery(tag="W12-00001"))
    assert [(e.state, e.actor) for e in reversed(events)] == [
        ("reserved", "desk:ann"),
        ("assigned", "desk:ann"),
    ]
    assert events[0].asset_id == asset.id
    assert world.tags.reservation_for("W12-", asset.id).is_assigned


def test_a_retry_with_the_same_key_answers_with_the_same_asset_and_creates_nothing():
    world = memory_world()
    service = world.service()
    first = service.receive(device("5CD1001"), "key-1")
    again = service.receive(device("5CD1001"), "key-1")
    assert (again.asset.id, again.tag, again.internal_name) == (
        first.asset.id,
        first.tag,
        first.internal_name,
    )
    assert again.is_replay
    assert world.backend.calls["create_asset"] == 1
    assert len(with_serial(world.backend, "5CD1001")) == 1


def test_the_same_serial_under_another_key_names_the_asset_that_has_it():
    world = memory_world()
    service = world.service()
    first = service.receive(device("5CD1002"), "key-1")
    with pytest.raises(DuplicateSerial) as caught:
        service.receive(device("5CD1002"), "key-2")
    assert (caught.value.asset_id, caught.value.tag) == (first.asset.id, first.tag)
    assert str(first.asset.id) in caught.value.message and first.tag in caught.value.message
    assert world.backend.calls["create_asset"] == 1


def test_a_key_used_again_for_another_device_is_refused():
    world = memory_world()
    service = world.service()
    service.receive(device("5CD1003"), "key-1")
    with pytest.raises(IdempotencyKeyReused, match="5CD1003"):
        service.receive(device("5CD1004"), "key-1")
    assert with_serial(world.backend, "5CD1004") == []


@pytest.mark.parametrize(
    ("serial", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("5CD 1005", "spaces"),
        ("5CD\t1005", "control characters"),
        ("5CD\x001005", "control characters"),
        ("X" * 65, "65 characters long; at most 64"),
        ("cf.{Serial}", "starts with 'CF.'"),
    ],
)
def test_a_bad_serial_is_refused_naming_the_rule_and_nothing_is_held(serial, rule):
    world = memory_world()
    with pytest.raises(InvalidField, match=rule) as caught:
        world.service().receive(device(serial), "key-1")
    assert caught.value.field == "serial"
    assert world.tags.events() == []
    assert world.store.get("key-1") is None
    assert world.backend.calls.get("create_asset", 0) == 0


def test_serial_blanks_around_it_are_dropped_and_the_pattern_option_applies():
    world = memory_world()
    service = world.service(IntakeOptions(serial_pattern=r"[A-Z0-9]{7}"))
    got = service.receive(device("  5CD1006\n"), "key-1")
    assert got.asset.cf("Serial Number") == "5CD1006"
    with pytest.raises(InvalidField, match="does not match the configured pattern"):
        service.receive(device("5cd-1007"), "key-2")


def test_a_value_outside_a_select_field_is_refused_before_anything_is_created():
    world = memory_world()
    service = world.service()
    with pytest.raises(InvalidField, match="'Apple' is not a choice of the custom field") as e:
        service.receive(device("5CD1008", manufacturer="Apple"), "key-1")
    assert e.value.field == "manufacturer"
    assert "'HP'" in e.value.message
    assert world.tags.events() == [] and world.store.get("key-1") is None
    # Choices match without regard to case and are stored as RT spells them; a Combobox
    # (Model) takes any text.
    got = service.receive(device("5CD1008", manufacturer="hp", model="Custom 1"), "key-2")
    assert (got.asset.cf("Manufacturer"), got.asset.cf("Model")) == ("HP", "Custom 1")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"catalog": "Nope"}, "catalog"),
        ({"catalog": "Spare Parts"}, "catalog"),
        ({"model": " "}, "model"),
        ({"funding_source": ""}, "funding_source"),
        ({"prefix": "ZZ-"}, "prefix"),
    ],
)
def test_missing_or_unknown_input_names_the_field(change, field):
    world = memory_world()
    with pytest.raises(InvalidField) as caught:
        world.service().receive(device("5CD1009", **change), "key-1")
    assert caught.value.field == field


def test_an_extra_prefix_and_a_given_internal_name():
    world = memory_world()
    got = world.service().receive(
        device("5CD1010", prefix="TEST-", internal_name="  Art   Cart 1 "), "key-1"
    )
    assert (got.tag, got.internal_name) == ("TEST-001", "Art Cart 1")
    assert got.asset.cf("Internal Name") == "Art Cart 1"


def test_a_serial_already_in_the_backend_names_that_asset_and_frees_the_claim():
    world = memory_world()
    existing = world.backend.create_asset(
        AssetDraft("OLD-1", STUDENT_DEVICES, custom_fields={"Serial Number": "5CD1011"})
    )
    with pytest.raises(DuplicateSerial) as caught:
        world.service().receive(device("5CD1011"), "key-1")
    assert (caught.value.asset_id, caught.value.tag) == (existing.id, "OLD-1")
    assert world.store.get("key-1") is None  # nothing held: the key may be used again
    (voided,) = [e for e in world.tags.events() if e.state == "voided"]
    assert f"asset {existing.id} has the serial number" in voided.detail


def test_a_given_internal_name_in_use_is_refused_and_a_drawn_one_is_drawn_again():
    world = memory_world()
    first_draw = NameWords.shipped().draw(random.Random(7), 1)[0]
    world.backend.create_asset(
        AssetDraft("OLD-2", STUDENT_DEVICES, custom_fields={"Internal Name": first_draw})
    )
    with pytest.raises(InvalidField, match="belongs to asset") as caught:
        world.service().receive(device("5CD1012", internal_name=first_draw), "k1")
    assert caught.value.field == "internal_name"
    got = world.service(seed=7).receive(device("5CD1013"), "k2")
    assert got.internal_name != first_draw
    assert world.backend.calls["find_any"] == 3  # the refused one, then two for the drawn


def test_two_submissions_never_hold_the_same_name():
    world = memory_world()
    service = world.service(seed=1)
    first = service.receive(device("5CD1014"), "k1")
    with pytest.raises(InvalidField, match="belongs to another device"):
        service.receive(device("5CD1015", internal_name=first.internal_name), "k2")
    again = world.service(seed=1).receive(device("5CD1016"), "k3")  # the same draws
    assert again.internal_name != first.internal_name


def test_a_tag_carried_in_the_backend_already_is_skipped_for_good():
    world = memory_world()
    carrier = world.backend.create_asset(AssetDraft("W12-00001", STUDENT_DEVICES))
    got = world.service().receive(device("5CD1017"), "key-1")
    assert got.tag == "W12-00002"
    (skipped,) = world.tags.events(EventQuery(tag="W12-00001", limit=1))
    assert skipped.state == "skipped" and str(carrier.id) in skipped.detail


class LosesCreateAnswers(MemoryBackend):
    """Creates the asset, then fails as if RT's answer was lost on the way back."""

    def __init__(self) -> None:
        super().__init__("http://rt.invalid")
        self.lose = 1

    def create_asset(self, draft: AssetDraft) -> Asset:
        asset = super().create_asset(draft)
        if self.lose:
            self.lose -= 1
            raise BackendUnavailable("RT at 127.0.0.1 could not be reached: Connection reset")
        return asset


def lossy_backend() -> LosesCreateAnswers:
    template = memory_backend()
    backend = LosesCreateAnswers()
    for catalog in template.list_catalogs():
        backend.add_catalog(catalog.name, template.catalog_custom_fields(catalog.name))
        for described in template.catalog_fields(catalog.name):
            backend.describe_field(catalog.name, described)
    return backend


def test_a_lost_create_answer_is_found_on_retry_and_never_created_twice():
    world = memory_world(lossy_backend())
    service = world.service()
    with pytest.raises(BackendUnavailable, match="submit again with the same key"):
        service.receive(device("5CD1018"), "key-1")
    got = service.receive(device("5CD1018"), "key-1")
    assert [a.id for a in with_serial(world.backend, "5CD1018")] == [got.asset.id]
    assert got.tag == "W12-00001" and not got.is_replay
    states = [e.state for e in reversed(world.tags.events(EventQuery(tag="W12-00001")))]
    assert states == ["reserved", "failed", "assigned"]
    # Another key for that serial meanwhile: the asset is named, nothing is created.
    with pytest.raises(DuplicateSerial):
        service.receive(device("5CD1018"), "key-2")
    assert len(with_serial(world.backend, "5CD1018")) == 1


def test_a_stalled_submission_blocks_its_serial_until_it_is_stale_then_gives_way():
    backend = lossy_backend()
    world = memory_world(backend)
    service = world.service(IntakeOptions(stale_after=120))
    backend.lose = 0
    # A submission that stalled before it created anything: opened, tag held, then nothing.
    stalled = world.store.open("key-1", "5CD1019", device("5CD1019").fingerprint(), lease=0)
    world.tags.reserve(service.formats.default, stalled.stand_in, actor="a", request_id="r")
    with pytest.raises(DuplicateSerial, match="being received right now as W12-00001"):
        service.receive(device("5CD1019"), "key-2")
    world.clock.advance(121)
    got = service.receive(device("5CD1019"), "key-2")
    assert got.tag == "W12-00002"
    assert world.store.get("key-1") is None
    (voided,) = [e for e in world.tags.events(EventQuery(tag="W12-00001")) if e.state == "voided"]
    assert "stalled" in voided.detail


def test_a_stalled_submission_whose_asset_exists_is_finished_by_the_next_one():
    backend = lossy_backend()
    world = memory_world(backend)
    service = world.service(IntakeOptions(stale_after=120))
    with pytest.raises(BackendUnavailable):
        service.receive(device("5CD1020"), "key-1")  # created in the backend, answer lost
    world.clock.advance(121)
    with pytest.raises(DuplicateSerial) as caught:
        service.receive(device("5CD1020"), "key-2")
    (asset,) = with_serial(world.backend, "5CD1020")
    assert (caught.value.asset_id, caught.value.tag) == (asset.id, "W12-00001")
    assert world.store.get("key-1").asset_id == asset.id
    assert world.tags.reservation_for("W12-", asset.id).is_assigned


def test_threads_racing_with_one_serial_under_different_keys_make_one_asset():
    world = memory_world()
    service = world.service()
    outcomes: list[object] = []
    start = threading.Barrier(8)

    def submit(n: int) -> None:
        start.wait()
        try:
            outcomes.append(service.receive(device("5CD1021"), f"key-{n}"))
        except DuplicateSerial as error:
            outcomes.append(error)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(o, DuplicateSerial) for o in outcomes) == 7
    assert len(with_serial(world.backend, "5CD1021")) == 1


def test_many_devices_get_distinct_tags_and_names():
    world = memory_world()
    service = world.service()
    got = [service.receive(device(f"5CD2{n:03d}"), f"key-{n}") for n in range(60)]
    assert len({g.tag for g in got}) == len({g.internal_name for g in got}) == 60
    assert [g.tag for g in got] == [f"W12-{n:05d}" for n in range(1, 61)]


def test_a_device_may_keep_the_tag_it_carries_already():
    world = memory_world()
    service = world.service()
    got = service.receive(device("5CD3001", tag=" W12-1001 "), "k1")
    assert got.tag == got.asset.name == "W12-1001"  # the old tool's width stays as printed
    assert world.tags.events() == []  # the sequence never handed it out
    other = world.backend.create_asset(AssetDraft("W12-01002", STUDENT_DEVICES))
    with pytest.raises(InvalidField, match=f"asset {other.id} carries the tag") as caught:
        service.receive(device("5CD3002", tag="W12-01002"), "k2")
    assert caught.value.field == "tag" and world.store.get("k2") is None
    with pytest.raises(InvalidField) as caught:
        service.receive(device("5CD3003", tag="NOPE-1"), "k3")
    assert caught.value.field == "tag"
    handed = service.receive(device("5CD3004"), "k4").tag
    with pytest.raises(InvalidField, match="was handed out here"):
        service.receive(device("5CD3005", tag=handed), "k5")


class HeldCreates(MemoryBackend):
    """Holds a create until ``release`` is set, so that racing requests meet it under way."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.release = threading.Event()

    def create_asset(self, draft: AssetDraft) -> Asset:
        # A condition, not a duration; the bound only turns a hang into a failure.
        assert self.release.wait(timeout=300), "the racing requests never got their answer"
        return super().create_asset(draft)


def test_requests_racing_under_one_key_create_one_asset():
    backend = HeldCreates("http://rt.invalid")
    template = memory_backend()
    for catalog in template.list_catalogs():
        backend.add_catalog(catalog.name, template.catalog_custom_fields(catalog.name))
    world = memory_world(backend)
    service = world.service()
    outcomes: list[object] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def submit() -> None:
        start.wait()
        try:
            outcome: object = service.receive(device("5CD4001"), "double-click")
        except SubmissionInProgress as error:
            outcome = error
        with lock:
            outcomes.append(outcome)
            if sum(isinstance(o, SubmissionInProgress) for o in outcomes) == 5:
                backend.release.set()  # every other request has met the one under way

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [o for o in outcomes if not isinstance(o, SubmissionInProgress)]
    assert len(made) == 1 and len(outcomes) == 6
    assert len(with_serial(world.backend, "5CD4001")) == 1
    assert backend.calls["create_asset"] == 1
    again = service.receive(device("5CD4001"), "double-click")
    assert again.is_replay and again.asset.id == made[0].asset.id


def test_a_catalog_with_a_prefix_of_its_own_gets_it_unless_the_device_names_one():
    world = memory_world()
    service = attrs.evolve(world.service(), prefix_by_catalog={STUDENT_DEVICES: "TEST-"})
    assert service.receive(device("5CD1090"), "key-1").tag == "TEST-001"
    assert service.receive(device("5CD1091", prefix="W12-"), "key-2").tag.startswith("W12-")
    # The same key again is the same request: the prefix came from the catalog both times.
    assert service.receive(device("5CD1090"), "key-1").is_replay


def test_a_caller_s_key_is_its_own_and_never_a_shared_key():
    svc = memory_world().service()
    first = svc.receive(device("5CD2000"), CallerKey("desk-1", "k-1"))
    with pytest.raises(DuplicateSerial):
        svc.receive(device("5CD2000"), CallerKey("desk-2", "k-1"))
    with pytest.raises(DuplicateSerial):
        svc.receive(device("5CD2000"), "k-1")
    assert svc.receive(device("5CD2000"), CallerKey("desk-1", " k-1 ")).asset == first.asset
    with pytest.raises(IdempotencyKeyReused, match="the idempotency key 'k-1' was used"):
        svc.receive(device("5CD2001"), CallerKey("desk-1", "k-1"))
    with pytest.raises(InvalidInput, match="caller"):
        CallerKey("desk\n1", "k-2")
