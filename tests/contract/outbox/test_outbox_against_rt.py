"""The desk against the real RT 5 while RT goes away (tests/rt_outage.py refuses and resets
its connections) and comes back: mixed desk writes are all accepted, the replay makes in RT
what the same writes made live on twin devices, each once, and a conflict made in RT
meanwhile is set aside instead of forced."""

from __future__ import annotations

import pytest
from tests.contract.outbox.outage_world import SCRIPT, Held, held, load_devices, settings
from tests.web.conftest import bearer

from rtutils_core.errors import BackendUnreachable
from rtutils_core.loans import LoanFilter
from rtutils_web.app import create_app

pytestmark = [pytest.mark.rt, pytest.mark.slow]


def write(client, kind: str, asset_id: int, body: dict):
    return client.post(f"/api/v1/assets/{asset_id}/{kind}", json=body, headers=bearer("operator"))


@pytest.fixture
def desk(rt_server, rt_outage, tmp_path):
    """The service (API client and container) talking to RT through the outage proxy."""
    app = create_app(settings(tmp_path / "state", rt_outage.url, rt_server.token.reveal()))
    container = app.extensions["rtutils"]
    container.jobs.job_service()
    return app.test_client(), container


def replay(container) -> dict:
    job = container.jobs.job_service().run_here("outbox-replay", worker="test")
    assert job.state == "succeeded", job.error
    return job.result


def test_the_proxy_refuses_and_resets_then_forwards_again(rt_server, rt_outage):
    from rtutils_adapters.rt import RTRestBackend

    backend = RTRestBackend(rt_outage.url, rt_server.token, read_timeout=60, backoff=0.01)
    backend.ping()
    rt_outage.down()
    with pytest.raises(BackendUnreachable, match="could not be reached"):
        backend.ping()
    rt_outage.up()
    backend.ping()


def test_writes_accepted_while_rt_is_away_make_in_rt_what_live_writes_made(
    rt_server, rt_backend, rt_outage, desk
):
    client, container = desk
    live, held_back = load_devices(rt_server), load_devices(rt_server)
    for kind, slot, body in SCRIPT:
        done = write(client, kind, live[slot], body)
        assert done.status_code == 200, (kind, slot, done.get_json())

    rt_outage.down()
    for kind, slot, body in SCRIPT:
        queued = write(client, kind, held_back[slot], body)
        assert queued.status_code == 202, (kind, slot, queued.get_json())
    outbox = client.get("/api/v1/outbox", headers=bearer("operator")).get_json()
    assert (outbox["rt"], outbox["waiting"]) == ("unreachable", len(SCRIPT))
    assert client.get("/healthz").get_json()["outbox"]["waiting"] == len(SCRIPT)
    assert replay(container)["rt_unreachable"] is True  # the job finds RT still away

    rt_outage.up()
    assert replay(container) == {
        "applied": len(SCRIPT), "set_aside": 0, "rt_unreachable": False
    }  # fmt: skip
    after = client.get("/api/v1/outbox?state=done", headers=bearer("operator")).get_json()
    assert len(after["operations"]) == len(SCRIPT) and after["waiting"] == 0
    for slot, (mine, twin) in enumerate(zip(held_back, live, strict=True)):
        assert held(rt_server, rt_backend, mine) == held(rt_server, rt_backend, twin), slot
    loans = container.loans.loan_service()

    def history(asset_id: int) -> list[tuple]:
        events = loans.events(LoanFilter(asset_id=asset_id))
        return [(e.action, e.person, e.damages, e.note, e.ticket_id is not None) for e in events]

    for mine, twin in zip(held_back, live, strict=True):
        assert history(mine) == history(twin)


def test_a_device_handed_to_someone_else_in_rt_meanwhile_needs_attention(
    rt_server, rt_backend, rt_outage, desk
):
    client, container = desk
    free, lent = load_devices(rt_server, (None, "amara.okafor"))
    seen = client.get("/api/v1/people/amara.okafor", headers=bearer("operator")).get_json()
    assert lent in [a["id"] for a in seen["assets"]]  # the desk knows who has it
    rt_outage.down()
    out = write(client, "check-out", free, {"person": "li.wei"})
    back = write(client, "check-in", lent, {"note": "scratched"})
    assert (out.status_code, back.status_code) == (202, 202)
    # Meanwhile, in RT itself (not through the proxy), both devices go to someone else.
    zoe = rt_backend.get_user("zoe.muller")
    for asset_id in (free, lent):
        version = rt_backend.get_asset(asset_id).version
        rt_backend.write_loan(asset_id, "Owner", zoe, "in-use", if_version=version)
    rt_outage.up()
    assert replay(container) == {"applied": 0, "set_aside": 2, "rt_unreachable": False}
    for answer in (out, back):
        operation = answer.get_json()["operation_id"]
        found = client.get(f"/api/v1/outbox/{operation}", headers=bearer("operator")).get_json()
        assert found["state"] == "needs-attention" and "zoe.muller" in found["reason"]
    for asset_id in (free, lent):  # nothing was forced on them
        assert held(rt_server, rt_backend, asset_id) == Held("zoe.muller", "in-use", ())
        assert not container.loans.loan_service().events(LoanFilter(asset_id=asset_id))
