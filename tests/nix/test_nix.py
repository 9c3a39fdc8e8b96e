"""The Nix side: every .nix file parses, and the NixOS module evaluates, offline.

Debian's nix-bin evaluates nix/module.nix and flake.nix with a small stand-in for
nixpkgs' lib (tests/nix/stub-lib.nix), since nixpkgs cannot be fetched here. The module's
environment is then fed to the real ``Settings.from_env``: the names, the formats and the
defaults of both sides must agree. With RTUTILS_NIXPKGS_LIB pointing at a nixpkgs lib
checkout, the same evaluations also run with the real lib and must give the same result.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ROOT

from rtutils_core.printing.printers import parse_printers
from rtutils_web.http.proxies import parse_trusted_proxies
from rtutils_web.settings import VARIABLES, Settings

SECRETS = {v.name for v in VARIABLES if v.secret}
SECRET_VALUES = {
    "RT_TOKEN": "1-14-" + "0123456789abcdef" + "0123456789abcdef",
    "SECRET_KEY": "a-session-key-of-at-least-16-characters",
    "RTUTILS_API_TOKENS": "desk:operator:abcdefghijklmnopqrstuvwxyz012345",
}

# The issue's table: option -> (nixpkgs type name, default).
ISSUE_OPTIONS: dict[str, tuple[str, Any]] = {
    "enable": ("bool", False),
    "host": ("str", "127.0.0.1"),
    "port": ("unsignedInt16", 5000),
    "secretsFile": ("path", "/etc/request-tracker-utils/secrets.env"),
    "workingDirectory": ("path", "/var/lib/request-tracker-utils"),
    "user": ("str", "rtutils"),
    "group": ("str", "rtutils"),
    "labelWidthMm": ("numberBetween", 100),
    "labelHeightMm": ("numberBetween", 62),
    "rtUrl": ("str", "https://tickets.wc-12.com"),
    "apiEndpoint": ("str", "/REST/2.0"),
    "prefix": ("str", "W12-"),
    "padding": ("numberBetween", 4),
}

# Every option that reaches the process: option -> variable, from the one table of variables.
# Its right-hand side must be exactly the variables Settings reads, less the secrets (test
# below), and CUSTOM proves each pair by changing the option and reading the variable back
# through Settings.
OPTION_VARIABLES = {v.option: v.name for v in VARIABLES if v.option}

DESK_1 = "desk-1=brother-ql,tcp://10.20.0.15:9100,QL-820NWB,62"

# A value other than the default for every option above: option -> (Nix value, variable
# value, Settings attribute, Python value).
CUSTOM: dict[str, tuple[Any, str, str, Any]] = {
    "backend": ("demo", "demo", "backend", "demo"),
    "rtUrl": (
        "https://rt.example.org",
        "https://rt.example.org",
        "rt_url",
        "https://rt.example.org",
    ),
    "apiEndpoint": ("/rt/REST/2.0", "/rt/REST/2.0", "api_endpoint", "/rt/REST/2.0"),
    "rtConnectTimeout": (2.5, "2.5", "rt_connect_timeout", 2.5),
    "rtReadTimeout": (45, "45", "rt_read_timeout", 45.0),
    "rtCacheSeconds": (60, "60", "rt_cache_seconds", 60.0),
    "prefix": ("SD-", "SD-", "prefix", "SD-"),
    "tagDigits": (6, "6", "tag_digits", 6),
    "extraPrefixes": (["TEST-", "LOAN-"], "TEST-,LOAN-", "extra_prefixes", ("TEST-", "LOAN-")),
    "padding": (3, "3", "padding_mm", 3.0),
    "labelWidthMm": (90.3, "90.3", "label_width_mm", 90.3),
    "labelHeightMm": (29, "29", "label_height_mm", 29.0),
    "organisation": ("Westfield IT", "Westfield IT", "organisation", "Westfield IT"),
    "qrTarget": ("service", "service", "qr_target", "service"),
    "publicUrl": (
        "https://labels.example.org",
        "https://labels.example.org",
        "public_url",
        "https://labels.example.org",
    ),
    "trustedHosts": (
        ["labels.example.org", ".example.org"],
        "labels.example.org,.example.org",
        "trusted_hosts",
        ("labels.example.org", ".example.org"),
    ),
    "templateByType": (
        {"Charger": "small", "Hotspot": "small"},
        "Charger=small,Hotspot=small",
        "template_by_type",
        {"Charger": "small", "Hotspot": "small"},
    ),
    "maxBatch": (500, "500", "max_batch", 500),
    "loanRole": ("HeldBy", "HeldBy", "loan_role", "HeldBy"),
    "checkoutStatus": ("on-loan", "on-loan", "checkout_status", "on-loan"),
    "checkinStatus": ("in-stock", "in-stock", "checkin_status", "in-stock"),
    "repairQueue": ("Repairs", "Repairs", "repair_queue", "Repairs"),
    "damages": (["cracked", "wet"], "cracked,wet", "damages", ("cracked", "wet")),
    "host": ("0.0.0.0", "0.0.0.0", "host", "0.0.0.0"),  # noqa: S104
    "port": (8123, "8123", "port", 8123),
    "threads": (4, "4", "threads", 4),
    "workingDirectory": ("/srv/rtutils", "/srv/rtutils", "working_dir", Path("/srv/rtutils")),
    "logFormat": ("console", "console", "log_format", "console"),
    "logLevel": ("DEBUG", "DEBUG", "log_level", "DEBUG"),
    "prefixByCatalog": (
        {"Staff Laptops": "STF-"},
        "Staff Laptops=STF-",
        "prefix_by_catalog",
        {"Staff Laptops": "STF-"},
    ),
    "trustedProxies": (
        "127.0.0.1,10.0.1.0/24",
        "127.0.0.1,10.0.1.0/24",
        "trusted_proxies",
        parse_trusted_proxies("TRUSTED_PROXIES", "127.0.0.1,10.0.1.0/24"),
    ),
    "storeUrl": (
        "postgresql://rtutils@db.example.org/rtutils",
        "postgresql://rtutils@db.example.org/rtutils",
        "store_url",
        "postgresql://rtutils@db.example.org/rtutils",
    ),
    "googleServiceAccountFile": (
        "/run/keys/google.json",
        "/run/keys/google.json",
        "google_service_account_file",
        Path("/run/keys/google.json"),
    ),
    "googleAdminSubject": (
        "it-admin@district.example.org",
        "it-admin@district.example.org",
        "google_admin_subject",
        "it-admin@district.example.org",
    ),
    "googleCustomerId": ("C01abcdef", "C01abcdef", "google_customer_id", "C01abcdef"),
    "googleApiUrl": (
        "https://admin.example.org",
        "https://admin.example.org",
        "google_api_url",
        "https://admin.example.org",
    ),
    "googleTokenUrl": (
        "https://token.example.org/token",
        "https://token.example.org/token",
        "google_token_url",
        "https://token.example.org/token",
    ),
    "googleSyncCatalog": ("Chromebooks", "Chromebooks", "google_sync_catalog", "Chromebooks"),
    "googleSyncDirections": (
        {"location": "to-rt", "notes": "off"},
        "location=to-rt,notes=off",
        "google_sync_directions",
        {"location": "to-rt", "notes": "off"},
    ),
    "jobsWorker": ("separate", "separate", "jobs_worker", "separate"),
    "autotagInterval": (300, "300", "autotag_interval", 300.0),
    "autotagCatalogs": (
        ["Student Devices", "Staff Laptops"],
        "Student Devices,Staff Laptops",
        "autotag_catalogs",
        ("Student Devices", "Staff Laptops"),
    ),
    "autotagPrinter": ("desk-1", "desk-1", "autotag_printer", "desk-1"),
    # AUTOTAG_PRINTER must name a configured printer.
    "printers": (DESK_1, DESK_1, "printers", parse_printers(DESK_1)),
    "rosterColumns": (
        {"student_id": "Student Number"},
        "student_id=Student Number",
        "roster_columns",
        {"student_id": "Student Number"},
    ),
    "returnsCatalog": ("Laptops", "Laptops", "returns_catalog", "Laptops"),
    "studentIdField": ("SID", "SID", "student_id_field", "SID"),
    "graduationYearField": ("Class Of", "Class Of", "graduation_year_field", "Class Of"),
    "userFieldsRate": ("2/second", "2/second", "user_fields_rate", "2/second"),
    "auditOverdueDays": (180, "180", "audit_overdue_days", 180),
    "auditLostStatus": ("lost", "lost", "audit_lost_status", "lost"),
    "auditQueue": ("Lost Devices", "Lost Devices", "audit_queue", "Lost Devices"),
    "auditWriteRate": ("2/second", "2/second", "audit_write_rate", "2/second"),
    "dueSoonDays": (5, "5", "due_soon_days", 5),
    "smtpUrl": (
        "smtp://mail.example.org:587",
        "smtp://mail.example.org:587",
        "smtp_url",
        "smtp://mail.example.org:587",
    ),
    "mailFrom": ("it@example.org", "it@example.org", "mail_from", "it@example.org"),
    "mailReplyTo": ("desk@example.org", "desk@example.org", "mail_reply_to", "desk@example.org"),
    "mailTemplatesDir": (
        "/etc/rtutils/mail",
        "/etc/rtutils/mail",
        "mail_templates_dir",
        Path("/etc/rtutils/mail"),
    ),
    "mailRate": ("2/second", "2/second", "mail_rate", "2/second"),
    "notices": (["receipt", "overdue"], "receipt,overdue", "notices", ("receipt", "overdue")),
    "noticeRemindDays": (1, "1", "notice_remind_days", 1),
    "noticeRepeatDays": (0, "0", "notice_repeat_days", 0),
    "noticesAt": ("06:30", "06:30", "notices_at", "06:30"),
    "schoolAddress": (
        "office@example.org",
        "office@example.org",
        "school_address",
        "office@example.org",
    ),
}

HARDENING = {
    "NoNewPrivileges": True,
    "ProtectSystem": "strict",
    "ProtectHome": True,
    "PrivateTmp": True,
    "PrivateDevices": True,
    "ProtectKernelTunables": True,
    "ProtectKernelModules": True,
    "ProtectControlGroups": True,
    "RestrictAddressFamilies": ["AF_INET", "AF_INET6", "AF_UNIX"],
    "RestrictNamespaces": True,
    "LockPersonality": True,
    "SystemCallFilter": ["@system-service"],
    "CapabilityBoundingSet": "",
    "UMask": "0077",
}

FAKE_STORE_PATH = "/nix/store/00000000000000000000000000000000-request-tracker-utils-0.1.0"


class NixError(Exception):
    """nix-instantiate failed; the message is its standard error."""


class Nix:
    """Runs Debian's nix-instantiate offline, with a store and state of its own."""

    def __init__(self, home: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("NIX_")}
        self.env.update(
            NIX_REMOTE=f"local?root={home / 'root'}",
            NIX_CONF_DIR=str(home / "conf"),
            NIX_USER_CONF_FILES="",
            NIX_CONFIG="build-users-group =",
            NIX_PATH="",
            HOME=str(home / "home"),
            XDG_CACHE_HOME=str(home / "cache"),
        )
        for sub in ("conf", "home", "cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["nix-instantiate", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise NixError(done.stderr.strip())
        return done.stdout

    def evaluate(self, expression: str) -> Any:
        return json.loads(self.run("--eval", "--strict", "--json", "-E", expression))


def _nix_string(text: str) -> str:
    """A Nix string literal holding ``text`` (JSON's escapes are Nix's, bar ``${``)."""
    return json.dumps(text).replace("${", "\\${")


def module_expression(settings: dict[str, Any] | None = None, lib: str | None = None) -> str:
    args = [f"settingsJSON = {_nix_string(json.dumps(settings or {}))};"]
    if lib:
        args.append(f"lib = import {lib};")
    return f"import ./tests/nix/eval-module.nix {{ {' '.join(args)} }}"


@pytest.fixture(scope="module")
def nix(tmp_path_factory: pytest.TempPathFactory) -> Nix:
    if shutil.which("nix-instantiate") is None:
        pytest.fail("nix-instantiate is missing: ./scripts/test installs Debian's nix-bin")
    return Nix(tmp_path_factory.mktemp("nix"))


@pytest.fixture(scope="module")
def defaults(nix: Nix) -> dict[str, Any]:
    return nix.evaluate(module_expression())


@pytest.fixture(scope="module")
def custom(nix: Nix) -> dict[str, Any]:
    return nix.evaluate(module_expression({k: v[0] for k, v in CUSTOM.items()}))


def service(evaluated: dict[str, Any]) -> dict[str, Any]:
    return evaluated["services"]["request-tracker-utils"]


def unit_lines(evaluated: dict[str, Any], unit: str = "request-tracker-utils") -> list[str]:
    return evaluated["units"][unit].splitlines()


def unit_environment(evaluated: dict[str, Any]) -> dict[str, str]:
    """The Environment= lines of the rendered unit file, as systemd reads them."""
    prefix = "Environment="
    lines = [line for line in unit_lines(evaluated) if line.startswith(prefix)]
    pairs = [json.loads(line[len(prefix) :]) for line in lines]
    return dict(pair.split("=", 1) for pair in pairs)


def settings_from(environment: dict[str, str]) -> Settings:
    return Settings.from_env({**environment, **SECRET_VALUES})


# -- parsing ----------------------------------------------------------------------------


def nix_files() -> list[Path]:
    skip = {".git", ".venv", "node_modules", "result", ".devenv"}
    return sorted(
        p for p in ROOT.rglob("*.nix") if not skip.intersection(p.relative_to(ROOT).parts)
    )


def test_the_nix_files_are_where_the_flake_expects_them() -> None:
    names = {str(p.relative_to(ROOT)) for p in nix_files()}
    assert {"flake.nix", "devenv.nix", "nix/module.nix", "nix/package.nix"} <= names


@pytest.mark.parametrize("path", nix_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_nix_file_parses(nix: Nix, path: Path) -> None:
    nix.run("--parse", str(path))


def test_a_syntax_error_is_reported(nix: Nix, tmp_path: Path) -> None:
    broken = tmp_path / "broken.nix"
    broken.write_text("{ a = 1; b = ; }\n")
    with pytest.raises(NixError, match="syntax error"):
        nix.run("--parse", str(broken))


# -- options ----------------------------------------------------------------------------


def test_option_defaults_and_types_are_the_issues_table(defaults: dict[str, Any]) -> None:
    options = defaults["options"]
    found = {name: (options[name]["type"], options[name].get("default")) for name in ISSUE_OPTIONS}
    assert found == ISSUE_OPTIONS


def test_every_option_is_documented(defaults: dict[str, Any]) -> None:
    for name, option in defaults["options"].items():
        assert len(option["description"]) > 20, name
        assert option["hasDefault"], name


def test_every_variable_option_names_its_variable(defaults: dict[str, Any]) -> None:
    for name, variable in OPTION_VARIABLES.items():
        assert f"`{variable}`" in defaults["options"][name]["description"], name


# -- the contract with rtutils_web.settings --------------------------------------------


def test_the_unit_sets_exactly_the_variables_settings_reads_less_the_secrets(
    defaults: dict[str, Any],
) -> None:
    """One test keeps both sides from drifting: a variable added to Settings and not to
    the module (or the other way round) fails here."""
    expected = {v.name for v in VARIABLES} - SECRETS
    assert set(service(defaults)["environment"]) == expected
    assert set(unit_environment(defaults)) == expected
    assert set(OPTION_VARIABLES.values()) == expected


def test_the_module_defaults_are_the_service_defaults(defaults: dict[str, Any]) -> None:
    from_module = settings_from(unit_environment(defaults))
    python_defaults = Settings.from_env(SECRET_VALUES)
    assert from_module == python_defaults


def test_every_option_reaches_the_process_as_its_variable(custom: dict[str, Any]) -> None:
    environment = unit_environment(custom)
    for option, (_, text, _, _) in CUSTOM.items():
        assert environment[OPTION_VARIABLES[option]] == text, option
    settings = settings_from(environment)
    read = {
        **{field: getattr(settings, field, None) for (_, _, field, _) in CUSTOM.values()},
        "prefix": settings.prefix,
        "tag_digits": settings.tag_formats.default.digits,
        "extra_prefixes": tuple(
            f.prefix
            for f in settings.tag_formats.extra
            if f.prefix not in settings.prefix_by_catalog.values()
        ),
        "template_by_type": dict(settings.template_by_type),
        "prefix_by_catalog": dict(settings.prefix_by_catalog),
    }
    for option, (_, _, field, value) in CUSTOM.items():
        assert read[field] == value, option


def test_no_secret_is_in_the_unit(defaults: dict[str, Any]) -> None:
    environment = unit_environment(defaults)
    assert not SECRETS & set(environment)
    assert "EnvironmentFile=/etc/request-tracker-utils/secrets.env" in unit_lines(defaults)


# -- the systemd unit -------------------------------------------------------------------


def test_the_unit_runs_the_packages_command(defaults: dict[str, Any]) -> None:
    config = service(defaults)["serviceConfig"]
    assert config["ExecStart"] == f"{FAKE_STORE_PATH}/bin/request-tracker-utils serve"
    assert config["Restart"] == "on-failure"
    assert service(defaults)["wantedBy"] == ["multi-user.target"]
    assert "After=network-online.target" in unit_lines(defaults)


def test_the_unit_is_hardened(defaults: dict[str, Any]) -> None:
    config = service(defaults)["serviceConfig"]
    assert {key: config.get(key) for key in HARDENING} == HARDENING
    assert config["ReadWritePaths"] == ["/var/lib/request-tracker-utils"]
    lines = unit_lines(defaults)
    assert "CapabilityBoundingSet=" in lines
    assert "ProtectSystem=strict" in lines
    assert [line for line in lines if line.startswith("RestrictAddressFamilies=")] == [
        "RestrictAddressFamilies=AF_INET",
        "RestrictAddressFamilies=AF_INET6",
        "RestrictAddressFamilies=AF_UNIX",
    ]


def test_the_service_runs_as_a_system_user_with_a_private_state_directory(
    defaults: dict[str, Any],
) -> None:
    config = service(defaults)["serviceConfig"]
    assert (config["User"], config["Group"]) == ("rtutils", "rtutils")
    assert defaults["users"] == {
        "rtutils": {
            "isSystemUser": True,
            "group": "rtutils",
            "description": "request-tracker-utils service",
        }
    }
    assert defaults["groups"] == {"rtutils": {}}
    assert config["StateDirectory"] == "request-tracker-utils"
    assert config["StateDirectoryMode"] == "0700"
    assert config["WorkingDirectory"] == "/var/lib/request-tracker-utils"
    assert defaults["tmpfiles"] == []


def test_a_working_directory_outside_var_lib_is_made_by_tmpfiles(custom: dict[str, Any]) -> None:
    config = service(custom)["serviceConfig"]
    assert "StateDirectory" not in config
    assert custom["tmpfiles"] == ["d '/srv/rtutils' 0700 rtutils rtutils - -"]
    assert config["ReadWritePaths"] == ["/srv/rtutils"]


def test_other_user_and_group_names_are_created(nix: Nix) -> None:
    evaluated = nix.evaluate(module_expression({"user": "labels", "group": "itdesk"}))
    assert set(evaluated["users"]) == {"labels"}
    assert evaluated["users"]["labels"]["group"] == "itdesk"
    assert set(evaluated["groups"]) == {"itdesk"}
    config = service(evaluated)["serviceConfig"]
    assert (config["User"], config["Group"]) == ("labels", "itdesk")


def test_the_tags_sync_unit_shares_user_environment_and_sandbox(defaults: dict[str, Any]) -> None:
    sync = defaults["services"]["request-tracker-utils-tags-sync"]
    web = service(defaults)
    assert sync["environment"] == web["environment"]
    assert sync["serviceConfig"]["ExecStart"] == (
        f"{FAKE_STORE_PATH}/bin/request-tracker-utils tags sync"
    )
    assert sync["serviceConfig"]["Type"] == "oneshot"
    assert "wantedBy" not in sync
    own = {"ExecStart", "Type", "Restart", "RestartSec"}
    shared = {k: v for k, v in web["serviceConfig"].items() if k not in own}
    assert {k: v for k, v in sync["serviceConfig"].items() if k not in own} == shared


def test_the_google_sync_has_no_timer_unless_scheduled(defaults: dict[str, Any]) -> None:
    assert "request-tracker-utils-google-sync" not in defaults["services"]
    assert defaults["timers"] == {}


def test_a_scheduled_google_sync_is_a_timer_and_a_one_shot_unit(
    nix: Nix, defaults: dict[str, Any]
) -> None:
    scheduled = nix.evaluate(
        module_expression(
            {
                "googleSyncSchedule": "*-*-* 02:30:00",
                "googleServiceAccountFile": "/run/keys/google.json",
                "googleAdminSubject": "it-admin@district.example.org",
            }
        )
    )
    assert scheduled["failedAssertions"] == []
    timer = scheduled["timers"]["request-tracker-utils-google-sync"]
    assert timer["wantedBy"] == ["timers.target"]
    assert timer["timerConfig"]["OnCalendar"] == "*-*-* 02:30:00"
    assert timer["timerConfig"]["Persistent"] is True
    sync = scheduled["services"]["request-tracker-utils-google-sync"]
    assert sync["serviceConfig"]["ExecStart"] == (
        f"{FAKE_STORE_PATH}/bin/request-tracker-utils google sync"
    )
    assert sync["serviceConfig"]["Type"] == "oneshot"
    assert sync["environment"] == service(scheduled)["environment"]
    assert "wantedBy" not in sync
    settings = settings_from(unit_environment(scheduled))
    assert settings.google_service_account_file == Path("/run/keys/google.json")


def test_scheduled_due_notices_are_a_timer_and_a_one_shot_unit(
    nix: Nix, defaults: dict[str, Any]
) -> None:
    assert "request-tracker-utils-due-notices" not in defaults["services"]
    scheduled = nix.evaluate(
        module_expression(
            {
                "dueNoticesSchedule": "*-*-* 06:30:00",
                "smtpUrl": "smtp://mail.example.org:587",
                "mailFrom": "it@example.org",
            }
        )
    )
    assert scheduled["failedAssertions"] == []
    timer = scheduled["timers"]["request-tracker-utils-due-notices"]
    assert (timer["wantedBy"], timer["timerConfig"]["OnCalendar"]) == (
        ["timers.target"],
        "*-*-* 06:30:00",
    )
    unit = scheduled["services"]["request-tracker-utils-due-notices"]
    assert unit["serviceConfig"]["ExecStart"] == (
        f"{FAKE_STORE_PATH}/bin/request-tracker-utils due notices"
    )
    assert unit["serviceConfig"]["Type"] == "oneshot"
    assert unit["environment"] == service(scheduled)["environment"]
    unmailed = nix.evaluate(module_expression({"dueNoticesSchedule": "daily"}))
    assert any("needs smtpUrl and mailFrom" in m for m in unmailed["failedAssertions"])


def test_the_worker_runs_inside_the_service_unless_its_own_unit_is_asked_for(
    defaults: dict[str, Any], custom: dict[str, Any]
) -> None:
    assert "request-tracker-utils-worker" not in defaults["services"]
    assert service(defaults)["environment"]["JOBS_WORKER"] == "inside"
    worker = custom["services"]["request-tracker-utils-worker"]
    web = service(custom)
    assert worker["environment"] == web["environment"]
    assert worker["serviceConfig"]["ExecStart"] == (
        f"{FAKE_STORE_PATH}/bin/request-tracker-utils worker"
    )
    assert worker["wantedBy"] == ["multi-user.target"]
    own = {"ExecStart", "Type", "Restart", "RestartSec"}
    shared = {k: v for k, v in web["serviceConfig"].items() if k not in own}
    assert {k: v for k, v in worker["serviceConfig"].items() if k not in own} == shared


def test_the_firewall_stays_closed_unless_asked(nix: Nix, defaults: dict[str, Any]) -> None:
    assert defaults["firewall"] == []
    opened = nix.evaluate(module_expression({"openFirewall": True, "port": 8123}))
    assert opened["firewall"] == [8123]


def test_a_disabled_module_defines_nothing(nix: Nix) -> None:
    evaluated = nix.evaluate(module_expression({"enable": False}))
    assert evaluated["services"] == {}
    assert evaluated["users"] == {}
    assert evaluated["failedAssertions"] == []


# -- bad configuration is refused at evaluation time -------------------------------------


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ({"port": "abc"}, "services.requestTrackerUtils.port"),
        ({"port": 70000}, "services.requestTrackerUtils.port"),
        ({"logLevel": "verbose"}, "services.requestTrackerUtils.logLevel"),
        ({"backend": "sqlite"}, "services.requestTrackerUtils.backend"),
        ({"labelWidthMm": 5}, "services.requestTrackerUtils.labelWidthMm"),
        ({"tagDigits": 0}, "services.requestTrackerUtils.tagDigits"),
        ({"workingDirectory": "state"}, "services.requestTrackerUtils.workingDirectory"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_option(
    nix: Nix, settings: dict[str, Any], needle: str
) -> None:
    with pytest.raises(NixError) as refused:
        nix.evaluate(module_expression(settings))
    assert needle in str(refused.value)
    assert "not of type" in str(refused.value)


def test_an_unknown_option_is_refused(nix: Nix) -> None:
    with pytest.raises(NixError, match=r"requestTrackerUtils\.prot' does not exist"):
        nix.evaluate(module_expression({"prot": 5000}))


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ({"secretsFile": "/nix/store/abc-secrets.env"}, "outside the Nix store"),
        ({"port": 443}, "1024 or above"),
        ({"qrTarget": "service"}, "publicUrl is required"),
        ({"rtUrl": "tickets.example.org"}, "rtUrl must start with https://"),
        ({"apiEndpoint": "REST/2.0"}, "apiEndpoint must start with '/'"),
        ({"extraPrefixes": ["A-,B-"]}, "extraPrefixes"),
        ({"templateByType": {"Charger": "small,large"}}, "templateByType"),
        ({"googleServiceAccountFile": "/nix/store/abc-key.json"}, "googleServiceAccountFile"),
        ({"googleSyncSchedule": "daily"}, "googleSyncSchedule needs googleServiceAccountFile"),
        ({"autotagInterval": 60}, "autotagCatalogs must name the catalogs"),
        ({"autotagCatalogs": ["A,B"], "autotagInterval": 60}, "autotagCatalogs entries"),
    ],
)
def test_a_setting_the_service_cannot_use_fails_an_assertion(
    nix: Nix, settings: dict[str, Any], needle: str
) -> None:
    failed = nix.evaluate(module_expression(settings))["failedAssertions"]
    assert len(failed) == 1
    assert needle in failed[0]


# -- the flake --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def flake(nix: Nix) -> dict[str, Any]:
    return nix.evaluate("import ./tests/nix/eval-flake.nix { }")


def test_the_flake_has_the_outputs_the_issue_asks_for(flake: dict[str, Any]) -> None:
    assert set(flake["outputs"]) >= {"packages", "apps", "devShells", "nixosModules", "checks"}
    assert flake["packages"] == ["default", "request-tracker-utils"]
    assert flake["samePackage"]
    assert flake["app"] == {
        "type": "app",
        "program": f"{FAKE_STORE_PATH}/bin/request-tracker-utils",
    }
    assert flake["devShells"] == ["default"]
    assert flake["nixosModules"] == ["default", "requestTrackerUtils"]
    assert set(flake["checks"]) == {"package", "smoke", "module", "vm"}


def _requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_package_is_built_from_pyproject(flake: dict[str, Any]) -> None:
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package = flake["package"]
    assert package["pname"] == pyproject["project"]["name"]
    assert package["version"] == pyproject["project"]["version"]
    assert package["pyproject"] is True
    assert package["dependencies"] == [
        _requirement_name(r) for r in pyproject["project"]["dependencies"]
    ]
    assert package["buildSystem"] == [
        _requirement_name(r) for r in pyproject["build-system"]["requires"]
    ]
    assert package["mainProgram"] == "request-tracker-utils"
    assert {"rtutils_core", "rtutils_adapters", "rtutils_web"} <= set(package["pythonImportsCheck"])
    assert [Path(p).relative_to(ROOT).as_posix() for p in package["source"]] == [
        "pyproject.toml",
        "README.md",
        "src",
    ]
    assert package["dependencyInjector"] == {"broken": False, "doCheck": True}


def test_a_broken_flag_on_dependency_injector_does_not_block_the_package(nix: Nix) -> None:
    flake = nix.evaluate("import ./tests/nix/eval-flake.nix { dependencyInjectorBroken = true; }")
    assert flake["package"]["dependencyInjector"] == {"broken": False, "doCheck": False}


def test_the_development_shells_use_the_packages_dependencies(flake: dict[str, Any]) -> None:
    shell = flake["devShellPython"]
    assert shell[: len(flake["package"]["dependencies"])] == flake["package"]["dependencies"]
    assert "pytest" in shell


def test_the_lock_pins_a_release_revision_with_its_hash(flake: dict[str, Any]) -> None:
    lock = json.loads((ROOT / "flake.lock").read_text())
    node = lock["nodes"][lock["nodes"]["root"]["inputs"]["nixpkgs"]]
    locked, original = node["locked"], node["original"]
    release = re.fullmatch(r"github:NixOS/nixpkgs/(nixos-\d\d\.\d\d)", flake["nixpkgsUrl"])
    assert release, flake["nixpkgsUrl"]
    assert original == {
        "owner": "NixOS",
        "repo": "nixpkgs",
        "ref": release.group(1),
        "type": "github",
    }
    assert (locked["type"], locked["owner"], locked["repo"]) == ("github", "NixOS", "nixpkgs")
    assert re.fullmatch(r"[0-9a-f]{40}", locked["rev"])
    assert re.fullmatch(r"sha256-[A-Za-z0-9+/]{43}=", locked["narHash"])
    assert isinstance(locked["lastModified"], int)
    devenv = (ROOT / "devenv.yaml").read_text()
    assert f"github:NixOS/nixpkgs/{locked['rev']}" in devenv


# -- the runbook ------------------------------------------------------------------------

RUNBOOK = ROOT / "docs" / "deployment" / "nixos.md"


def runbook_options() -> dict[str, list[str]]:
    text = RUNBOOK.read_text()
    table = text.split("## Options", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    return {c[0].strip("`"): c[1:] for c in cells}


def test_the_runbook_documents_every_option_with_its_default(
    nix: Nix, defaults: dict[str, Any]
) -> None:
    documented = runbook_options()
    assert set(documented) == set(defaults["options"])
    options = defaults["options"]
    names = sorted(name for name in documented if "default" in options[name])
    # The table writes defaults in Nix syntax; Nix reads them back.
    written = " ".join(f"({documented[name][1].strip('`')})" for name in names)
    assert dict(zip(names, nix.evaluate(f"[ {written} ]"), strict=True)) == {
        name: options[name]["default"] for name in names
    }
    for name, (_, _, variable, _) in documented.items():
        assert variable.strip("`") == OPTION_VARIABLES.get(name, "-"), name


def test_the_runbook_secrets_example_sets_exactly_the_secrets() -> None:
    text = RUNBOOK.read_text()
    example = text.split("```sh title=secrets.env", 1)[1].split("```", 1)[0]
    names = {
        line.split("=", 1)[0]
        for line in example.splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert names == SECRETS


def test_the_readme_links_the_runbook() -> None:
    assert "(docs/deployment/nixos.md)" in (ROOT / "README.md").read_text()


# -- the real nixpkgs lib (optional) -----------------------------------------------------


def real_lib() -> str:
    """The lib/ directory of a nixpkgs (or nixpkgs.lib) checkout named by RTUTILS_NIXPKGS_LIB."""
    given = os.environ.get("RTUTILS_NIXPKGS_LIB")
    if not given:
        pytest.skip(
            "RTUTILS_NIXPKGS_LIB is not set: point it at a nixpkgs lib checkout to compare"
            " the stub lib with the real one (nixpkgs cannot be fetched offline)"
        )
    path = Path(given)
    lib = path / "lib" if (path / "lib" / "default.nix").exists() else path
    if not (lib / "default.nix").exists():
        pytest.fail(f"RTUTILS_NIXPKGS_LIB={given} holds no nixpkgs lib (no default.nix)")
    return str(lib)


@pytest.mark.parametrize("case", ["defaults", "custom", "renamed", "disabled", "assertions"])
def test_the_real_nixpkgs_lib_gives_the_same_evaluation(nix: Nix, case: str) -> None:
    lib = real_lib()
    settings = {
        "defaults": {},
        "custom": {k: v[0] for k, v in CUSTOM.items()},
        "renamed": {"user": "labels", "group": "itdesk", "openFirewall": True, "port": 8123},
        "disabled": {"enable": False},
        "assertions": {"port": 80, "secretsFile": "/nix/store/x", "qrTarget": "service"},
    }[case]
    assert nix.evaluate(module_expression(settings, lib)) == nix.evaluate(
        module_expression(settings)
    )


@pytest.mark.parametrize(
    "settings", [{"port": "abc"}, {"logLevel": "verbose"}, {"prot": 1}, {"tagDigits": 0}]
)
def test_the_real_nixpkgs_lib_refuses_the_same_values(nix: Nix, settings: dict[str, Any]) -> None:
    lib = real_lib()
    option = f"services.requestTrackerUtils.{next(iter(settings))}"
    for chosen in (lib, None):
        with pytest.raises(NixError) as refused:
            nix.evaluate(module_expression(settings, chosen))
        assert option in str(refused.value)


def test_the_real_nixpkgs_lib_evaluates_the_flake_the_same(nix: Nix) -> None:
    lib = real_lib()
    real = nix.evaluate(
        f"import ./tests/nix/eval-flake.nix {{ lib = import {lib}; inspectSource = false; }}"
    )
    stub = nix.evaluate("import ./tests/nix/eval-flake.nix { inspectSource = false; }")
    assert real == stub


# -- the tag store: SQLite, a PostgreSQL URL, or a local PostgreSQL ----------------------------


def test_by_default_no_database_server_is_asked_for(defaults: dict[str, Any]) -> None:
    assert defaults["postgresql"] == {}
    assert unit_environment(defaults)["STORE_URL"] == ""
    assert "postgresql.service" not in service(defaults)["after"]
    assert settings_from(unit_environment(defaults)).store_url == ""


def test_a_local_database_is_ensured_and_reached_over_the_socket_by_peer(nix: Nix) -> None:
    evaluated = nix.evaluate(module_expression({"createLocalDatabase": True, "user": "tags"}))
    assert evaluated["failedAssertions"] == []
    assert evaluated["postgresql"] == {
        "enable": True,
        "ensureDatabases": ["tags"],
        "ensureUsers": [{"name": "tags", "ensureDBOwnership": True}],
    }
    environment = unit_environment(evaluated)
    assert environment["STORE_URL"] == "postgresql:///tags?host=/run/postgresql"
    assert settings_from(environment).store_url == environment["STORE_URL"]
    for unit in ("request-tracker-utils", "request-tracker-utils-tags-sync"):
        assert "postgresql.service" in evaluated["services"][unit]["after"]
        assert evaluated["services"][unit]["requires"] == ["postgresql.service"]
    # Peer authentication needs the service's own user name and the unix socket.
    config = service(evaluated)["serviceConfig"]
    assert config["User"] == "tags" and "AF_UNIX" in config["RestrictAddressFamilies"]


def test_a_store_url_and_a_local_database_together_fail_an_assertion(nix: Nix) -> None:
    settings = {"createLocalDatabase": True, "storeUrl": "postgresql://rtutils@db/rtutils"}
    failed = nix.evaluate(module_expression(settings))["failedAssertions"]
    assert failed == [
        "services.requestTrackerUtils: set either storeUrl or createLocalDatabase, not both."
    ]
