"""How each variable's text becomes a setting's value; every refusal names the variable."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse as parse_limit

from rtutils_core.errors import ConfigError, InvalidInput
from rtutils_core.loans import LOAN_ROLES
from rtutils_core.printing.printers import PrinterConfig, parse_printers
from rtutils_core.secrets import Secret
from rtutils_core.students import ROSTER_FIELDS
from rtutils_core.tags import validate_prefix

BACKENDS = ("rt", "demo")
LOG_FORMATS = ("json", "console")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
QR_TARGETS = ("rt", "service")
DEFAULT_WORKING_DIR = "/var/lib/request-tracker-utils"

#: (variable name, its text) -> value; raises ConfigError naming the variable.
Parser = Callable[[str, str], Any]


def choice(*choices: str) -> Parser:
    def parse(name: str, raw: str) -> str:
        value = raw.upper() if choices[0].isupper() else raw.lower()
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
        return value

    return parse


def spelled(*choices: str) -> Parser:
    """One of ``choices`` in any case, given back as spelled there (RT's role names)."""

    def parse(name: str, raw: str) -> str:
        for option in choices:
            if raw.casefold() == option.casefold():
                return option
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")

    return parse


def _shown(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ranged(convert: Callable[[str], float], what: str, low: float, high: float) -> Parser:
    def parse(name: str, raw: str) -> float:
        try:
            value = convert(raw)
        except ValueError:
            raise ConfigError(f"{name} must be {what}, not {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(
                f"{name} must be between {_shown(low)} and {_shown(high)}, not {_shown(value)}"
            )
        return value

    return parse


def whole(low: int, high: int) -> Parser:
    return _ranged(int, "a whole number", low, high)


def number(low: float, high: float) -> Parser:
    return _ranged(float, "a number", float(low), float(high))


def url(example: str) -> Parser:
    def parse(name: str, raw: str) -> str:
        if not raw:
            return ""
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{name} must be an http(s) URL such as {example!r}, not {raw!r}")
        return raw.rstrip("/")

    return parse


def text(_name: str, raw: str) -> str:
    return raw


def api_path(name: str, raw: str) -> str:
    if not raw.startswith("/"):
        raise ConfigError(f"{name} must start with '/', such as '/REST/2.0', not {raw!r}")
    return raw.rstrip("/")


def secret(name: str, raw: str) -> Secret:
    if name == "RT_TOKEN" and any(c.isspace() for c in raw):
        raise ConfigError("RT_TOKEN contains white space; check the secrets file")
    return Secret(raw)


def prefix(name: str, raw: str) -> str:
    try:
        return validate_prefix(raw)
    except InvalidInput as exc:
        raise ConfigError(f"{name}: {exc.message}") from None


def prefixes(name: str, raw: str) -> tuple[str, ...]:
    return tuple(prefix(name, p.strip()) for p in raw.split(",") if p.strip())


def regex(name: str, raw: str) -> str:
    try:
        re.compile(raw)
    except re.error as error:
        raise ConfigError(f"{name} is not a valid regular expression: {error}") from None
    return raw


def mapping(name: str, raw: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{name} entries must look like 'Key=value', not {item!r}")
        result[key.strip()] = value.strip()
    return result


def store_url(name: str, raw: str) -> str:
    """A PostgreSQL URL, or "" for SQLite in WORKING_DIR; never one that carries a password."""
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            f"{name} must be a PostgreSQL URL such as 'postgresql://rtutils@db.example.org/"
            "rtutils' or 'postgresql:///rtutils?host=/run/postgresql' (its scheme is"
            f" {parts.scheme!r})"
        )
    if parts.password is not None:
        # The URL is in the unit file and the process list; the password is a secret.
        raise ConfigError(
            f"{name} must not carry a password; put it in STORE_PASSWORD in the secrets file"
        )
    return raw


def prefix_mapping(name: str, raw: str) -> dict[str, str]:
    """``Catalog=PREFIX,...``, every prefix a valid one."""
    return {key: prefix(name, value) for key, value in mapping(name, raw).items()}


def loan_role(name: str, raw: str) -> str:
    roles = {r.casefold(): r for r in LOAN_ROLES}
    if raw.casefold() not in roles:
        raise ConfigError(f"{name} must be Owner or HeldBy, not {raw!r}")
    return roles[raw.casefold()]


def roster_columns(name: str, raw: str) -> dict[str, str]:
    """``field=Header,...`` over the roster's fields."""
    found = mapping(name, raw)
    unknown = sorted(set(found) - set(ROSTER_FIELDS))
    if unknown:
        raise ConfigError(
            f"{name}: unknown roster field {unknown[0]!r};"
            f" the fields are {', '.join(ROSTER_FIELDS)}"
        )
    return found


def rate(name: str, raw: str) -> str:
    """A rate the ``limits`` library reads: ``5/second``, ``100 per minute``."""
    try:
        parse_limit(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a rate such as '5/second', not {raw!r}") from None
    return raw


def required_text(name: str, raw: str) -> str:
    if not raw:
        raise ConfigError(f"{name} may not be empty")
    return raw


def names(name: str, raw: str) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))
    if not found:
        raise ConfigError(f"{name} needs at least one name, comma-separated")
    return found


def absolute_path(name: str, raw: str) -> Path | None:
    if not raw:
        return None
    if not Path(raw).is_absolute():
        raise ConfigError(f"{name} must be an absolute path, not {raw!r}")
    return Path(raw)


def printers(name: str, raw: str) -> dict[str, PrinterConfig]:
    return parse_printers(raw, variable=name)


def catalog_names(_name: str, raw: str) -> tuple[str, ...]:
    """A comma-separated list of RT catalog names, blanks dropped; none is allowed."""
    return tuple(n.strip() for n in raw.split(",") if n.strip())


JOB_QUEUES = ("sqlite", "redis")
JOB_WORKERS = ("inside", "separate")


def smtp_url(name: str, raw: str) -> str:
    """The mail server, ``smtp://host[:port]`` or ``smtps://host[:port]`` ("" for none)."""
    if raw:
        from rtutils_adapters.mail.smtp import SmtpServer

        SmtpServer.from_url(raw)
    return raw


def notice_kinds(name: str, raw: str) -> tuple[str, ...]:
    """Which notices are sent, comma-separated (blank: none)."""
    from rtutils_core.due import NOTICE_KINDS

    found = tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))
    unknown = [k for k in found if k not in NOTICE_KINDS]
    if unknown:
        raise ConfigError(
            f"{name}: unknown notice {unknown[0]!r}; the notices are {', '.join(NOTICE_KINDS)}"
        )
    return found


def time_of_day(name: str, raw: str) -> str:
    """``HH:MM`` (24 hours), or "" for none."""
    if raw and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", raw):
        raise ConfigError(f"{name} must be a time HH:MM (24 hours, UTC), not {raw!r}")
    return raw
