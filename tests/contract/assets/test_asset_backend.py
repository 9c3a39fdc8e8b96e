"""The AssetBackend contract: the in-memory fake and the real RT 5 must both pass every test."""

from __future__ import annotations

import attrs
import pytest
from tests.contract.conftest import INJECTION, PAGE_COUNT, QUOTED_NAME
from tests.rt_harness import DEVICE_FIELDS, SPARE_PARTS, STUDENT_DEVICES, unique_name

from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery, TicketDraft
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    CatalogNotFound,
    InvalidInput,
    UserNotFound,
)

MISSING_ID = 9_999_999


def names(assets) -> list[str]:
    return [a.name for a in assets]


def found(backend, **conditions) -> list[str]:
    return names(backend.iter_assets(AssetQuery(**conditions)))


# -- reading -------------------------------------------------------------------------------


def test_get_asset_returns_every_field_and_a_version(seeded):
    asset = seeded.backend.get_asset(seeded.id("SEED-00001"))
    assert (asset.name, asset.catalog, asset.status) == ("SEED-00001", STUDENT_DEVICES, "allocated")
    assert asset.owner == "li.wei"
    assert asset.held_by == ("amara.okafor",)
    assert asset.custom_fields == {
        "Serial Number": "5CD0001",
        "Manufacturer": "HP",
        "Model": "Chromebook 11 G9",
        "Internal Name": "CB-ART-01",
        "Type": "Chromebook",
        "Funding Source": "Title I",
    }
    assert asset.version


def test_get_missing_asset_raises_asset_not_found(backend):
    with pytest.raises(AssetNotFound, match=str(MISSING_ID)):
        backend.get_asset(MISSING_ID)


def test_search_by_exact_name_finds_that_asset_only(seeded):
    page = seeded.backend.search_assets(AssetQuery(name="SEED-00001"))
    assert names(page.items) == ["SEED-00001"]
    assert page.total == 1
    assert page.items[0].id == seeded.id("SEED-00001")


def test_search_results_carry_label_data(backend):
    (asset,) = backend.search_assets(AssetQuery(name="SEED-00002")).items
    assert asset.owner == "amara.okafor"
    assert set(asset.held_by) == {"li.wei", "zoe.muller"}
    assert asset.cf("Serial Number") == "5CD0002"
    assert asset.cf("Manufacturer") == "Dell"


def test_name_prefix_matches_case_and_characters_exactly(backend):
    # RT's STARTSWITH ignores case and reads '_' as a wildcard; the answer must not.
    assert found(backend, name_prefix="SEED-") == [
        "SEED-00001",
        "SEED-00002",
        "SEED-00003",
        QUOTED_NAME,
        "SEED-Zoë-01",
    ]
    assert found(backend, name_prefix="SEED_") == ["SEED_00004"]
    assert found(backend, name_prefix="seed-") == ["seed-00005"]


def test_search_by_catalog_alone(backend):
    # Other suites on the session's RT add spare parts of their own, so the seeded part is
    # one of the answers and every answer is of that catalog (none of the seeded devices).
    assets = list(backend.iter_assets(AssetQuery(catalog=SPARE_PARTS)))
    assert "PART-00001" in names(assets)
    assert {a.catalog for a in assets} == {SPARE_PARTS}


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"status": "in-use"}, ["SEED-00002", "SEED-Zoë-01"]),
        ({"owner": "li.wei"}, ["SEED-00001"]),
        ({"held_by": "zoe.muller"}, ["SEED-00002"]),
        ({"custom_fields": {"Type": "Charger", "Manufacturer": "HP"}}, ["SEED-00003"]),
        ({"catalog": STUDENT_DEVICES, "status": "allocated", "owner": "li.wei"}, ["SEED-00001"]),
    ],
    ids=["status", "owner", "holder", "custom-fields", "all-at-once"],
)
def test_search_applies_every_condition(backend, conditions, expected):
    assert found(backend, name_prefix="SEED-", **conditions) == expected


def test_an_empty_custom_field_value_finds_assets_without_one(backend):
    expected = ["SEED-00002", "SEED-00003", QUOTED_NAME, "SEED-Zoë-01"]
    assert found(backend, name_prefix="SEED-", custom_fields={"Funding Source": ""}) == expected


def test_custom_field_values_compare_exactly(backend):
    # RT's own comparison ignores case; the backend answers what was asked.
    assert found(backend, name_prefix="SEED-", custom_fields={"Manufacturer": "hp"}) == []


def test_unknown_custom_field_is_refused_naming_it(backend):
    with pytest.raises(InvalidInput, match=r"'Serial number'.*did you mean 'Serial Number'"):
        backend.search_assets(AssetQuery(custom_fields={"Serial number": "5CD0001"}))


def test_custom_field_of_another_catalog_is_refused(backend):
    query = AssetQuery(catalog=SPARE_PARTS, custom_fields={"Serial Number": "5CD0001"})
    with pytest.raises(
        InvalidInput, match=r"'Serial Number' is not applied to catalog 'Spare Parts'"
    ):
        backend.search_assets(query)


def test_unknown_catalog_raises_catalog_not_found(backend):
    with pytest.raises(CatalogNotFound, match="Student Device'"):
        backend.search_assets(AssetQuery(catalog="Student Device"))


@pytest.mark.parametrize(
    "text", [INJECTION, "x' OR id > 0 OR Name = '", "x\\' OR id > 0 OR Name = \\'", "%"]
)
def test_search_text_is_data_not_query_language(backend, text):
    assert backend.search_assets(AssetQuery(name=text)).items == ()


def test_quotes_and_backslashes_in_values_are_found_literally(seeded):
    assert found(seeded.backend, name=QUOTED_NAME) == [QUOTED_NAME]
    assert found(seeded.backend, custom_fields={"Serial Number": INJECTION}) == [QUOTED_NAME]


def test_non_ascii_names_and_values(backend):
    assert found(backend, name="SEED-Zoë-01") == ["SEED-Zoë-01"]
    assert found(backend, custom_fields={"Internal Name": "Zoë's Chromebook"}) == ["SEED-Zoë-01"]


def test_search_by_ids_finds_those_assets_in_id_order(seeded):
    wanted = ["SEED-00003", "PAGE-007", "SEED-00001", "PART-00001"]
    query = AssetQuery(ids=[seeded.id(n) for n in wanted] + [MISSING_ID])
    page = seeded.backend.search_assets(query)
    assert [a.id for a in page.items] == sorted(seeded.id(n) for n in wanted)
    assert page.total == len(wanted)
    assert {a.name for a in seeded.backend.iter_assets(query)} == set(wanted)


def test_search_by_one_id_carries_label_data(seeded):
    (asset,) = seeded.backend.iter_assets(AssetQuery(ids=[seeded.id("SEED-00002")]))
    assert (asset.name, asset.owner) == ("SEED-00002", "amara.okafor")
    assert asset.cf("Serial Number") == "5CD0002"


def test_a_search_without_people_reads_everything_else(seeded):
    # What a label batch asks for: RT then leaves every asset's roles unread.
    query = AssetQuery(names=["SEED-00001", "SEED-00002", "SEED-00003"])
    full = list(seeded.backend.iter_assets(query))
    assert [(a.owner, set(a.held_by)) for a in full] == [
        ("li.wei", {"amara.okafor"}),
        ("amara.okafor", {"li.wei", "zoe.muller"}),
        (None, set()),
    ]
    bare = list(seeded.backend.iter_assets(query, people=False))
    assert bare == [attrs.evolve(a, owner=None, held_by=(), contacts=()) for a in full]
    assert len(bare[0].custom_fields) == 6, "every label field of SEED-00001"


def test_a_search_on_a_person_reads_the_people_all_the_same(seeded):
    query = AssetQuery(held_by="zoe.muller", names=["SEED-00001", "SEED-00002"])
    (asset,) = seeded.backend.iter_assets(query, people=False)
    assert asset == seeded.backend.get_asset(seeded.id("SEED-00002"))
    assert asset.owner == "amara.okafor"


def test_search_by_ids_that_do_not_exist_finds_nothing(backend):
    assert found(backend, ids=[MISSING_ID, MISSING_ID + 1]) == []


def test_search_by_ids_applies_the_other_conditions_too(seeded):
    ids = [seeded.id(n) for n in ("SEED-00001", "SEED-00002", "SEED-00003", "PART-00001")]
    assert found(seeded.backend, ids=ids, status="in-use") == ["SEED-00002", "PART-00001"]
    assert found(seeded.backend, ids=ids, catalog=SPARE_PARTS) == ["PART-00001"]
    assert found(seeded.backend, ids=ids, custom_fields={"Manufacturer": "HP"}) == [
        "SEED-00001",
        "SEED-00003",
    ]


def test_search_by_the_most_ids_one_query_may_name(seeded):
    ids = [seeded.id(f"PAGE-{i:03d}") for i in range(1, 101)]
    page = seeded.backend.search_assets(AssetQuery(ids=ids))
    assert (page.total, len(page.items)) == (100, 100)
    assert [a.id for a in page.items] == sorted(ids)


def test_search_by_names_finds_exactly_those_names_in_id_order(backend):
    asked = ["seed-00005", QUOTED_NAME, "SEED-00001", "SEED-00004", "seed-00001", "NOPE-1"]
    # Neither case nor '_' nor '%' is loose: 'SEED-00004' is not 'SEED_00004'.
    assert found(backend, names=asked) == ["SEED-00001", "seed-00005", QUOTED_NAME]
    assert found(backend, names=["SEED-%"]) == []
    assert found(backend, names="SEED-Zoë-01") == ["SEED-Zoë-01"]


def test_search_by_names_applies_the_other_conditions_too(backend):
    asked = ["SEED-00001", "SEED-00002", "PART-00001"]
    assert found(backend, names=asked, status="in-use") == ["SEED-00002", "PART-00001"]
    assert found(backend, names=asked, catalog=SPARE_PARTS) == ["PART-00001"]


def test_search_by_the_most_names_one_query_may_name(backend):
    asked = [f"PAGE-{i:03d}" for i in range(100, 0, -1)]
    page = backend.search_assets(AssetQuery(names=asked))
    assert (page.total, len(page.items)) == (100, 100)
    assert names(page.items) == sorted(asked)


def test_search_by_name_prefixes_matches_any_prefix_exactly(backend):
    prefixes = ["SEED-0000", "SEED_", "PART-", "NOPE-"]
    assert found(backend, name_prefixes=prefixes) == [
        "SEED-00001",
        "SEED-00002",
        "SEED-00003",
        "SEED_00004",
        "PART-00001",
    ]
    assert found(backend, name_prefixes=["seed-", "PAGE-00"]) == [
        "seed-00005",
        *(f"PAGE-{i:03d}" for i in range(1, 10)),
    ]


def test_a_name_with_trailing_whitespace_is_no_exact_name_but_has_its_prefix(backend):
    name = unique_name("WS")
    backend.create_asset(AssetDraft(name=name + " ", catalog=SPARE_PARTS))
    assert found(backend, names=[name, name + "x"]) == []
    assert found(backend, names=[name + " "]) == [name + " "]
    assert found(backend, name_prefixes=[name, unique_name("WS")]) == [name + " "]


def test_search_pages_through_results_in_id_order(backend):
    query = AssetQuery(name_prefix="PAGE-")
    first, third = backend.search_assets(query, 1, 40), backend.search_assets(query, 3, 40)
    assert (first.total, first.pages, len(first.items)) == (PAGE_COUNT, 3, 40)
    assert names(first.items)[:2] == ["PAGE-001", "PAGE-002"]
    assert names(third.items) == [f"PAGE-{i:03d}" for i in range(81, PAGE_COUNT + 1)]
    assert backend.search_assets(query, 4, 40).items == ()


def test_per_page_is_capped_at_100(backend):
    page = backend.search_assets(AssetQuery(name_prefix="PAGE-"), per_page=500)
    assert (page.per_page, len(page.items), page.pages) == (100, 100, 2)


def test_iter_assets_reads_every_page(backend):
    ids = [a.id for a in backend.iter_assets(AssetQuery(name_prefix="PAGE-"))]
    assert len(ids) == len(set(ids)) == PAGE_COUNT
    assert ids == sorted(ids)


def test_page_numbers_start_at_one(backend):
    with pytest.raises(InvalidInput):
        backend.search_assets(AssetQuery(), page=0)


# -- users, catalogs, URLs -----------------------------------------------------------------


def test_get_user_by_name_or_email(backend):
    by_name = backend.get_user("zoe.muller")
    assert (by_name.name, by_name.real_name) == ("zoe.muller", "Zoë Müller")
    assert backend.get_user("zoe.muller@students.example.org") == by_name


def test_unknown_user_raises_user_not_found(backend):
    with pytest.raises(UserNotFound, match="nobody.here"):
        backend.get_user("nobody.here@example.org")


def test_list_catalogs_and_their_custom_fields(backend):
    catalogs = {c.name for c in backend.list_catalogs()}
    assert {STUDENT_DEVICES, SPARE_PARTS} <= catalogs
    assert set(backend.catalog_custom_fields(STUDENT_DEVICES)) == set(DEVICE_FIELDS)
    assert list(backend.catalog_custom_fields(SPARE_PARTS)) == ["Bin"]
    with pytest.raises(CatalogNotFound):
        backend.catalog_custom_fields("No Such Catalog")


def test_asset_url_is_the_asset_page(backend):
    url = backend.asset_url(42)
    assert url.startswith("http") and url.endswith("/Asset/Display.html?id=42")


def test_ping_accepts_working_credentials(backend):
    backend.ping()


# -- writing -------------------------------------------------------------------------------


def test_create_asset_with_custom_fields_reads_back(backend):
    name = unique_name("NEW")
    fields = {"Serial Number": "NX-1", "Type": "Chromebook", "Funding Source": "E-Rate"}
    draft = AssetDraft(
        name=name,
        catalog=STUDENT_DEVICES,
        status="allocated",
        owner="li.wei@students.example.org",  # an e-mail address resolves to the user
        custom_fields={**fields, "Model": ""},  # an empty value is no value
    )
    created = backend.create_asset(draft)
    assert (created.name, created.status, created.owner) == (name, "allocated", "li.wei")
    assert created.custom_fields == fields
    assert created.version
    assert backend.get_asset(created.id) == created
    assert found(backend, name=name) == [name]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"custom_fields": {"Bin": "A1"}}, InvalidInput, "'Bin' is not applied to catalog"),
        ({"catalog": "No Such Catalog"}, CatalogNotFound, "No Such Catalog"),
        ({"owner": "nobody.here"}, InvalidInput, "owner 'nobody.here'"),
        ({"status": "lost"}, BackendRejected, "lost"),
    ],
    ids=["custom-field-of-another-catalog", "unknown-catalog", "unknown-owner", "bad-status"],
)
def test_refused_create_names_the_problem_and_creates_nothing(backend, change, error, message):
    name = unique_name("BAD")
    draft = AssetDraft(**{"name": name, "catalog": STUDENT_DEVICES, **change})
    with pytest.raises(error, match=message):
        backend.create_asset(draft)
    assert found(backend, name=name) == []


def _fresh_asset(backend, **fields):
    draft = AssetDraft(
        name=unique_name("UPD"),
        catalog=STUDENT_DEVICES,
        owner="li.wei",
        custom_fields={"Serial Number": "U-1", "Type": "Chromebook", **fields},
    )
    return backend.create_asset(draft)


def test_update_applies_every_kind_of_change(backend):
    asset = _fresh_asset(backend)
    new_name = unique_name("UPD")
    changes = AssetChanges(
        name=new_name,
        status="in-use",
        owner="",  # no owner
        held_by=("amara.okafor", "zoe.muller"),
        custom_fields={"Model": "Chromebook 3100", "Type": ""},  # '' removes the value
    )
    updated = backend.update_asset(asset.id, changes, if_version=asset.version)
    assert (updated.name, updated.status, updated.owner) == (new_name, "in-use", None)
    assert set(updated.held_by) == {"amara.okafor", "zoe.muller"}
    assert updated.custom_fields == {"Serial Number": "U-1", "Model": "Chromebook 3100"}
    assert updated.version and updated.version != asset.version
    assert backend.get_asset(asset.id) == updated
    assert found(backend, name=new_name, custom_fields={"Type": ""}) == [new_name]


def test_update_with_a_stale_version_raises_asset_changed_and_writes_nothing(backend):
    asset = _fresh_asset(backend)
    moved = backend.update_asset(asset.id, AssetChanges(name=unique_name("UPD")))
    with pytest.raises(AssetChanged):
        backend.update_asset(asset.id, AssetChanges(name="never"), if_version=asset.version)
    assert backend.get_asset(asset.id).name == moved.name
    again = backend.update_asset(asset.id, AssetChanges(status="allocated"), moved.version)
    assert again.status == "allocated"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        (AssetChanges(status="lost", name="never"), BackendRejected, "status"),
        (AssetChanges(custom_fields={"Bin": "B2"}, name="never"), InvalidInput, "'Bin'"),
        (AssetChanges(held_by=("nobody.here",), name="never"), InvalidInput, "nobody.here"),
    ],
    ids=["bad-status", "custom-field-of-another-catalog", "unknown-holder"],
)
def test_refused_update_names_the_problem_and_writes_nothing(backend, changes, error, message):
    asset = _fresh_asset(backend)
    with pytest.raises(error, match=message):
        backend.update_asset(asset.id, changes)
    assert backend.get_asset(asset.id) == asset


def test_update_of_a_missing_asset_raises_asset_not_found(backend):
    with pytest.raises(AssetNotFound):
        backend.update_asset(MISSING_ID, AssetChanges(name="never"))


def test_create_ticket_about_an_asset(seeded):
    draft = TicketDraft(
        queue="General",
        subject="Cracked screen",
        asset_id=seeded.id("SEED-00002"),
        requestor="amara.okafor@students.example.org",
        content="Dropped in the hallway.",
    )
    assert seeded.backend.create_ticket(draft) > 0
    with pytest.raises(AssetNotFound):
        seeded.backend.create_ticket(TicketDraft("General", "x", asset_id=MISSING_ID))


def test_deleted_assets_are_left_out_of_searches_but_can_be_read(backend):
    # RT's asset collections drop status 'deleted' from every search, even one that asks
    # for that status; a single read still returns the asset.
    asset = _fresh_asset(backend)
    backend.update_asset(asset.id, AssetChanges(status="deleted"))
    assert found(backend, name=asset.name) == []
    assert found(backend, name=asset.name, status="deleted") == []
    assert found(backend, ids=(asset.id,)) == []
    assert backend.get_asset(asset.id).status == "deleted"


# -- creating devices with every custom field (intake) ------------------------------------


def test_create_with_every_device_field_reads_back_equal(backend):
    name = unique_name("NEWDEV")
    fields = {
        "Serial Number": name + "-SN",
        "Manufacturer": "Lenovo",
        "Model": "Something new",  # a Combobox takes text outside its list
        "Type": "Chromebook",
        "Funding Source": "General Fund",
        "Internal Name": "Swift Otter " + name,
    }
    created = backend.create_asset(AssetDraft(name, STUDENT_DEVICES, custom_fields=fields))
    assert created.custom_fields == fields
    assert backend.get_asset(created.id).custom_fields == fields
    (again,) = backend.iter_assets(AssetQuery(custom_fields={"Serial Number": name + "-SN"}))
    assert again == created


def test_a_value_outside_a_select_field_is_refused_on_create(backend):
    name = unique_name("BADSEL")
    draft = AssetDraft(name, STUDENT_DEVICES, custom_fields={"Manufacturer": "Apple"})
    with pytest.raises(BackendRejected, match="Invalid value for custom field"):
        backend.create_asset(draft)
    assert found(backend, name=name) == []
