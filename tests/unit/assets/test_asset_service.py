"""AssetService look-ups on the memory backend: what a scan at the desk finds."""

from __future__ import annotations

import pytest

from rtutils_adapters.memory import MemoryBackend
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.assets.service import AssetService
from rtutils_core.errors import InvalidTag, TagNotFound, UntrustworthyResult
from rtutils_core.tags import TagFormat, TagFormats

NAMES = ("W12-00042", "W12-1001", "W12-00007 ", "W12-000421", "TEST-00003", "Cart 1")


class DeafBackend(MemoryBackend):
    """Answers every search with everything, as RT does with a condition it ignores."""

    def search_assets(self, query, page=1, per_page=100):
        return super().search_assets(AssetQuery(), page, per_page)


def service(backend_class=MemoryBackend) -> tuple[AssetService, dict[str, int]]:
    backend = backend_class()
    backend.add_catalog("Devices")
    ids = {n: backend.add_asset(AssetDraft(name=n, catalog="Devices")).id for n in NAMES}
    formats = TagFormats(TagFormat("W12-", 5), (TagFormat("TEST-", 5),))
    return AssetService(backend, formats), ids


@pytest.mark.parametrize(
    ("scanned", "name"),
    [
        ("W12-00042", "W12-00042"),
        ("W12-00042\r\n", "W12-00042"),  # the scanner's Enter
        ("W12-1001", "W12-1001"),  # an old tool's label
        ("W12-00007", "W12-00007 "),  # the Name was typed into RT with a trailing space
        ("TEST-00003", "TEST-00003"),
    ],
)
def test_a_scanned_tag_finds_its_asset(scanned, name):
    assets, ids = service()
    assert assets.by_tag(scanned).id == ids[name]


def test_a_tag_nobody_carries_is_not_found_even_if_a_longer_one_is():
    assets, _ = service()
    with pytest.raises(TagNotFound, match="'W12-00043'"):
        assets.by_tag("W12-00043")
    with pytest.raises(TagNotFound, match="'W12-0004'"):
        assets.by_tag("W12-0004")  # W12-00042 starts with it, but is another tag


def test_junk_is_refused_with_the_form_before_any_search():
    assets, _ = service()
    with pytest.raises(InvalidTag, match=r"'W12-00042\*7' is not a tag of the form 'W12-00001'"):
        assets.by_tag("W12-00042*7")
    assert assets.backend.calls.get("search_assets", 0) == 0


def test_a_tag_carried_twice_is_reported_not_guessed():
    assets, ids = service()
    assets.backend.rename_directly(ids["Cart 1"], "W12-1001")
    with pytest.raises(UntrustworthyResult, match=r"'W12-1001' is carried by more than one"):
        assets.by_tag("W12-1001")


def test_a_search_that_ignored_the_name_is_not_trusted():
    assets, _ = service(DeafBackend)
    with pytest.raises(UntrustworthyResult, match="other assets"):
        assets.by_tag("W12-00042")
