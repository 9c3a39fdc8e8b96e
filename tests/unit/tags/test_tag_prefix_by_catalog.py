"""A prefix per catalog (PREFIX_BY_CATALOG): an issue without a prefix takes its asset's."""

from __future__ import annotations

import pytest

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import TagConflict
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.service import TagService

FORMATS = TagFormats(TagFormat("W12-", 5), (TagFormat("STF-", 5), TagFormat("TEST-", 5)))
BY_CATALOG = {"Staff Laptops": "STF-", "Student Devices": "W12-"}


@pytest.fixture
def backend() -> MemoryBackend:
    backend = MemoryBackend()
    for catalog in ("Staff Laptops", "Student Devices", "Spare Parts"):
        backend.add_catalog(catalog)
    return backend


def add(backend: MemoryBackend, catalog: str, name: str = "Device") -> int:
    return backend.add_asset(AssetDraft(name=name, catalog=catalog)).id


@pytest.fixture
def tags(backend) -> TagService:
    return TagService(backend, MemoryTagStore(), FORMATS, prefix_by_catalog=BY_CATALOG)


def test_each_catalog_issues_from_its_own_sequence(tags, backend):
    staff, student, spare, staff2 = (
        add(backend, "Staff Laptops"),
        add(backend, "Student Devices"),
        add(backend, "Spare Parts"),
        add(backend, "Staff Laptops"),
    )
    issued = [str(tags.issue_tag(a).tag) for a in (staff, student, spare, staff2)]
    assert issued == ["STF-00001", "W12-00001", "W12-00002", "STF-00002"]
    assert backend.get_asset(staff).name == "STF-00001"


def test_a_prefix_given_wins_over_the_catalog(tags, backend):
    staff = add(backend, "Staff Laptops")
    assert str(tags.issue_tag(staff, "TEST-").tag) == "TEST-00001"


def test_a_catalog_prefix_never_replaces_another_prefix_tag(tags, backend):
    moved = add(backend, "Staff Laptops", name="W12-00042")  # tagged as a student device
    with pytest.raises(TagConflict, match="carries the tag W12-00042 of prefix 'W12-'"):
        tags.issue_tag(moved)


def test_sync_covers_every_catalog_prefix(tags, backend):
    add(backend, "Staff Laptops", name="STF-00070")
    add(backend, "Student Devices", name="W12-00009")
    reports = {r.prefix: r.next_after for r in tags.sync()}
    assert reports["STF-"] == 71 and reports["W12-"] == 10
