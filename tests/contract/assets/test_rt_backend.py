"""What only the real RT adapter must show: secrecy of the token, rights, bulk reads,
metadata caching, threads, and its wiring through the settings and the container."""

from __future__ import annotations

import logging
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.conftest import ROOT
from tests.contract.conftest import PAGE_COUNT
from tests.label_fakes import FakeLabelMetrics
from tests.rt_harness import SPARE_PARTS, STUDENT_DEVICES, perl_string, unique_name
from tests.web.conftest import SECRET_KEY

from rtutils_adapters.rt import RTRestBackend, meter
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.assets.service import AssetService
from rtutils_core.errors import (
    AssetNotFound,
    BackendAuthFailed,
    InvalidInput,
    RtutilsError,
)
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.layout import content_for_asset
from rtutils_core.labels.service import LabelService
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_web.settings import Secret, Settings

pytestmark = pytest.mark.rt


def fresh_backend(rt_server, **options) -> RTRestBackend:
    return RTRestBackend(rt_server.url, rt_server.token, read_timeout=60, **options)


@pytest.mark.slow
def test_token_never_reaches_logs_errors_or_reprs(rt_server, rt_seed_ids, caplog, capsys):
    token = rt_server.token.reveal()
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's and the adapter's included
    backend = fresh_backend(rt_server)
    shown = [repr(backend), repr(backend.client), repr(vars(backend.client))]
    backend.ping()
    backend.get_asset(rt_seed_ids["SEED-00001"])
    list(backend.iter_assets(AssetQuery(catalog=STUDENT_DEVICES, name_prefix="SEED-")))
    created = backend.create_asset(AssetDraft(name=unique_name("LOG"), catalog=SPARE_PARTS))
    backend.update_asset(created.id, AssetChanges(status="in-use"), created.version)
    for failing in (
        lambda: backend.get_asset(9_999_999),
        lambda: backend.search_assets(AssetQuery(custom_fields={"Nope": "x"})),
        lambda: backend.update_asset(created.id, AssetChanges(name="x"), '"1"'),
        lambda: RTRestBackend(rt_server.url, Secret(token + "0")).ping(),
    ):
        with pytest.raises(RtutilsError) as caught:
            failing()
        shown += [str(caught.value), repr(caught.value), repr(caught.value.__cause__)]
    loggers = {r.name.split(".")[0] for r in caplog.records}
    assert {"urllib3", "rtutils"} <= loggers, f"DEBUG lines were not all heard: {loggers}"
    out = capsys.readouterr()
    records = [repr(vars(r)) for r in caplog.records]  # every field, not just the message
    everything = "\n".join([caplog.text, out.out, out.err, *records, *shown])
    assert token not in everything
    assert token.split("-")[-1] not in everything


def test_bad_token_fails_the_connection_check(rt_server):
    backend = RTRestBackend(rt_server.url, Secret("1-2-" + "0000000000000000" + "0000000000000000"))
    with pytest.raises(BackendAuthFailed, match="RT_TOKEN"):
        backend.ping()


def test_user_without_rights_is_refused_not_shown_nothing(rt_server, rt_seed_ids):
    backend = RTRestBackend(rt_server.url, rt_server.tokens["noright"])
    backend.ping()  # the token itself is good
    with pytest.raises(BackendAuthFailed, match="403"):
        backend.get_asset(rt_seed_ids["SEED-00001"])


def test_bulk_read_costs_one_request_per_hundred_assets(rt_server, rt_seed_ids):
    backend = fresh_backend(rt_server)  # cold metadata cache: its reads count too
    assets = list(backend.iter_assets(AssetQuery(catalog=STUDENT_DEVICES, name_prefix="PAGE-")))
    assert len(assets) == PAGE_COUNT
    assert all(a.cf("Serial Number") and a.cf("Type") for a in assets), "label data inlined"
    assert backend.requests_sent <= math.ceil(PAGE_COUNT / 100) + 2


def test_label_batch_by_ids_costs_one_request_per_hundred_ids(rt_server, rt_seed_ids):
    backend = fresh_backend(rt_server)  # cold metadata cache: its reads count too
    service = LabelService(
        backend, metrics=FakeLabelMetrics(), tag_formats=TagFormats(TagFormat("PAGE-", 3))
    )
    ids = [rt_seed_ids[f"PAGE-{i:03d}"] for i in range(PAGE_COUNT, 0, -1)] + [9_999_999]
    plan = service.plan_batch(BatchSelection(asset_ids=ids), limit=1000)
    assert [a.id for a in plan.assets] == ids[:-1], "in the order asked"
    assert plan.missing == ("asset 9999999",)
    assert backend.requests_sent <= math.ceil(len(ids) / 100) + 2


def test_label_batch_of_a_hundred_tags_costs_exactly_one_request(rt_server, rt_seed_ids):
    backend = fresh_backend(rt_server)  # cold metadata cache: a search by Names needs none
    service = LabelService(
        backend, metrics=FakeLabelMetrics(), tag_formats=TagFormats(TagFormat("PAGE-", 3))
    )
    tags = [f"PAGE-{i:03d}" for i in range(100, 0, -1)]
    plan = service.plan_batch(BatchSelection(tags=tags), limit=100)
    assert [a.name for a in plan.assets] == tags and plan.missing == ()
    assert backend.requests_sent == 1


def test_label_batch_carries_every_label_field_and_asks_rt_for_no_people(
    rt_server, rt_seed_ids, monkeypatch
):
    backend = fresh_backend(rt_server)
    asked: list[dict] = []
    get = backend.client.get

    def recording_get(path, params=None, **options):
        asked.append(dict(params or {}))
        return get(path, params, **options)

    monkeypatch.setattr(backend.client, "get", recording_get)
    service = LabelService(
        backend, metrics=FakeLabelMetrics(), tag_formats=TagFormats(TagFormat("SEED-", 5))
    )
    tags = ["SEED-00001", "SEED-00002", "SEED-00003"]
    plan = service.plan_batch(BatchSelection(tags=tags), limit=100)
    assert [a.name for a in plan.assets] == tags
    (search,) = asked  # one search, for the three tags' exact Names
    assert set(search["fields"].split(",")).isdisjoint({"Owner", "HeldBy", "Contact"})
    first = content_for_asset(plan.assets[0], "SEED-00001", "qr", "Org")
    assert first.fields == {
        "tag": "SEED-00001",
        "internal_name": "CB-ART-01",
        "model": "HP Chromebook 11 G9",
        "serial": "5CD0001",
        "funding": "Title I",
        "organisation": "Org",
    }
    for planned in plan.assets:  # what a label prints is what a full read of the asset says
        whole = backend.get_asset(planned.id)
        assert planned.custom_fields == whole.custom_fields
        assert (planned.id, planned.name, planned.catalog) == (whole.id, whole.name, whole.catalog)
        assert service.template_for(planned) == service.template_for(whole)


def test_tags_missing_by_name_cost_exactly_one_more_request(rt_server, rt_seed_ids):
    backend = fresh_backend(rt_server)
    prefix = unique_name("WS").upper() + "-"
    backend.create_asset(AssetDraft(name=f"{prefix}001 ", catalog=SPARE_PARTS))
    backend.create_asset(AssetDraft(name=f"{prefix}002", catalog=SPARE_PARTS))
    service = LabelService(
        backend, metrics=FakeLabelMetrics(), tag_formats=TagFormats(TagFormat(prefix, 3))
    )
    before = backend.requests_sent
    tags = [f"{prefix}002", f"{prefix}001", f"{prefix}003"]
    plan = service.plan_batch(BatchSelection(tags=tags), limit=100)
    assert [a.name.strip() for a in plan.assets] == tags[:2]
    assert plan.missing == (f"{prefix}003",)
    assert backend.requests_sent - before == 2


def test_look_up_by_tag_costs_exactly_one_request(rt_server, rt_seed_ids):
    backend = fresh_backend(rt_server)
    service = AssetService(backend, TagFormats(TagFormat("PAGE-", 3)))
    assert service.by_tag("PAGE-042").id == rt_seed_ids["PAGE-042"]
    assert backend.requests_sent == 1


def test_the_meter_counts_every_rt_request_of_an_operation_and_its_time(rt_server, rt_seed_ids):
    backend = fresh_backend(rt_server)
    backend.ping()  # outside any meter: counted by the backend only
    with meter.metered() as usage:
        backend.get_asset(rt_seed_ids["PAGE-001"])
        assets = list(backend.iter_assets(AssetQuery(catalog=STUDENT_DEVICES, names="PAGE-002")))
        with pytest.raises(AssetNotFound):
            backend.get_asset(9_999_999)
    assert len(assets) == 1
    # ping, then get, the catalog list (cold), one search page and the refused get
    assert (backend.requests_sent, usage.requests) == (5, 4)
    assert 0 < usage.seconds < 60


@pytest.mark.slow
def test_metadata_is_cached_refreshed_and_reread_for_unknown_names(rt_server, rt_seed_ids):
    # A catalog of this test's own: the field it adds must not show in the shared catalogs
    # that other suites describe.
    catalog, field = unique_name("Shelves"), unique_name("Shelf")
    rt_server.insert_initialdata(
        f"@Catalogs = ({{ Name => {perl_string(catalog)}, Lifecycle => 'assets' }});\n"
        f"@CustomFields = ({{ Name => 'Bin', Type => 'FreeformSingle',"
        f" LookupType => 'RT::Catalog-RT::Asset', ApplyTo => [{perl_string(catalog)}] }});\n1;\n"
    )
    cached = fresh_backend(rt_server, cache_seconds=3600)
    assert list(cached.catalog_custom_fields(catalog)) == ["Bin"]
    before = cached.requests_sent
    cached.catalog_custom_fields(catalog)
    cached.list_catalogs()
    assert cached.requests_sent == before, "answered from the cache"

    rt_server.insert_initialdata(
        f"@CustomFields = ({{ Name => {perl_string(field)}, Type => 'FreeformSingle',"
        f" LookupType => 'RT::Catalog-RT::Asset', ApplyTo => [{perl_string(catalog)}] }});\n1;\n"
    )
    assert field not in cached.catalog_custom_fields(catalog)  # still the cached list
    # A name not in the cache is looked up afresh before it is refused.
    found = cached.search_assets(AssetQuery(catalog=catalog, custom_fields={field: "x"}))
    assert found.items == ()
    cached.refresh_metadata()
    assert field in cached.catalog_custom_fields(catalog)


def test_text_rt_would_read_as_a_field_reference_is_refused(rt_backend):
    with pytest.raises(InvalidInput, match="CF."):
        rt_backend.search_assets(AssetQuery(name="CF.{Serial Number}"))


def test_one_backend_serves_many_threads(rt_backend, rt_seed_ids):
    names = [f"PAGE-{i:03d}" for i in range(1, 9)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assets = list(pool.map(lambda n: rt_backend.get_asset(rt_seed_ids[n]), names))
    assert [a.name for a in assets] == names


def _settings_env(rt_server, token: str) -> dict[str, str]:
    return {
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": token,
        "SECRET_KEY": SECRET_KEY,
        "RT_READ_TIMEOUT": "60",
        "WORKING_DIR": str(rt_server.folder / "state"),
    }


def test_container_builds_the_rt_backend_from_settings(rt_server, rt_seed_ids):
    from rtutils_web.container import build_container

    settings = Settings.from_env(_settings_env(rt_server, rt_server.token.reveal()))
    container = build_container(settings)
    assert isinstance(container.backend(), RTRestBackend)
    assert container.asset_service().get(rt_seed_ids["SEED-00003"]).name == "SEED-00003"
    with pytest.raises(AssetNotFound):
        container.asset_service().get(9_999_999)


@pytest.mark.slow
@pytest.mark.parametrize(("good", "code"), [(True, 0), (False, 2)], ids=["good", "bad"])
def test_check_config_against_real_rt(rt_server, good, code):
    token = rt_server.token.reveal() if good else "1-2-" + "0000000000000000" + "0000000000000000"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RT", "PORT", "HOST"))}
    env.update(_settings_env(rt_server, token), PYTHONPATH=str(ROOT / "src"), LOG_LEVEL="DEBUG")
    out = subprocess.run(
        [sys.executable, "-m", "rtutils_web.cli", "check-config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == code, out.stderr
    assert token not in out.stdout + out.stderr
    if not good:
        assert "RT_TOKEN" in out.stderr
