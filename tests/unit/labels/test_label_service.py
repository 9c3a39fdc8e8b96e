"""LabelService over the in-memory backend: templates by type, tags, batches resolved in bulk."""

from __future__ import annotations

import io

import pytest
from tests.label_fakes import FakeLabelMetrics, RecordingRenderer

from rtutils_adapters.memory import MemoryBackend, load_demo_backend
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.errors import (
    BatchMissing,
    BatchRefused,
    BatchTooLarge,
    ConfigError,
    InvalidInput,
    LayoutError,
    UntrustworthyResult,
)
from rtutils_core.labels import load_templates
from rtutils_core.labels.batches import BatchPlan, BatchSelection
from rtutils_core.labels.service import LabelService, tag_queries
from rtutils_web.settings import Settings

METRICS = FakeLabelMetrics()


def make_service(backend: MemoryBackend, **env: str) -> tuple[LabelService, RecordingRenderer]:
    settings = Settings.from_env({"RTUTILS_BACKEND": "demo", **env})
    renderer = RecordingRenderer()
    return LabelService.from_options(settings.label_options, backend, renderer, METRICS), renderer


@pytest.fixture
def backend() -> MemoryBackend:
    return load_demo_backend("https://rt.example.org")


@pytest.fixture
def service(backend) -> LabelService:
    return make_service(backend, ORGANISATION="Westbrook USD")[0]


def by_name(backend: MemoryBackend, name: str):
    (asset,) = backend.search_assets(AssetQuery(name=name)).items
    return asset


def test_chargers_and_power_adapters_get_the_small_label_others_the_large(service, backend):
    assert service.layout(by_name(backend, "W12-00013")).template == "small"  # Charger
    assert service.layout(by_name(backend, "W12-00015")).template == "small"  # Power Adapter
    assert service.layout(by_name(backend, "W12-00001")).template == "large"  # Chromebook


def test_the_template_can_be_chosen_per_request(service, backend):
    assert service.layout(by_name(backend, "W12-00013"), "large").template == "large"


def test_an_unknown_template_is_refused_listing_the_known_ones(service, backend):
    with pytest.raises(
        InvalidInput, match="unknown label template 'huge'; known templates: large, small"
    ):
        service.render_pdf(by_name(backend, "W12-00001"), "huge")
    assert service.template_names() == ("large", "small")


def test_type_matching_ignores_case(backend):
    service, _ = make_service(backend, TEMPLATE_BY_TYPE="chromebook=small")
    assert service.layout(by_name(backend, "W12-00001")).template == "small"


def test_template_by_type_naming_a_missing_template_stops_start_up(backend):
    with pytest.raises(
        LayoutError, match="TEMPLATE_BY_TYPE maps 'Charger' to unknown template 'tiny'"
    ):
        make_service(backend, TEMPLATE_BY_TYPE="Charger=tiny")


def test_the_label_shows_the_asset_fields_and_the_configured_organisation(service, backend):
    texts = service.layout(by_name(backend, "W12-00001")).texts()
    assert texts == {
        "tag": "W12-00001",
        "internal_name": "CB-ART-01",
        "model": "Lenovo 100e Chromebook Gen 3",
        "serial": "S/N NXH0007919ZA",
        "funding": "Funding: General Fund",
        "organisation": "Westbrook USD",
    }


def test_without_an_organisation_there_is_no_organisation_line(backend):
    service, _ = make_service(backend)
    assert "organisation" not in service.layout(by_name(backend, "W12-00001")).texts()


def test_the_qr_code_opens_the_rt_page_by_default(service, backend):
    asset = by_name(backend, "W12-00001")
    service.render_pdf(asset)
    assert (
        service.qr_data(asset, "W12-00001")
        == f"https://rt.example.org/Asset/Display.html?id={asset.id}"
    )


def test_the_qr_code_can_open_the_short_service_link(backend):
    service, renderer = make_service(
        backend, QR_TARGET="service", PUBLIC_URL="https://labels.example.org/"
    )
    service.render_png(by_name(backend, "W12-00001"))
    (qr,) = [e for e in renderer.layouts[0].elements if type(e).__name__ == "QrElement"]
    assert qr.data == "https://labels.example.org/a/W12-00001"


def test_an_asset_without_a_tag_gets_no_label(service, backend):
    asset = by_name(backend, "Library cart A1")
    with pytest.raises(InvalidInput, match=r"asset \d+ has no tag yet .*'Library cart A1'"):
        service.render_pdf(asset)


def test_a_tag_from_an_older_tool_with_other_digits_still_prints(service, backend):
    asset = backend.add_asset(AssetDraft(name="W12-1001", catalog="Student Devices"))
    assert service.layout(asset).texts()["tag"] == "W12-1001"


def test_a_batch_of_tags_is_found_in_the_order_asked_with_few_searches(service, backend):
    tags = [f"W12-{n:05d}" for n in (12, 3, 7, 1, 9, 10, 4, 2, 11, 8, 5, 6)]
    backend.calls.clear()
    plan = service.plan_batch(BatchSelection(tags=tags), limit=100)
    assert [a.name for a in plan.assets] == tags
    assert plan.missing == () and plan.refused == ()
    assert backend.calls.get("search_assets", 0) == 1


def test_tags_not_found_are_named_and_never_replaced(service):
    plan = service.plan_batch(BatchSelection(tags=["W12-00001", "W12-00999", "W12-00002"]), 10)
    assert [a.name for a in plan.assets] == ["W12-00001", "W12-00002"]
    assert plan.missing == ("W12-00999",)


def test_a_tag_typed_into_rt_with_stray_whitespace_prints_its_asset(service, backend):
    backend.rename_directly(by_name(backend, "W12-00002").id, "W12-00002 ")
    for tags in (["W12-00002"], ["W12-00001", "W12-00002"], ["W12-00002", "W12-90000"]):
        plan = service.plan_batch(BatchSelection(tags=tags), 10)
        assert "W12-00002" not in plan.missing
        assert [service.tag_of(a) for a in plan.assets] == [t for t in tags if t != "W12-90000"]


def test_text_that_is_not_a_tag_is_refused_by_name(service):
    with pytest.raises(InvalidInput, match="not tags: 'Library cart A1'"):
        service.plan_batch(BatchSelection(tags=["W12-00001", "Library cart A1"]), 10)


def test_a_tag_carried_twice_is_not_printed(service, backend):
    backend.add_asset(AssetDraft(name="W12-00001", catalog="Student Devices"))
    with pytest.raises(UntrustworthyResult, match="'W12-00001' is carried by more than one asset"):
        service.plan_batch(BatchSelection(tags=["W12-00001"]), 10)


def test_asset_ids_not_found_and_untagged_assets_are_reported(service, backend):
    untagged = by_name(backend, "Library cart A1")
    plan = service.plan_batch(BatchSelection(asset_ids=[1, 999, untagged.id]), 10)
    assert [a.id for a in plan.assets] == [1]
    assert plan.missing == ("asset 999",)
    (refusal,) = plan.refused
    assert refusal.startswith(
        f"asset {untagged.id} (Library cart A1): asset {untagged.id} has no tag yet"
    )


def test_a_batch_of_asset_ids_costs_one_search_per_hundred_ids_and_no_reads(backend):
    service, _ = make_service(backend)
    made = [
        backend.add_asset(AssetDraft(name=f"W12-{n:05d}", catalog="Student Devices")).id
        for n in range(50_001, 50_251)
    ]
    asked = made[::-1][:120] + [990_001] + made[::-1][120:]  # 250 found, 1 missing
    backend.calls.clear()
    plan = service.plan_batch(BatchSelection(asset_ids=asked), limit=1000)
    assert [a.id for a in plan.assets] == [i for i in asked if i != 990_001]
    assert plan.missing == ("asset 990001",)
    assert backend.calls == {"search_assets": 3}  # ceil(251 / 100), no get_asset


def test_an_asset_id_asked_twice_prints_twice_and_is_searched_once(service, backend):
    backend.calls.clear()
    plan = service.plan_batch(BatchSelection(asset_ids=[2, 1, 2]), 10)
    assert [a.id for a in plan.assets] == [2, 1, 2]
    assert backend.calls == {"search_assets": 1}


@pytest.mark.parametrize("bad", [0, -3])
def test_an_asset_id_below_one_is_refused_by_value(service, bad):
    with pytest.raises(InvalidInput, match=f"asset ids are whole numbers of 1 or more, not {bad}"):
        service.plan_batch(BatchSelection(asset_ids=[1, bad]), 10)


def test_a_search_selects_the_batch(service):
    query = AssetQuery(custom_fields={"Type": "Charger"}, name_prefix="W12-")
    plan = service.plan_batch(BatchSelection(query=query), 100)
    assert {a.cf("Type") for a in plan.assets} == {"Charger"}
    assert all(a.name.startswith("W12-") for a in plan.assets)


def test_the_batch_limit_is_enforced_with_one_error_before_any_work(service):
    with pytest.raises(BatchTooLarge, match="3 labels asked for; one batch prints at most 2"):
        service.plan_batch(BatchSelection(tags=["W12-00001", "W12-00002", "W12-00003"]), 2)
    # A search is counted first, so too many matches are refused the same way.
    with pytest.raises(BatchTooLarge, match="26 labels asked for; one batch prints at most 5"):
        service.plan_batch(BatchSelection(query=AssetQuery()), 5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of"),
        ({"tags": ["W12-00001"], "asset_ids": [1]}, "exactly one of"),
        ({"tags": []}, "'tags' is empty"),
        ({"asset_ids": []}, "'asset_ids' is empty"),
    ],
)
def test_a_selection_is_built_from_exactly_one_non_empty_selector(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        BatchSelection.of(**kwargs)


def test_a_strict_plan_names_what_it_would_leave_out():
    plan = BatchPlan([], missing=["W12-09999"], refused=["asset 16 (cart): no tag"])
    with pytest.raises(BatchMissing) as missing:
        plan.require_complete(allow_missing=False)
    assert missing.value.details() == {
        "missing": ["W12-09999"],
        "refused": ["asset 16 (cart): no tag"],
    }
    with pytest.raises(BatchRefused):
        BatchPlan([], refused=["asset 16 (cart): no tag"]).require_complete(allow_missing=True)


@pytest.mark.parametrize(
    "selection",
    [BatchSelection(), BatchSelection(tags=["W12-00001"], asset_ids=[1])],
    ids=["none", "two"],
)
def test_a_batch_needs_exactly_one_kind_of_selection(service, selection):
    with pytest.raises(InvalidInput, match="exactly one of"):
        service.plan_batch(selection, 10)


def test_a_batch_renders_one_page_per_asset_and_reports_problems(service, backend):
    odd = backend.add_asset(
        AssetDraft(
            name="W12-00500",
            catalog="Student Devices",
            custom_fields={"Internal Name": "\U00013000"},
        )
    )
    plan = service.plan_batch(BatchSelection(tags=["W12-00001", "W12-00013", "W12-00500"]), 10)
    heard = []
    out = io.BytesIO()
    count = service.render_batch(plan, out, on_problems=lambda a, p: heard.append((a.id, p)))
    assert count == 3
    assert out.getvalue().decode().splitlines() == [
        "page large W12-00001",
        "page small W12-00013",
        "page large W12-00500",
    ]
    assert [asset_id for asset_id, _ in heard] == [odd.id]


def test_a_batch_template_override_applies_to_every_page(service):
    plan = service.plan_batch(BatchSelection(tags=["W12-00001", "W12-00013"]), 10, "small")
    out = io.BytesIO()
    service.render_batch(plan, out, "small")
    assert out.getvalue().decode().count("page small") == 2


def test_a_service_without_a_renderer_says_so(backend):
    service = LabelService(backend, metrics=METRICS, templates=load_templates(METRICS))
    with pytest.raises(ConfigError, match="no label renderer"):
        service.render_pdf(by_name(backend, "W12-00001"))


def add_tagged(backend: MemoryBackend, numbers: range) -> None:
    for n in numbers:
        backend.add_asset(AssetDraft(name=f"W12-{n:05d}", catalog="Student Devices"))


def searches(backend: MemoryBackend, plan_tags: list[str]) -> list[AssetQuery]:
    """The queries one batch by ``plan_tags`` sends, in order."""
    sent: list[AssetQuery] = []
    search = backend.search_assets

    def recording(query: AssetQuery, page: int = 1, per_page: int = 100):
        sent.append(query)
        return search(query, page, per_page)

    backend.search_assets = recording  # type: ignore[method-assign]
    service, _ = make_service(backend)
    service.plan_batch(BatchSelection(tags=plan_tags), limit=1000)
    return sent


def test_a_hundred_tags_among_many_cost_one_search_by_their_exact_names(backend):
    add_tagged(backend, range(1000, 1200))
    asked = [f"W12-{n:05d}" for n in range(1150, 1050, -1)]
    assert searches(backend, asked) == [AssetQuery(names=sorted(asked))]


def test_only_the_tags_missing_by_name_get_a_second_search_by_prefix(backend):
    add_tagged(backend, range(1000, 1200))
    backend.rename_directly(by_name(backend, "W12-01007").id, "W12-01007 ")
    asked = ["W12-01009", "W12-01007", "W12-09999", "W12-01008"]
    assert searches(backend, asked) == [
        AssetQuery(names=sorted(asked)),
        AssetQuery(name_prefixes=["W12-01007", "W12-09999"]),
    ]


def test_many_tags_are_searched_a_hundred_at_a_time(backend):
    add_tagged(backend, range(1000, 1250))
    asked = [f"W12-{n:05d}" for n in range(1000, 1250)]
    sent = searches(backend, asked)
    assert [len(q.names or ()) for q in sent] == [100, 100, 50]


def test_tag_queries_leave_out_tags_found_already():
    tags = ["W12-00001", "W12-00002", "W12-00003"]
    assert tag_queries(tags, {"W12-00002"}, prefixes=True) == [
        AssetQuery(name_prefixes=["W12-00001", "W12-00003"])
    ]
    assert tag_queries(tags, set(tags)) == []


class IgnoresNames(MemoryBackend):
    """A backend that drops the Names condition, as RT's JSON search drops unknown fields."""

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100):
        return super().search_assets(AssetQuery(name_prefix="W12-"), page, per_page)


def test_an_answer_with_names_not_asked_for_is_not_trusted():
    backend = IgnoresNames()
    backend.add_catalog("Student Devices")
    add_tagged(backend, range(1, 4))
    service, _ = make_service(backend)
    with pytest.raises(UntrustworthyResult, match="asset 2, whose Name was not asked for") as error:
        service.plan_batch(BatchSelection(tags=["W12-00001"]), 10)
    assert "W12-00002" not in error.value.message  # another asset's name is not echoed
