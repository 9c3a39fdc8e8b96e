"""RTUTILS_API_TOKENS: parsed at start-up, refused with a message that never shows a token."""

from __future__ import annotations

import pytest
from tests.web.conftest import made_up_token
from tests.web.shell.test_cli import run_cli

from rtutils_core.errors import ConfigError
from rtutils_web.access.tokens import TokenRegistry

LONG = made_up_token("long")
OTHER = made_up_token("other") + "abcd"


def test_entries_give_names_and_roles():
    registry = TokenRegistry.parse(f"desk:operator:{LONG}, boss:admin:{OTHER} ,")
    assert len(registry) == 2
    entry = registry.find(OTHER)
    assert (entry.name, entry.role) == ("boss", "admin")
    assert registry.find(OTHER[:-1]) is None
    assert registry.find("") is None
    assert "y" * 40 not in repr(registry.tokens)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("desk:operator:short-token-123", "entry 1 ('desk'): the token is 15 characters"),
        (f"a:viewer:{LONG},desk:superuser:{LONG}z", "entry 2: the role must be one of"),
        (f"desk-operator-{LONG}", "entry 1 must look like 'name:role:token'"),
        (f"desk:viewer:{LONG},desk:admin:{LONG}z", "entries 1 and 2 have the same name"),
        (f"a:viewer:{LONG},b:admin:{LONG}", "entries 1 and 2 have the same token"),
        (f"bad name:viewer:{LONG}", "entry 1: the name must be"),
        (f"desk:viewer:{LONG} {LONG}", "entry 1: the token contains white space"),
    ],
)
def test_bad_entries_are_refused_naming_the_variable_not_the_token(setting, expected):
    with pytest.raises(ConfigError) as caught:
        TokenRegistry.parse(setting)
    assert "RTUTILS_API_TOKENS" in caught.value.message
    assert expected in caught.value.message
    for secret in ("short-token-123", LONG):
        assert secret not in caught.value.message


def test_a_token_put_in_the_role_place_is_not_echoed():
    with pytest.raises(ConfigError) as caught:
        TokenRegistry.parse(f"desk:{LONG}:admin")
    assert LONG not in caught.value.message


def test_start_up_stops_on_a_short_token_without_showing_it():
    out = run_cli(
        "--demo", "check-config", env={"RTUTILS_API_TOKENS": "desk:admin:tooshort-secret"}
    )
    assert out.returncode == 2
    assert "RTUTILS_API_TOKENS" in out.stderr
    assert "tooshort-secret" not in out.stdout + out.stderr


def test_start_up_stops_on_an_unknown_role():
    out = run_cli("--demo", "check-config", env={"RTUTILS_API_TOKENS": f"desk:root:{LONG}"})
    assert out.returncode == 2
    assert "RTUTILS_API_TOKENS entry 1: the role must be one of viewer, operator, admin" in (
        out.stderr
    )
    assert LONG not in out.stdout + out.stderr


@pytest.mark.parametrize(
    "weak",
    ["a" * 32, "password" * 4, "abcabcabcabcabcabcabcabc", "0123456789abcdef0123456789"],
)
def test_tokens_of_low_entropy_are_refused_naming_the_entry(weak):
    with pytest.raises(ConfigError) as caught:
        TokenRegistry.parse(f"desk:viewer:{LONG},kiosk:admin:{weak}")
    message = str(caught.value)
    assert "entry 2 ('kiosk')" in message and "too easy to guess" in message
    assert weak not in message
