"""The throttle of failed credentials punishes the guesser, not the address it shares.

Behind a school's NAT or a reverse proxy every desk comes from one address. Wrong
credentials from it are throttled (429); a right one is let through and noted in the log;
with ``TRUSTED_PROXIES`` the client behind the proxy is counted, not the proxy; and with
Redis every instance counts the same failures.
"""

from __future__ import annotations

import uuid

import attrs
import pytest
from tests.web.access.test_sign_out_and_throttle import GUESS, from_address
from tests.web.conftest import TOKENS, csrf_token

from rtutils_core.errors import ConfigError
from rtutils_core.secrets import Secret
from rtutils_web.app import create_app
from rtutils_web.http.proxies import parse_trusted_proxies
from rtutils_web.settings import Settings

NAT = "192.0.2.7"
PROXY = "10.0.0.5"


def throttle(client, address: str = NAT, **kwargs) -> None:
    """Wrong tokens from ``address`` until it is throttled."""
    for _ in range(11):
        answer = from_address(client, address, **kwargs)
    assert answer.status_code == 429


def test_the_right_token_passes_a_throttled_address_and_is_noted_once(client, log_lines):
    throttle(client)
    assert from_address(client, NAT).status_code == 429  # the guesser still waits
    for _ in range(3):
        assert from_address(client, NAT, token=TOKENS["operator"]).status_code == 200
    noted = log_lines("auth_passed_throttled")
    assert len(noted) == 1  # once a minute per address and token, not on every request
    assert noted[0]["remote_addr"] == NAT and noted[0]["token_name"] == "operator-user"


def test_the_right_token_signs_in_at_a_throttled_address(client):
    throttle(client)
    wrong = client.post(
        "/login",
        data={"token": GUESS, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": NAT},
    )
    assert wrong.status_code == 429
    right = client.post(
        "/login",
        data={"token": TOKENS["viewer"], "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": NAT},
    )
    assert right.status_code == 302


def behind_proxy(client, forwarded_for: str, peer: str = PROXY, **kwargs):
    """A request through the proxy ``peer``, which appended what it was reached from."""
    headers = {"X-Forwarded-For": forwarded_for}
    return from_address(client, peer, headers=headers, **kwargs)


@pytest.fixture
def proxied(web_settings):
    """Behind one proxy, named by its address."""
    trust = parse_trusted_proxies("TRUSTED_PROXIES", f"{PROXY},10.0.1.0/24")
    return create_app(attrs.evolve(web_settings, trusted_proxies=trust)).test_client()


def test_behind_a_trusted_proxy_the_guesser_is_throttled_not_its_neighbours(proxied, log_lines):
    for _ in range(11):
        answer = behind_proxy(proxied, "198.51.100.20")
    assert answer.status_code == 429
    assert behind_proxy(proxied, "198.51.100.21").status_code == 401  # not throttled
    assert {f["remote_addr"] for f in log_lines("auth_failed")} >= {"198.51.100.20"}


def test_a_forwarded_for_from_an_untrusted_peer_is_ignored(proxied):
    """A guesser cannot escape its count by making up X-Forwarded-For."""
    for n in range(11):
        answer = behind_proxy(proxied, f"203.0.113.{n}", peer="192.0.2.99")
    assert answer.status_code == 429


def test_a_chain_of_listed_proxies_is_skipped_to_the_client(proxied):
    for _ in range(11):
        answer = behind_proxy(proxied, "198.51.100.40, 10.0.1.7")
    assert answer.status_code == 429
    assert behind_proxy(proxied, "198.51.100.41, 10.0.1.7").status_code == 401


def test_a_number_of_proxies_believes_that_many_hops(web_settings):
    trust = parse_trusted_proxies("TRUSTED_PROXIES", "2")
    client = create_app(attrs.evolve(web_settings, trusted_proxies=trust)).test_client()
    for _ in range(11):
        answer = behind_proxy(client, "198.51.100.30, 10.9.9.9")
    assert answer.status_code == 429
    assert behind_proxy(client, "198.51.100.31, 10.9.9.9").status_code == 401


def test_without_trusted_proxies_forwarded_for_is_ignored(client):
    for n in range(11):
        answer = behind_proxy(client, f"203.0.113.{n}")
    assert answer.status_code == 429


@pytest.mark.parametrize("raw", ["abc", "10.0.0.300", "11", "10.0.0.1,,"])
def test_a_bad_trusted_proxies_stops_start_up_naming_it(raw):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "TRUSTED_PROXIES": raw})


def test_two_instances_on_one_redis_count_the_same_failures(web_settings, redis_url, tmp_path):
    shared = attrs.evolve(web_settings, jobs_queue="redis", jobs_redis_url=Secret(redis_url))
    first = create_app(shared).test_client()
    second = create_app(attrs.evolve(shared, working_dir=tmp_path / "two")).test_client()
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"  # the server outlives this test
    for _ in range(5):
        assert from_address(first, address).status_code == 401
    for _ in range(5):
        assert from_address(second, address).status_code == 401
    assert from_address(first, address).status_code == 429
    assert from_address(second, address).status_code == 429
