"""PREFIX_BY_CATALOG: read, validated, and its prefixes configured like EXTRA_PREFIXES."""

from __future__ import annotations

import pytest

from rtutils_core.errors import ConfigError
from rtutils_web.container import build_container
from rtutils_web.settings import Settings

BY_CATALOG = {"Staff Laptops": "STF-", "Student Devices": "W12-"}


def test_the_setting_adds_its_prefixes_to_the_configured_ones(tmp_path):
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path),
            "EXTRA_PREFIXES": "TEST-",
            "PREFIX_BY_CATALOG": "Staff Laptops=STF-, Student Devices=W12-",
        }
    )
    assert dict(settings.prefix_by_catalog) == BY_CATALOG
    assert [f.prefix for f in settings.tag_formats.all] == ["W12-", "TEST-", "STF-"]


def test_a_bad_prefix_in_the_setting_stops_start_up_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="PREFIX_BY_CATALOG"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "PREFIX_BY_CATALOG": "Staff=S T F"})


def test_the_container_hands_the_catalogs_to_the_tag_service(tmp_path):
    settings = Settings.from_env(
        {"RTUTILS_BACKEND": "demo", "PREFIX_BY_CATALOG": "Staff Laptops=STF-"}
    )
    assert dict(build_container(settings).tag_service().prefix_by_catalog) == {
        "Staff Laptops": "STF-"
    }
