"""The loan desk's settings: parsed once, refused with the variable's name, wired to the service."""

from __future__ import annotations

import os
import stat

import pytest

from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_core.errors import ConfigError
from rtutils_core.loans import DEFAULT_DAMAGES
from rtutils_web.container import build_container, check_start_up
from rtutils_web.settings import Settings


def demo(tmp_path, **env) -> Settings:
    return Settings.from_env(
        {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path / "state"), **env}
    )


def test_defaults_are_the_issue_s(tmp_path):
    options = demo(tmp_path).loan_options
    assert (options.role, options.checkout_status, options.checkin_status) == (
        "Owner",
        "in-use",
        "allocated",
    )
    assert options.repair_queue == "Device Repair"
    assert options.damages == DEFAULT_DAMAGES


def test_every_loan_setting_is_read(tmp_path):
    options = demo(
        tmp_path,
        LOAN_ROLE="heldby",
        CHECKOUT_STATUS="on-loan",
        CHECKIN_STATUS="in-stock",
        REPAIR_QUEUE="Repairs",
        DAMAGES="cracked, wet ,cracked",
    ).loan_options
    assert (options.role, options.checkout_status, options.checkin_status) == (
        "HeldBy",
        "on-loan",
        "in-stock",
    )
    assert (options.repair_queue, options.damages) == ("Repairs", ("cracked", "wet"))


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LOAN_ROLE": "Contact"}, "LOAN_ROLE must be Owner or HeldBy"),
        ({"DAMAGES": " , "}, "DAMAGES needs at least one name"),
    ],
)
def test_bad_loan_settings_name_the_variable(tmp_path, env, problem):
    with pytest.raises(ConfigError, match=problem):
        demo(tmp_path, **env)


def test_equal_statuses_stop_start_up(tmp_path):
    settings = demo(tmp_path, CHECKIN_STATUS="in-use")
    with pytest.raises(ConfigError, match="CHECKIN_STATUS"):
        check_start_up(build_container(settings))


def test_the_container_builds_the_loan_desk_with_a_private_log(tmp_path):
    container = build_container(demo(tmp_path))
    service = container.loans.loan_service()
    assert isinstance(service.log, SqliteLoanLog)
    assert stat.S_IMODE(os.stat(service.log.path).st_mode) == 0o600
    assert service.log.path.parent == tmp_path / "state"
    assert service.still_out().total > 0  # the demo data has devices on loan
