"""The LoanBackend contract: the in-memory fake and the real RT 5 must both pass every test."""

from __future__ import annotations

import pytest
from tests.contract.loans.loan_world import REPAIR_QUEUE
from tests.rt_harness import SPARE_PARTS, STUDENT_DEVICES

from rtutils_adapters.rt import meter
from rtutils_core.assets import TicketDraft
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendError,
    CatalogNotFound,
    UserNotFound,
)
from rtutils_core.loans.ports import LoanBackend

MISSING_ID = 9_999_999


def test_both_backends_are_loan_backends(loan_world):
    assert isinstance(loan_world.backend, LoanBackend)


def test_read_asset_state_has_version_moves_and_no_tickets(loan_world):
    (device,) = loan_world.devices(1, "allocated")
    state = loan_world.backend.read_asset_state(device)
    assert state.asset.id == device
    assert state.asset.version
    # RT 5's default lifecycle offers these moves (as actions) from allocated.
    assert state.moves == {"in-use", "recycled", "stolen"}
    assert state.referred_by == frozenset()


def test_read_missing_asset_raises_asset_not_found(loan_world):
    with pytest.raises(AssetNotFound, match=str(MISSING_ID)):
        loan_world.backend.read_asset_state(MISSING_ID)


@pytest.mark.parametrize("role", ["Owner", "HeldBy"])
def test_write_loan_sets_and_clears_the_role_and_status(loan_world, role):
    backend = loan_world.backend
    (device,) = loan_world.devices(1, "allocated")
    li = backend.get_user("li.wei")
    before = backend.read_asset_state(device).asset
    backend.write_loan(device, role, li, "in-use", if_version=before.version)
    out = backend.read_asset_state(device).asset
    held = out.owner if role == "Owner" else out.held_by
    assert held == ("li.wei" if role == "Owner" else ("li.wei",))
    assert out.status == "in-use"
    assert out.version != before.version
    backend.write_loan(device, role, None, "allocated", if_version=out.version)
    back = backend.read_asset_state(device).asset
    assert (back.owner, back.held_by, back.status) == (None, (), "allocated")


def test_write_loan_with_a_stale_version_changes_nothing(loan_world):
    backend = loan_world.backend
    (device,) = loan_world.devices(1, "allocated")
    stale = backend.read_asset_state(device).asset.version
    backend.write_loan(device, "Owner", backend.get_user("li.wei"), "in-use", if_version=stale)
    with pytest.raises(AssetChanged):
        backend.write_loan(
            device, "Owner", backend.get_user("zoe.muller"), "in-use", if_version=stale
        )
    assert backend.read_asset_state(device).asset.owner == "li.wei"


def test_a_status_the_lifecycle_refuses_is_skipped_but_the_role_is_written(loan_world):
    # What RT does: the read-back is the only way to notice, so the service must read back.
    backend = loan_world.backend
    (device,) = loan_world.devices(1, "allocated")
    version = backend.read_asset_state(device).asset.version
    backend.write_loan(device, "Owner", None, "recycled", if_version=version)
    version = backend.read_asset_state(device).asset.version
    backend.write_loan(device, "Owner", backend.get_user("li.wei"), "in-use", if_version=version)
    after = backend.read_asset_state(device).asset
    assert (after.owner, after.status) == ("li.wei", "recycled")


def test_user_by_email_is_found_and_an_unknown_email_creates_nobody(loan_world):
    backend = loan_world.backend
    users = loan_world.user_count()
    assert backend.get_user("amara.okafor@students.example.org").name == "amara.okafor"
    with pytest.raises(UserNotFound):
        backend.get_user("nobody.here@students.example.org")
    with pytest.raises(UserNotFound):
        backend.get_user("nobody.here")
    assert loan_world.user_count() == users


def test_find_people_answers_many_names_and_addresses_in_a_few_searches(loan_world):
    backend = loan_world.backend
    users = loan_world.user_count()
    ghosts = [f"ghost{n}" for n in range(55)]  # more than one batch of names
    wanted = ["LI.WEI", "amara.okafor@students.example.org", "zoe.muller", "li.we", ""]
    wanted += ["nobody.here", "nobody.here@students.example.org", "li.wei@", *ghosts]
    with meter.metered() as used:
        found = backend.find_people(wanted)
    assert {value: user.name for value, user in found.items()} == {
        "LI.WEI": "li.wei",  # login names are caseless in RT
        "amara.okafor@students.example.org": "amara.okafor",
        "zoe.muller": "zoe.muller",
    }
    assert found["zoe.muller"] == backend.get_user("zoe.muller")
    assert backend.find_people([]) == {}
    assert loan_world.user_count() == users  # nobody was created
    if loan_world.kind == "rt":  # two searches of names (62), one of the 3 addresses left
        assert used.requests == 3


def test_open_ticket_links_it_to_the_asset_both_ways(loan_world):
    backend = loan_world.backend
    (device,) = loan_world.devices(1)
    draft = TicketDraft(REPAIR_QUEUE, "Repair: broken screen", asset_id=device, content="x")
    ticket_id = backend.open_ticket(draft)
    assert ticket_id in backend.read_asset_state(device).referred_by
    ticket = loan_world.ticket(ticket_id)
    assert ticket["queue"] == REPAIR_QUEUE
    assert ticket["refers_to"] == [device]


def test_open_ticket_in_a_queue_that_does_not_exist_fails(loan_world):
    (device,) = loan_world.devices(1)
    with pytest.raises(BackendError, match="No Such Queue"):
        loan_world.backend.open_ticket(TicketDraft("No Such Queue", "x", asset_id=device))
    assert loan_world.backend.read_asset_state(device).referred_by == frozenset()


@pytest.mark.parametrize("role", ["Owner", "HeldBy"])
def test_search_on_loan_finds_assets_with_someone_in_the_role(loan_world, role):
    backend = loan_world.backend
    out_ids = loan_world.devices(3, "in-use")
    in_ids = loan_world.devices(2, "allocated")
    li = backend.get_user("li.wei")
    for device in out_ids:
        version = backend.read_asset_state(device).asset.version
        backend.write_loan(device, role, li, "in-use", if_version=version)
    found = []
    page = 1
    while True:
        result = backend.search_on_loan(role, STUDENT_DEVICES, page, 100)
        found += [a.id for a in result.items]
        if page >= result.pages:
            break
        page += 1
    assert set(out_ids) <= set(found)
    assert not set(in_ids) & set(found)
    spare = backend.search_on_loan(role, SPARE_PARTS).items
    assert all(a.catalog == SPARE_PARTS for a in spare)


def test_search_on_loan_of_an_unknown_catalog_raises(loan_world):
    with pytest.raises(CatalogNotFound):
        loan_world.backend.search_on_loan("Owner", "No Such Catalog")
