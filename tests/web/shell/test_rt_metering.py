"""RT's share of each request in the request log line, and RT metadata read at start-up."""

from __future__ import annotations

import pytest
from tests.conftest import free_port
from tests.rt_harness import STUDENT_DEVICES, unique_name
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, bearer

from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets import AssetDraft
from rtutils_web.app import create_app
from rtutils_web.settings import Settings


def rt_settings(tmp_path, rt_url: str, token: str, prefix: str = "W12-") -> Settings:
    return Settings.from_env(
        {
            "RTUTILS_BACKEND": "rt",
            "RT_URL": rt_url,
            "RT_TOKEN": token,
            "RT_READ_TIMEOUT": "60",
            "SECRET_KEY": SECRET_KEY,
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "WORKING_DIR": str(tmp_path / "state"),
            "PREFIX": prefix,
            "TAG_DIGITS": "3",
        }
    )


@pytest.fixture(scope="module")
def prefix(rt_server) -> str:
    """A tag prefix of this module's own, carried by three Chromebooks in RT."""
    prefix = unique_name("MT").upper() + "-"
    backend = RTRestBackend(rt_server.url, rt_server.token, read_timeout=60)
    for n in (1, 2, 3):
        fields = {"Type": "Chromebook", "Serial Number": f"MT{n}", "Model": "100e"}
        backend.create_asset(
            AssetDraft(name=f"{prefix}{n:03d}", catalog=STUDENT_DEVICES, custom_fields=fields)
        )
    backend.close()
    return prefix


@pytest.fixture
def rt_client(log_lines, rt_server, prefix, tmp_path):
    settings = rt_settings(tmp_path, rt_server.url, rt_server.token.reveal(), prefix)
    app = create_app(settings)
    warm_up = app.extensions["rtutils"].base.metadata_warm_up()
    warm_up.join(timeout=120)
    assert not warm_up.is_alive()
    return app.test_client()


@pytest.mark.rt
def test_metadata_is_read_at_start_so_the_first_search_costs_one_request(
    log_lines, rt_client, prefix
):
    (warmed,) = log_lines("rt_metadata_warmed")
    assert warmed["catalogs"] >= 2 and warmed["level"] == "info"
    # A search by catalog and custom field needs both, and finds them cached.
    query = {"catalog": STUDENT_DEVICES, "cf.Type": "Chromebook", "name_prefix": prefix}
    response = rt_client.get("/api/v1/assets", query_string=query, headers=bearer("viewer"))
    assert response.status_code == 200 and response.json["total"] == 3
    (line,) = log_lines("request")
    assert line["rt_requests"] == 1
    assert 0 < line["rt_ms"] <= line["duration_ms"]


@pytest.mark.rt
def test_every_request_that_reached_rt_carries_its_count_and_time(log_lines, rt_client, prefix):
    assert rt_client.get("/healthz").status_code == 200
    response = rt_client.get(f"/api/v1/assets/by-tag/{prefix}002", headers=bearer("viewer"))
    assert response.status_code == 200
    tags = [f"{prefix}003", f"{prefix}001"]
    batch = rt_client.post("/api/v1/labels/batch", json={"tags": tags}, headers=bearer("operator"))
    assert batch.status_code == 200 and batch.mimetype == "application/pdf"
    missing = rt_client.get(f"/api/v1/assets/by-tag/{prefix}404", headers=bearer("viewer"))
    assert missing.status_code == 404
    health, by_tag, labels, not_found = log_lines("request")
    assert "rt_requests" not in health and "rt_ms" not in health, "RT was not asked"
    assert [by_tag["rt_requests"], labels["rt_requests"], not_found["rt_requests"]] == [1, 1, 1]
    assert all(line["rt_ms"] > 0 for line in (by_tag, labels, not_found))


def test_a_failed_warm_up_is_logged_and_the_service_starts_anyway(log_lines, tmp_path):
    dead_rt = f"http://127.0.0.1:{free_port()}"
    app = create_app(rt_settings(tmp_path, dead_rt, "1-2-" + "0" * 32))
    app.extensions["rtutils"].base.metadata_warm_up().join(timeout=60)
    (failed,) = log_lines("rt_metadata_warm_up_failed")
    assert failed["level"] == "warning" and failed["error_code"] == "backend_unreachable"
    assert app.test_client().get("/healthz").status_code == 200


def test_the_demo_backend_needs_no_warm_up(app):
    assert app.extensions["rtutils"].base.metadata_warm_up() is None
