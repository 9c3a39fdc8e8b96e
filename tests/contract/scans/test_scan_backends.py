"""What a scan names, on the fake and on the real RT 5: the searches by Name, serial number
and internal name that ScanService makes are answered the same by both."""

from __future__ import annotations

from tests.contract.conftest import INJECTION, QUOTED_NAME

from rtutils_adapters.memory import MemoryLoanLog
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.assets.service import AssetService
from rtutils_core.loans.service import LoanService
from rtutils_core.scans.service import ScanService
from rtutils_core.tags import TagFormat, TagFormats


def scans_over(backend) -> ScanService:
    formats = TagFormats(TagFormat("SEED-", 5))
    return ScanService(
        AssetService(backend, formats), LoanService(backend, MemoryLoanLog()), MemoryRoster()
    )


def test_devices_by_name_serial_and_internal_name(seeded):
    scans = scans_over(seeded.backend)
    for text, how, name in (
        ("SEED-00001", "tag", "SEED-00001"),
        ("5CD0002", "serial", "SEED-00002"),
        ("Zoë's Chromebook", "internal name", "SEED-Zoë-01"),
        (QUOTED_NAME, "name", QUOTED_NAME),
        (INJECTION, "serial", QUOTED_NAME),
    ):
        found = scans.identify(text)
        assert (found.kind, found.how, found.asset.name) == ("device", how, name), text


def test_people_and_nothing(seeded):
    scans = scans_over(seeded.backend)
    assert scans.identify("li.wei").user.name == "li.wei"
    nothing = scans.identify("nobody.here")
    assert (nothing.kind, nothing.is_tag_shaped) == ("nothing", False)
