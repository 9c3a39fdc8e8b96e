from pathlib import Path

import attrs
import pytest
from tests.web.conftest import SECRET_KEY

from rtutils_core.errors import ConfigError
from rtutils_web.settings import VARIABLES, Secret, Settings

TOKEN = "1-23-" + "abcdefabcdefabcd" + "efabcdefabcdefab"
RT_ENV = {"RTUTILS_BACKEND": "rt", "RT_TOKEN": TOKEN, "SECRET_KEY": SECRET_KEY}


def test_defaults_follow_the_documented_contract():
    s = Settings.from_env(RT_ENV)
    assert s.api_url == "https://tickets.wc-12.com/REST/2.0"
    assert s.prefix == "W12-"
    assert s.tag_formats.default.digits == 5
    assert (s.padding_mm, s.label_width_mm, s.label_height_mm) == (4.0, 100.0, 62.0)
    assert (s.host, s.port) == ("127.0.0.1", 5000)
    assert s.working_dir == Path("/var/lib/request-tracker-utils")
    assert s.log_format == "json"


def test_every_setting_has_a_documented_variable():
    assert {
        "RT_URL",
        "API_ENDPOINT",
        "RT_TOKEN",
        "PREFIX",
        "TAG_DIGITS",
        "PADDING",
        "LABEL_WIDTH_MM",
        "LABEL_HEIGHT_MM",
        "HOST",
        "PORT",
        "WORKING_DIR",
        "RTUTILS_BACKEND",
        "LOG_FORMAT",
        "LOG_LEVEL",
    } <= {v.name for v in VARIABLES}


def test_rt_backend_without_token_names_rt_token():
    with pytest.raises(ConfigError, match="RT_TOKEN"):
        Settings.from_env({"RTUTILS_BACKEND": "rt", "SECRET_KEY": SECRET_KEY})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "70000"),
        ("TAG_DIGITS", "0"),
        ("PADDING", "-1"),
        ("RT_URL", "tickets.wc-12.com"),
        ("RTUTILS_BACKEND", "mock"),
        ("LOG_LEVEL", "LOUD"),
        ("PREFIX", "W 12"),
        ("WORKING_DIR", "relative/dir"),
        ("API_ENDPOINT", "REST/2.0"),
        ("LABEL_WIDTH_MM", "wide"),
    ],
)
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({**RT_ENV, name: value})
    assert info.value.message.startswith(name) or f"{name} " in info.value.message


def test_the_token_never_appears_in_messages_or_reprs():
    s = Settings.from_env(RT_ENV)
    assert TOKEN not in repr(s) and TOKEN not in str(s.rt_token)
    assert s.rt_token.reveal() == TOKEN
    with pytest.raises(ConfigError) as info:
        Settings.from_env({**RT_ENV, "PORT": "x"})
    assert TOKEN not in str(info.value)


def test_demo_needs_no_secrets_and_no_state_dir():
    s = Settings.from_env({"RTUTILS_BACKEND": "demo"})
    assert s.is_demo and s.working_dir is None and not s.rt_token


def test_extra_prefixes_get_their_own_formats():
    s = Settings.from_env({**RT_ENV, "EXTRA_PREFIXES": "TEST-, LOAN-"})
    assert [f.prefix for f in s.tag_formats.all] == ["W12-", "TEST-", "LOAN-"]


def test_secret_repr_hides_value():
    assert "hunter2" not in repr(Secret("hunter2")) and "hunter2" not in f"{Secret('hunter2')}"


def test_settings_and_from_env_agree_on_every_default():
    secrets = {"RT_TOKEN": TOKEN, "SECRET_KEY": SECRET_KEY}
    assert Settings.from_env(secrets) == Settings(
        rt_token=Secret(TOKEN), secret_key=Secret(SECRET_KEY)
    )
    assert Settings.from_env({"RTUTILS_BACKEND": "demo"}) == Settings(backend="demo")
    assert Settings().backend == "rt" and Settings().working_dir == Path(
        "/var/lib/request-tracker-utils"
    )


def test_every_variable_is_read_into_a_setting():
    read = {f.metadata["variable"] for f in attrs.fields(Settings) if f.metadata}
    combined = {"PREFIX", "TAG_DIGITS", "EXTRA_PREFIXES"}  # into tag_formats
    assert read | combined == {v.name for v in VARIABLES}
    assert not read & combined


def test_a_blank_template_by_type_means_no_templates_by_type():
    assert Settings.from_env({**RT_ENV, "TEMPLATE_BY_TYPE": ""}).template_by_type == {}
    assert Settings.from_env(RT_ENV).template_by_type == {
        "Charger": "small",
        "Power Adapter": "small",
    }


def test_the_default_prefix_is_not_repeated_among_the_extra_ones():
    s = Settings.from_env({**RT_ENV, "EXTRA_PREFIXES": "W12-,TEST-"})
    assert [f.prefix for f in s.tag_formats.all] == ["W12-", "TEST-"]


def test_job_and_autotag_settings_are_read_and_checked():
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "AUTOTAG_INTERVAL": "300",
            "AUTOTAG_CATALOGS": "Student Devices, Staff Laptops,",
            "JOBS_WORKER": "separate",
            "WEBHOOK_SECRET": SECRET_KEY + "-webhook",
        }
    )
    assert (settings.jobs_queue, settings.jobs_worker) == ("sqlite", "separate")
    assert settings.autotag_catalogs == ("Student Devices", "Staff Laptops")
    assert settings.autotag_interval == 300.0
    assert SECRET_KEY + "-webhook" in settings.secrets()
    with pytest.raises(ConfigError, match="JOBS_REDIS_URL is required"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "JOBS_QUEUE": "redis"})
    with pytest.raises(ConfigError, match="AUTOTAG_CATALOGS must name"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "AUTOTAG_INTERVAL": "60"})
    with pytest.raises(ConfigError, match="JOBS_WORKER must be one of inside, separate"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "JOBS_WORKER": "elsewhere"})


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "required"),
        ("0123456789abcdef", "16 characters long; at least 24"),
        ("a" * 24, "too easy to guess"),
        ("passwordpasswordpassword", "too easy to guess"),
    ],
)
def test_the_rt_backend_wants_a_random_secret_key(key, reason):
    with pytest.raises(ConfigError, match=reason) as refused:
        Settings.from_env({**RT_ENV, "SECRET_KEY": key})
    assert "SECRET_KEY" in refused.value.message
    assert not key or key not in refused.value.message
