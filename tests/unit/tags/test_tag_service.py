"""TagService on fakes: the memory backend and the memory tag store, asserted on end state."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from tests.conftest import SteppingClock

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.assets import AssetChanges, AssetDraft, AssetPage, AssetQuery
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    BackendUnavailable,
    InvalidInput,
    InvalidTag,
    RtutilsError,
    TagConflict,
    TagNotFound,
    UntrustworthyResult,
)
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.service import MAX_SKIPS, TagService

FORMATS = TagFormats(TagFormat("W12-", 5), (TagFormat("TEST-", 5),))


class FaultyBackend(MemoryBackend):
    """The memory backend with faults and interference queued per operation."""

    def __init__(self) -> None:
        super().__init__()
        self.faults: dict[str, list[RtutilsError]] = {}
        self.stale_reads: list = []  # snapshots get_asset answers with before the truth
        self.before_update: list[Callable[[int], None]] = []
        self.ignore_name_condition = False

    def _fault(self, op: str) -> None:
        queued = self.faults.get(op)
        if queued:
            raise queued.pop(0)

    def get_asset(self, asset_id):
        self._fault("get_asset")
        if self.stale_reads:
            return self.stale_reads.pop(0)
        return super().get_asset(asset_id)

    def search_assets(self, query, page=1, per_page=100) -> AssetPage:
        self._fault("search_assets")
        if self.ignore_name_condition:  # what RT does with a condition it does not understand
            query = AssetQuery()
        return super().search_assets(query, page, per_page)

    def update_asset(self, asset_id, changes, if_version=None):
        while self.before_update:
            self.before_update.pop(0)(asset_id)
        self._fault("update_asset")
        return super().update_asset(asset_id, changes, if_version)


@pytest.fixture
def backend() -> FaultyBackend:
    backend = FaultyBackend()
    backend.add_catalog("Devices")
    for name in ("Cart 1", "Cart 2", "Cart 3", "Cart 4", "Cart 5"):
        backend.add_asset(AssetDraft(name=name, catalog="Devices"))
    return backend


@pytest.fixture
def store() -> MemoryTagStore:
    return MemoryTagStore()


@pytest.fixture
def tags(backend, store) -> TagService:
    return TagService(backend, store, FORMATS)


def states(store, **filters) -> list[tuple[str, str, int | None]]:
    """The event log oldest first, as (state, tag, asset)."""
    return [
        (e.state, e.tag, e.asset_id)
        for e in reversed(store.events(EventQuery(limit=None, **filters)))
    ]


# -- preview and issue ---------------------------------------------------------------------


def test_preview_changes_nothing_and_the_issue_gives_what_it_showed(tags, store, backend):
    assert str(tags.preview_next()) == "W12-00001"
    assert str(tags.preview_next()) == "W12-00001"
    assert store.events() == []

    issued = tags.issue_tag(1, actor="desk:ann", request_id="req-1")

    assert (str(issued.tag), issued.status) == ("W12-00001", "assigned")
    assert backend.get_asset(1).name == "W12-00001"
    assert str(tags.preview_next()) == "W12-00002"


def test_issue_logs_who_when_and_what_the_name_was(tags, store):
    before = datetime.now(UTC)
    tags.issue_tag(2, actor="desk:ann", request_id="req-7")
    reserved, assigned = reversed(store.events())
    assert (reserved.state, assigned.state) == ("reserved", "assigned")
    for event in (reserved, assigned):
        assert (event.tag, event.asset_id, event.actor, event.request_id) == (
            "W12-00001",
            2,
            "desk:ann",
            "req-7",
        )
        assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0)
        assert before <= event.at <= datetime.now(UTC)
    assert "'Cart 2'" in assigned.detail


def test_consecutive_issues_get_consecutive_tags(tags, backend):
    issued = [str(tags.issue_tag(i).tag) for i in (1, 2, 3)]
    assert issued == ["W12-00001", "W12-00002", "W12-00003"]
    assert [backend.get_asset(i).name for i in (1, 2, 3)] == issued


def test_an_asset_whose_name_is_a_tag_keeps_it_and_nothing_is_issued(tags, store, backend):
    backend.rename_directly(3, "W12-00042")
    updates = backend.calls.get("update_asset", 0)

    issued = tags.issue_tag(3)

    assert (str(issued.tag), issued.status) == ("W12-00042", "already-tagged")
    assert store.events() == []
    assert backend.calls.get("update_asset", 0) == updates
    assert str(tags.preview_next()) == "W12-00001"


def test_issuing_twice_for_one_asset_gives_one_tag(tags, store):
    first = tags.issue_tag(1)
    second = tags.issue_tag(1)
    assert (first.tag, first.status, second.status) == (second.tag, "assigned", "already-tagged")
    assert [s for s, _, _ in states(store)] == ["reserved", "assigned"]


def test_an_old_tool_tag_of_another_width_counts_as_tagged(tags, backend):
    backend.rename_directly(4, "W12-1001")
    issued = tags.issue_tag(4)
    assert (str(issued.tag), issued.status) == ("W12-1001", "already-tagged")
    assert backend.get_asset(4).name == "W12-1001"


def test_a_tag_typed_into_rt_with_stray_whitespace_is_kept_not_replaced(tags, store, backend):
    backend.rename_directly(4, "W12-00042 ")
    issued = tags.issue_tag(4)
    assert (str(issued.tag), issued.status) == ("W12-00042", "already-tagged")
    assert backend.get_asset(4).name == "W12-00042 "
    assert store.events() == []


def test_a_write_that_went_through_is_recognised_under_stray_whitespace(tags, store, backend):
    backend.faults["update_asset"] = [BackendUnavailable("RT did not answer")]
    with pytest.raises(BackendUnavailable):
        tags.issue_tag(1)
    backend.rename_directly(1, " W12-00001\t")  # someone finished it by hand, sloppily
    issued = tags.issue_tag(1)
    assert (str(issued.tag), issued.status) == ("W12-00001", "assigned")
    assert [s for s, _, _ in states(store)] == ["reserved", "failed", "assigned"]
    assert "earlier write went through" in store.events()[0].detail
    assert backend.get_asset(1).name == " W12-00001\t"  # recorded, not written again


def test_a_tag_of_another_prefix_is_not_overwritten(tags, store, backend):
    backend.rename_directly(5, "TEST-00003")
    with pytest.raises(TagConflict, match=r"TEST-00003.*refusing to replace it"):
        tags.issue_tag(5)
    assert backend.get_asset(5).name == "TEST-00003"
    assert store.events() == []


def test_each_prefix_has_its_own_sequence(tags, backend):
    assert str(tags.issue_tag(1, "TEST-").tag) == "TEST-00001"
    assert str(tags.issue_tag(2).tag) == "W12-00001"
    assert str(tags.preview_next("TEST-")) == "TEST-00002"
    with pytest.raises(InvalidInput, match=r"'X-' is not configured; known prefixes: 'W12-'"):
        tags.issue_tag(3, "X-")


def test_bad_and_unknown_asset_ids_reserve_nothing(tags, store):
    with pytest.raises(InvalidInput, match="positive whole number"):
        tags.issue_tag(0)
    with pytest.raises(AssetNotFound):
        tags.issue_tag(999)
    assert store.events() == []
    assert str(tags.preview_next()) == "W12-00001"


def test_a_used_up_sequence_says_how_to_fix_it(backend, store):
    tags = TagService(backend, store, TagFormats(TagFormat("T-", 1)))
    tags.set_next(None, 9)
    tags.issue_tag(1)
    with pytest.raises(TagConflict, match=r"'T-' sequence is used up: T-9 .* TAG_DIGITS"):
        tags.issue_tag(2)
    assert backend.get_asset(2).name == "Cart 2"


# -- skipping what the backend carries already ------------------------------------------------


def test_a_number_the_backend_carries_already_is_skipped_and_logged(tags, store, backend):
    backend.rename_directly(5, "W12-00002")  # a person typed the next tag into RT
    tags.issue_tag(1)

    assert str(tags.preview_next()) == "W12-00002"  # the store's next number
    assert str(tags.preview_next(check_backend=True)) == "W12-00003"  # what an issue will give
    issued = tags.issue_tag(2)

    assert str(issued.tag) == "W12-00003"
    assert backend.get_asset(5).name == "W12-00002"  # never a duplicate in the backend
    skipped = store.events(EventQuery(tag="W12-00002"))[0]
    assert (skipped.state, skipped.asset_id) == ("skipped", 2)
    assert "asset 5 carries W12-00002" in skipped.detail
    assert str(tags.preview_next()) == "W12-00004"


def test_a_number_carried_with_stray_whitespace_is_skipped_too(tags, store, backend):
    backend.rename_directly(5, "W12-00001 ")
    assert str(tags.issue_tag(1).tag) == "W12-00002"
    assert states(store)[:2] == [("reserved", "W12-00001", 1), ("skipped", "W12-00001", 1)]
    assert backend.get_asset(5).name == "W12-00001 "


def test_a_sequence_far_behind_the_backend_asks_for_a_sync(tags, store, backend):
    for number in range(1, MAX_SKIPS + 1):
        backend.add_asset(AssetDraft(name=f"W12-{number:05d}", catalog="Devices"))
    with pytest.raises(TagConflict, match="tags sync"):
        tags.issue_tag(1)
    assert (
        len([e for e in store.events(EventQuery(limit=None)) if e.state == "skipped"]) == MAX_SKIPS
    )
    assert backend.get_asset(1).name == "Cart 1"
    tags.sync()
    assert str(tags.issue_tag(1).tag) == f"W12-{MAX_SKIPS + 1:05d}"


def test_a_search_that_ignored_the_name_is_not_trusted(tags, store, backend):
    backend.ignore_name_condition = True
    with pytest.raises(UntrustworthyResult, match="W12-00001"):
        tags.issue_tag(1)
    assert backend.get_asset(1).name == "Cart 1"
    assert states(store)[-1][0] == "failed"


# -- failures and retries -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (BackendUnavailable("RT did not answer"), "RT did not answer"),
        (BackendRejected("Permission Denied"), "Permission Denied"),
    ],
)
def test_a_failed_write_keeps_the_tag_for_that_asset_only(tags, store, backend, fault, message):
    backend.faults["update_asset"] = [fault]

    with pytest.raises(type(fault)) as info:
        tags.issue_tag(1, actor="desk:ann", request_id="req-1")

    assert "W12-00001" in info.value.message and message in info.value.message
    assert "stays reserved for this asset" in info.value.message
    assert backend.get_asset(1).name == "Cart 1"
    failed = store.events()[0]
    assert (failed.state, failed.tag, failed.asset_id) == ("failed", "W12-00001", 1)
    assert message in failed.detail

    # Another asset never gets the held number; the retry for the first one does.
    assert str(tags.issue_tag(2).tag) == "W12-00002"
    retry = tags.issue_tag(1, request_id="req-2")
    assert (str(retry.tag), retry.status) == ("W12-00001", "assigned")
    assert backend.get_asset(1).name == "W12-00001"
    assigned = store.events(EventQuery(tag="W12-00001"))[0]
    assert (assigned.state, assigned.request_id) == ("assigned", "req-2")
    assert "reservation of request req-1 finished" in assigned.detail
    assert states(store, tag="W12-00001") == [
        ("reserved", "W12-00001", 1),
        ("failed", "W12-00001", 1),
        ("assigned", "W12-00001", 1),
    ]


def test_backend_down_before_anything_changes_nothing(tags, store, backend):
    backend.faults["get_asset"] = [BackendUnavailable("connection refused")]
    with pytest.raises(BackendUnavailable, match="connection refused"):
        tags.issue_tag(1)
    assert store.events() == []
    assert str(tags.preview_next()) == "W12-00001"


def test_backend_down_during_the_name_check_keeps_the_reservation(tags, store, backend):
    backend.faults["search_assets"] = [BackendUnavailable("timed out")]
    with pytest.raises(BackendUnavailable, match=r"W12-00001.*timed out"):
        tags.issue_tag(1)
    assert [s for s, _, _ in states(store)] == ["reserved", "failed"]
    assert str(tags.issue_tag(1).tag) == "W12-00001"


def test_a_write_that_went_through_before_a_crash_is_recorded_on_retry(tags, store, backend):
    held = store.reserve(FORMATS.default, 1, actor="desk", request_id="req-1")
    backend.rename_directly(1, held.tag)  # the write reached RT, then the process died

    retry = tags.issue_tag(1, request_id="req-2")

    assert (str(retry.tag), retry.status) == ("W12-00001", "assigned")
    assert states(store) == [("reserved", "W12-00001", 1), ("assigned", "W12-00001", 1)]
    assert "earlier write went through" in store.events()[0].detail
    assert str(tags.preview_next()) == "W12-00002"


def test_a_reservation_for_an_asset_tagged_meanwhile_is_voided(tags, store, backend):
    store.reserve(FORMATS.default, 1, actor="desk", request_id="req-1")
    backend.rename_directly(1, "W12-00777")  # someone tagged it another way

    issued = tags.issue_tag(1)

    assert (str(issued.tag), issued.status) == ("W12-00777", "already-tagged")
    voided = store.events()[0]
    assert (voided.state, voided.tag) == ("voided", "W12-00001")
    assert "carries W12-00777" in voided.detail
    assert str(tags.issue_tag(2).tag) == "W12-00002"  # a voided number is never reused


def test_an_unrelated_change_during_the_write_is_retried_with_the_new_version(tags, backend):
    backend.before_update.append(
        lambda asset_id: backend.update_asset(asset_id, AssetChanges(status="in-use"))
    )
    issued = tags.issue_tag(1)
    asset = backend.get_asset(1)
    assert (str(issued.tag), asset.name, asset.status) == ("W12-00001", "W12-00001", "in-use")


def test_an_asset_that_keeps_changing_gives_up_with_the_tag_kept(tags, store, backend):
    backend.faults["update_asset"] = [AssetChanged("asset 1 changed") for _ in range(10)]
    with pytest.raises(AssetChanged, match="W12-00001"):
        tags.issue_tag(1)
    assert states(store)[-1][0] == "failed"
    backend.faults.clear()
    assert str(tags.issue_tag(1).tag) == "W12-00001"


def test_two_issuers_racing_for_one_asset_give_it_one_tag(tags, store, backend):
    # While the first request is about to write, a second one for the same asset runs to
    # the end; the first one's If-Match write then fails and it finds the job done.
    other = TagService(backend, store, FORMATS)
    racer = []
    backend.before_update.append(lambda asset_id: racer.append(other.issue_tag(asset_id)))

    issued = tags.issue_tag(1)

    assert racer[0].tag == issued.tag
    assert str(issued.tag) == "W12-00001"
    assert backend.get_asset(1).name == "W12-00001"
    assert states(store) == [("reserved", "W12-00001", 1), ("assigned", "W12-00001", 1)]
    assert str(tags.preview_next()) == "W12-00002"


def test_an_asset_renamed_after_tagging_gets_its_own_tag_back(tags, store, backend):
    tags.issue_tag(1)
    backend.rename_directly(1, "Library cart")  # someone edited the Name in RT

    again = tags.issue_tag(1, request_id="req-2")

    assert (str(again.tag), again.status) == ("W12-00001", "assigned")
    assert backend.get_asset(1).name == "W12-00001"
    assert str(tags.preview_next()) == "W12-00002"  # no number was spent on it
    latest = store.events()[0]
    assert (latest.state, latest.request_id) == ("assigned", "req-2")
    assert latest.detail == "written again (the asset's own tag); Name was 'Library cart'"


def test_an_assets_own_tag_carried_by_another_asset_is_a_conflict(tags, store, backend):
    tags.issue_tag(1)
    backend.rename_directly(1, "Library cart")
    backend.rename_directly(2, "W12-00001")
    with pytest.raises(TagConflict, match="asset 1 was given W12-00001, but asset 2 carries"):
        tags.issue_tag(1)
    assert backend.get_asset(1).name == "Library cart"


def test_a_stale_read_racing_a_finished_issue_spends_no_number(tags, store, backend):
    # The second request read the asset untagged, the first then finished; the second must
    # find the asset's number instead of reserving and wasting a new one.
    other = TagService(backend, store, FORMATS)
    before = backend.get_asset(1)
    tags.issue_tag(1)
    backend.stale_reads.append(before)  # what the second request read, before the first ended

    second = other.issue_tag(1)

    assert (str(second.tag), second.status) == ("W12-00001", "already-tagged")
    assert [s for s, _, _ in states(store)] == ["reserved", "assigned"]
    assert str(tags.preview_next()) == "W12-00002"


def test_void_gives_up_a_stuck_reservation_for_good(tags, store, backend):
    backend.faults["update_asset"] = [BackendRejected("asset is disabled")]
    with pytest.raises(BackendRejected):
        tags.issue_tag(1)

    assert str(tags.void_reservation(1, reason="asset retired", actor="admin")) == "W12-00001"

    voided = store.events()[0]
    assert (voided.state, voided.detail, voided.actor) == ("voided", "asset retired", "admin")
    assert str(tags.issue_tag(1).tag) == "W12-00002"
    with pytest.raises(TagNotFound, match="no open 'W12-' reservation"):
        tags.void_reservation(1)


def test_void_refuses_when_the_backend_carries_the_tag(tags, store, backend):
    held = store.reserve(FORMATS.default, 1, actor="desk", request_id="r")
    backend.rename_directly(1, held.tag)
    with pytest.raises(TagConflict, match="issue the tag again"):
        tags.void_reservation(1)


# -- moving the sequence ---------------------------------------------------------------------


def test_set_next_refuses_at_or_below_what_the_backend_carries(tags, store, backend):
    backend.rename_directly(1, "W12-00040")
    with pytest.raises(TagConflict) as info:
        tags.set_next(None, 40)
    assert "W12-00040" in info.value.message and "W12-00041 or higher" in info.value.message
    assert str(tags.set_next(None, 41)) == "W12-00041"
    assert str(tags.preview_next()) == "W12-00041"
    event = store.events()[0]
    assert (event.state, event.detail) == ("sequence-set", "next tag W12-00041 (was W12-00001)")


def test_set_next_refuses_at_or_below_what_was_issued_even_if_not_written(tags, backend):
    tags.set_next(None, 50)
    backend.faults["update_asset"] = [BackendUnavailable("down")]
    with pytest.raises(BackendUnavailable):
        tags.issue_tag(1)  # W12-00050 is reserved, though no asset carries it
    with pytest.raises(TagConflict, match=r"W12-00050 has been issued already.*W12-00051"):
        tags.set_next(None, 50)


def test_a_forced_set_next_is_logged_and_still_never_reissues(tags, store, backend):
    for asset_id in (1, 2, 3):
        tags.issue_tag(asset_id)

    moved = tags.set_next(None, 2, force=True, actor="admin", request_id="req-9")

    assert str(moved) == "W12-00004"  # 2 and 3 were handed out; the next free one is 4
    event = store.events()[0]
    assert (event.state, event.actor, event.request_id) == ("sequence-set", "admin", "req-9")
    assert "forced" in event.detail
    assert str(tags.preview_next()) == str(tags.issue_tag(4).tag) == "W12-00004"


def test_set_next_takes_a_tag_and_refuses_malformed_ones_showing_the_form(tags):
    assert str(tags.set_next(None, "W12-00120")) == "W12-00120"
    with pytest.raises(InvalidTag, match=r"'W12-120' is not a tag of the form 'W12-00001'"):
        tags.set_next(None, "W12-120")
    with pytest.raises(InvalidInput, match="outside 1..99999"):
        tags.set_next(None, 100000)


# -- sync ------------------------------------------------------------------------------------


def test_sync_raises_the_floor_above_old_tags_of_any_width(tags, store, backend):
    for name in ("W12-00042", "W12-1001", "W12-7", "TEST-00009", "W12-notes", "W12-1234567"):
        backend.add_asset(AssetDraft(name=name, catalog="Devices"))

    reports = {r.prefix: r for r in tags.sync(actor="cli:root", request_id="sync-1")}

    w12 = reports["W12-"]
    assert (w12.highest_in_backend, w12.highest_tag, w12.tags_found) == (1001, "W12-1001", 3)
    assert (w12.next_before, w12.next_after, w12.next_tag) == (1, 1002, "W12-01002")
    assert (w12.other_widths, w12.out_of_range) == (2, ("W12-1234567",))
    assert (reports["TEST-"].highest_tag, reports["TEST-"].next_after) == ("TEST-00009", 10)
    assert str(tags.preview_next()) == str(tags.issue_tag(1).tag) == "W12-01002"
    raised = [e for e in store.events(EventQuery(limit=None)) if e.state == "floor-raised"]
    assert {e.prefix for e in raised} == {"W12-", "TEST-"}
    assert all(e.actor == "cli:root" and e.request_id == "sync-1" for e in raised)


def test_sync_never_lowers_a_sequence_and_logs_only_moves(tags, store, backend):
    tags.set_next(None, 500)
    events = len(store.events(EventQuery(limit=None)))
    backend.rename_directly(1, "W12-00010")

    (w12, test) = tags.sync()

    assert (w12.next_before, w12.next_after) == (500, 500)
    assert (test.tags_found, test.next_after) == (0, 1)
    assert len(store.events(EventQuery(limit=None))) == events
    assert str(tags.preview_next()) == "W12-00500"


# -- the event log ---------------------------------------------------------------------------


def test_events_filter_by_tag_asset_and_time(backend):
    store = MemoryTagStore(clock=SteppingClock())
    tags = TagService(backend, store, FORMATS)
    for asset_id in (1, 2, 3):
        tags.issue_tag(asset_id)  # events at 08:01 .. 08:06

    assert [e.state for e in tags.events(EventQuery(tag="W12-00002"))] == ["assigned", "reserved"]
    assert {e.tag for e in tags.events(EventQuery(asset_id=3))} == {"W12-00003"}
    window = tags.events(
        EventQuery(since=datetime(2025, 3, 1, 8, 2), until=datetime(2025, 3, 1, 8, 3))
    )
    assert [e.at.minute for e in window] == [3, 2]  # naive times are read as UTC
    assert len(tags.events(EventQuery(limit=2))) == 2
    with pytest.raises(InvalidInput, match="limit"):
        tags.events(EventQuery(limit=0))


def test_events_export_as_csv_a_spreadsheet_cannot_run(tags, backend):
    backend.rename_directly(2, '=HYPERLINK("http://evil")')
    tags.issue_tag(1, actor="desk:ann")
    tags.issue_tag(2, actor="@admin")

    rows = list(csv.DictReader(io.StringIO("".join(tags.events_csv()))))

    assert [(r["state"], r["tag"], r["asset_id"]) for r in rows] == [
        ("assigned", "W12-00002", "2"),
        ("reserved", "W12-00002", "2"),
        ("assigned", "W12-00001", "1"),
        ("reserved", "W12-00001", "1"),
    ]
    assert rows[0]["actor"] == "'@admin"
    assert rows[0]["detail"].startswith("Name was '=HYPERLINK")  # not a formula: starts 'Name'
    assert datetime.fromisoformat(rows[0]["at"]).utcoffset() == timedelta(0)
    only_one = list(csv.DictReader(io.StringIO("".join(tags.events_csv(EventQuery(asset_id=1))))))
    assert {r["asset_id"] for r in only_one} == {"1"}


def test_a_write_that_a_concurrent_issue_recorded_first_counts_once(store):
    # Right after the first request's write, a second one for the same asset sees the tag
    # in the backend and records it; each asset is reported "assigned" by one of them only.
    class RacyBackend(MemoryBackend):
        racer: list = []

        def update_asset(self, asset_id, changes, if_version=None):
            written = super().update_asset(asset_id, changes, if_version)
            self.racer.append(other.issue_tag(asset_id))
            return written

    backend = RacyBackend()
    backend.add_catalog("Devices")
    backend.add_asset(AssetDraft(name="Cart 1", catalog="Devices"))
    other = TagService(backend, store, FORMATS)
    issued = TagService(backend, store, FORMATS).issue_tag(1)
    assert [(str(i.tag), i.status) for i in (*backend.racer, issued)] == [
        ("W12-00001", "assigned"),
        ("W12-00001", "already-tagged"),
    ]
    assert [e.state for e in store.events()].count("assigned") == 1
