"""With ``STORE_URL`` the throttle's counts are in the stores' PostgreSQL: two instances of the
service behind one proxy count the same failures. Each instance runs on a settable clock
(the container's ``throttle_clock``), so windows end when the test says, never by waiting."""

from __future__ import annotations

import attrs
import psycopg
import pytest
from dependency_injector import providers
from tests.conftest import EpochClock
from tests.web.access.test_sign_out_and_throttle import close_pool, from_address
from tests.web.conftest import TOKENS

from rtutils_core.secrets import Secret
from rtutils_web.app import create_app
from rtutils_web.container import build_container

ADDRESS = "192.0.2.44"


def app_on(settings, clock: EpochClock):
    """An instance of the service whose throttle reads ``clock``."""
    container = build_container(settings)
    container.base.throttle_clock.override(providers.Object(clock))
    return create_app(container=container)


@pytest.fixture
def clock() -> EpochClock:
    return EpochClock()


@pytest.fixture
def two_instances(web_settings, tmp_path, pg_url, clock, log_lines):
    """Two instances on one PostgreSQL, each with its own WORKING_DIR."""
    shared = attrs.evolve(web_settings, store_url=pg_url)
    apps = [
        app_on(shared, clock),
        app_on(attrs.evolve(shared, working_dir=tmp_path / "two"), clock),
    ]
    yield [app.test_client() for app in apps]
    for app in apps:
        close_pool(app)


def test_failures_on_one_instance_throttle_the_address_on_the_other(two_instances, clock):
    first, second = two_instances
    for _ in range(10):
        assert from_address(first, ADDRESS).status_code == 401
    throttled = from_address(second, ADDRESS)
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "60"
    clock.advance(45)
    assert from_address(first, ADDRESS).headers["Retry-After"] == "15"
    # The right token still passes on both; another address was never counted.
    assert from_address(second, ADDRESS, token=TOKENS["viewer"]).status_code == 200
    assert from_address(first, "198.51.100.3").status_code == 401
    clock.advance(15)  # the window has ended, for both
    assert from_address(second, ADDRESS).status_code == 401
    assert from_address(first, ADDRESS).status_code == 401


def test_failures_split_between_instances_add_up(two_instances):
    first, second = two_instances
    for _ in range(5):
        assert from_address(first, ADDRESS).status_code == 401
        assert from_address(second, ADDRESS).status_code == 401
    assert from_address(first, ADDRESS).status_code == 429
    assert from_address(second, ADDRESS).status_code == 429


def test_a_right_token_at_a_throttled_address_is_noted_once_for_all_instances(
    two_instances, log_lines
):
    first, second = two_instances
    for _ in range(11):
        from_address(first, ADDRESS)
    for client in (first, second, first, second):
        assert from_address(client, ADDRESS, token=TOKENS["operator"]).status_code == 200
    assert len(log_lines("auth_passed_throttled")) == 1


def test_start_up_says_where_the_counts_are_kept(two_instances, log_lines):
    said = log_lines("throttle_counts")
    assert [(s["kept_in"], s["shared"]) for s in said] == [("database", True)] * 2
    assert said[0]["where"].startswith("the PostgreSQL database ")


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_start_up_says_so_without_the_database_too(kind, request, web_settings, log_lines):
    settings = web_settings
    if kind == "redis":
        url = request.getfixturevalue("redis_url")
        settings = attrs.evolve(web_settings, jobs_queue="redis", jobs_redis_url=Secret(url))
    create_app(settings)
    assert [s["kept_in"] for s in log_lines("throttle_counts")] == [kind]


def test_counts_that_cannot_be_reached_leave_credentials_judged_without_them(
    two_instances, pg_url, log_lines
):
    first, _ = two_instances
    with psycopg.connect(pg_url) as db:
        db.execute("DROP TABLE throttle_counts")
    for _ in range(12):
        assert from_address(first, ADDRESS).status_code == 401
    assert from_address(first, ADDRESS, token=TOKENS["viewer"]).status_code == 200
    warned = log_lines("throttle_unavailable")
    assert len(warned) == 1  # once a minute, not once a request
    assert "throttle_counts" in warned[0]["error"]
