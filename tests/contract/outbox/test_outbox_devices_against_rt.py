"""New devices and tags against the real RT 5 while it refuses connections (tests/rt_outage.py):
an intake create and a tag issue are accepted at once with their tags reserved, and the
replay makes the asset once, with its fields, and writes the tag, when RT is back."""

from __future__ import annotations

import uuid

import pytest
from tests.contract.outbox.outage_world import load_devices, settings
from tests.intake_world import formats_for
from tests.rt_harness import STUDENT_DEVICES, unique_name
from tests.web.conftest import bearer

from rtutils_core.assets import AssetQuery
from rtutils_web.app import create_app

pytestmark = [pytest.mark.rt, pytest.mark.slow]


@pytest.fixture
def desk(rt_server, rt_outage, tmp_path):
    """The service through the outage proxy, with a tag prefix no other test hands out."""
    fmt = formats_for(tmp_path).default
    found = settings(
        tmp_path / "state",
        rt_outage.url,
        rt_server.token.reveal(),
        PREFIX=fmt.prefix,
        TAG_DIGITS=str(fmt.digits),
    )
    app = create_app(found)
    container = app.extensions["rtutils"]
    container.jobs.job_service()
    return app.test_client(), container, fmt.prefix


def replay(container) -> dict:
    job = container.jobs.job_service().run_here("outbox-replay", worker="test")
    assert job.state == "succeeded", job.error
    return job.result


def test_an_intake_create_and_a_tag_issue_while_rt_refuses_are_replayed_once(
    rt_server, rt_backend, rt_outage, desk
):
    client, container, prefix = desk
    [untagged] = load_devices(rt_server, (None,))
    serial = unique_name("SN").upper()
    device = {
        "catalog": STUDENT_DEVICES,
        "serial": serial,
        "manufacturer": "hp",
        "model": "Chromebook 11 G9",
        "type": "Chromebook",
        "funding_source": "Title I",
    }
    key = str(uuid.uuid4())

    rt_outage.down()
    headers = {**bearer("operator"), "Idempotency-Key": key}
    received = client.post("/api/v1/assets", json=device, headers=headers)
    assert received.status_code == 202, received.get_json()
    new = received.get_json()
    assert new["action"] == "intake-create" and new["tag"].startswith(prefix)
    assert new["label_now"] is False and "when the asset exists in RT" in new["label"]
    again = client.post("/api/v1/assets", json=device, headers=headers).get_json()
    assert again["repeated"] and again["operation_id"] == new["operation_id"]
    issued = client.post(f"/api/v1/assets/{untagged}/tag", json={}, headers=bearer("operator"))
    assert issued.status_code == 202, issued.get_json()
    tag = issued.get_json()["tag"]
    assert tag.startswith(prefix) and tag != new["tag"]
    assert replay(container)["rt_unreachable"] is True  # the job finds RT still away
    assert list(rt_backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial}))) == []

    rt_outage.up()
    assert replay(container) == {"applied": 2, "set_aside": 0, "rt_unreachable": False}
    assert replay(container)["applied"] == 0  # nothing twice
    [asset] = rt_backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial}))
    assert (asset.name, asset.catalog) == (new["tag"], STUDENT_DEVICES)
    assert asset.custom_fields["Manufacturer"] == "HP"  # as RT spells the choice
    assert asset.custom_fields["Model"] == "Chromebook 11 G9"
    assert asset.custom_fields["Funding Source"] == "Title I"
    assert asset.custom_fields["Internal Name"] == new["internal_name"]
    assert rt_backend.get_asset(untagged).name == tag
    done = client.get(f"/api/v1/outbox/{new['operation_id']}", headers=bearer("operator"))
    assert done.get_json()["result"]["asset_id"] == asset.id
    assert len(list(rt_backend.iter_assets(AssetQuery(name_prefix=new["tag"])))) == 1
