"""What a scan names, on the demo data and roster: devices by tag, Name, serial and internal
name; people by login, e-mail and roster student id; nothing, with the reason."""

from __future__ import annotations

import pytest

from rtutils_adapters.memory import MemoryLoanLog, load_demo_backend
from rtutils_adapters.memory.roster import MemoryRoster, demo_roster_csv
from rtutils_core.assets.service import AssetService
from rtutils_core.errors import InvalidInput
from rtutils_core.loans.service import LoanService
from rtutils_core.scans.service import ScanService
from rtutils_core.students.service import RosterService
from rtutils_core.tags import TagFormat, TagFormats


@pytest.fixture
def scans() -> ScanService:
    backend = load_demo_backend()
    loans = LoanService(backend, MemoryLoanLog())
    roster = MemoryRoster()
    RosterService(roster, backend.get_user).import_roster(demo_roster_csv())
    return ScanService(AssetService(backend, TagFormats(TagFormat("W12-", 5))), loans, roster)


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("W12-00003", "tag"),
        (" W12-00003 ", "tag"),
        ("NXH0023757ZA", "serial"),
        ("CB-GYM-03", "internal name"),
    ],
)
def test_a_device_is_found_by_tag_serial_and_internal_name(scans, text, how):
    found = scans.identify(text)
    assert (found.kind, found.how, found.asset.name) == ("device", how, "W12-00003")


def test_a_device_is_found_by_its_name(scans):
    found = scans.identify("Library cart A1")
    assert (found.kind, found.how, found.asset.name) == ("device", "name", "Library cart A1")


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("100108", "student id"),
        ("sofia.rossi", "login"),
        ("sofia.rossi@students.example.org", "e-mail"),
    ],
)
def test_a_person_is_found_by_student_id_login_and_e_mail(scans, text, how):
    found = scans.identify(text)
    assert (found.kind, found.how, found.user.name) == ("person", how, "sofia.rossi")
    assert (found.student is not None) == (how == "student id")


def test_an_unknown_tag_is_a_device_not_found_and_anything_else_may_be_a_person(scans):
    tag = scans.identify("W12-00999")
    assert (tag.kind, tag.is_tag_shaped) == ("nothing", True)
    assert "no device carries the tag 'W12-00999'" in tag.reason
    card = scans.identify("john.doe")
    assert (card.kind, card.is_tag_shaped) == ("nothing", False)
    assert "no device, no person, no student id" in card.reason


def test_a_scan_with_control_characters_or_nothing_is_refused_by_name(scans):
    for bad in ("", "   ", "W12\x0000001", "x" * 201):
        with pytest.raises(InvalidInput, match="scan"):
            scans.identify(bad)


def test_the_search_lists_devices_by_name_start_and_people_only_when_asked(scans):
    found = scans.search("Library", with_people=True)
    assert [a.name for _, a in found.devices] == ["Library cart A1", "Library cart A2"]
    people = scans.search("sofia", with_people=True).people
    assert [(p.how, p.student.student_id) for p in people] == [("name", "100108")]
    assert scans.search("100108", with_people=False).people == ()
    by_id = scans.search("100108", with_people=True).people
    assert [(p.how, p.user.name) for p in by_id] == [("student id", "sofia.rossi")]


def test_an_installation_without_serial_or_internal_name_fields_still_tells_scans_apart():
    from rtutils_adapters.memory import MemoryBackend
    from rtutils_core.assets import AssetDraft

    backend = MemoryBackend()
    backend.add_catalog("Laptops")  # no custom fields at all
    backend.add_user("ana")
    backend.add_asset(AssetDraft("W12-00001", "Laptops"))
    scans = ScanService(
        AssetService(backend, TagFormats(TagFormat("W12-", 5))),
        LoanService(backend, MemoryLoanLog()),
        MemoryRoster(),
    )
    assert scans.identify("john.doe").kind == "nothing"
    assert scans.identify("ana").kind == "person"
    assert scans.search("W12", with_people=False).devices[0][1].name == "W12-00001"
