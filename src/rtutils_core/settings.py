"""Settings: one frozen object, built once from the environment and validated at start-up.

The environment variable names are a contract with the NixOS module (``flake.nix``); the
table ``VARIABLES`` documents each one and is what ``--help`` and the docs print.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from attrs import field, frozen

from rtutils_core.errors import ConfigError, InvalidInput
from rtutils_core.tags import MAX_DIGITS, MIN_DIGITS, TagFormat, TagFormats

BACKENDS = ("rt", "demo")
LOG_FORMATS = ("json", "console")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
QR_TARGETS = ("rt", "service")
DEFAULT_WORKING_DIR = "/var/lib/request-tracker-utils"


@frozen(repr=False)
class Secret:
    """A secret string that never shows itself in a repr, str or format."""

    _value: str = field(alias="value")

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


#: name -> (default shown in docs, description). Order is the order in ``--help``.
VARIABLES: dict[str, tuple[str, str]] = {
    "RTUTILS_BACKEND": ("rt", "Ticket backend: 'rt' (Request Tracker) or 'demo' (built-in data)"),
    "RT_URL": ("https://tickets.wc-12.com", "Base URL of Request Tracker (no trailing path)"),
    "API_ENDPOINT": ("/REST/2.0", "Path of RT's REST 2.0 API below RT_URL"),
    "RT_TOKEN": ("(none)", "RT auth token; secret, required for the 'rt' backend"),
    "RT_CONNECT_TIMEOUT": ("5", "Seconds to wait for a connection to RT"),
    "RT_READ_TIMEOUT": ("30", "Seconds to wait for RT to answer"),
    "RT_CACHE_SECONDS": ("300", "How long catalog and custom-field metadata is cached"),
    "PREFIX": ("W12-", "Prefix of new asset tags"),
    "TAG_DIGITS": ("5", "Digits after the prefix (W12-00001 has 5)"),
    "EXTRA_PREFIXES": ("(none)", "More tag prefixes with their own sequences, comma-separated"),
    "PADDING": ("4", "Label padding in mm"),
    "LABEL_WIDTH_MM": ("100", "Width of the default label template in mm"),
    "LABEL_HEIGHT_MM": ("62", "Height of the default label template in mm"),
    "ORGANISATION": ("(none)", "Optional organisation line printed on labels"),
    "QR_TARGET": ("rt", "QR code points to the RT asset page ('rt') or this service ('service')"),
    "PUBLIC_URL": ("(none)", "Public base URL of this service; needed when QR_TARGET=service"),
    "TEMPLATE_BY_TYPE": (
        "Charger=small,Power Adapter=small",
        "Label template per asset Type custom field, 'Type=template,...'",
    ),
    "MAX_BATCH": ("2000", "Most labels in one batch request"),
    "HOST": ("127.0.0.1", "Address to listen on"),
    "PORT": ("5000", "Port to listen on"),
    "THREADS": ("8", "Worker threads of the web server"),
    "WORKING_DIR": (
        DEFAULT_WORKING_DIR,
        "State directory (tag database); the demo uses a fresh temporary one if unset",
    ),
    "LOG_FORMAT": ("json", "'json' (one object per line) or 'console'; console on a terminal"),
    "LOG_LEVEL": ("INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL"),
    "SECRET_KEY": ("(none)", "Session signing key; secret, required for the 'rt' backend"),
    "RTUTILS_API_TOKENS": ("(none)", "API tokens 'name:role:token,...'; secret"),
}


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, not {value:g}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip() or default
    value = raw.upper() if name == "LOG_LEVEL" else raw.lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL such as {default!r}, not {raw!r}")
    return raw.rstrip("/")


def _mapping(env: Mapping[str, str], name: str, default: str) -> dict[str, str]:
    raw = env.get(name, default)
    result: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{name} entries must look like 'Key=value', not {item!r}")
        result[key.strip()] = value.strip()
    return result


@frozen
class Settings:
    """Every setting of the service. Build it with :meth:`from_env`."""

    backend: str = "demo"
    rt_url: str = "https://tickets.wc-12.com"
    api_endpoint: str = "/REST/2.0"
    rt_token: Secret = Secret("")
    rt_connect_timeout: float = 5.0
    rt_read_timeout: float = 30.0
    rt_cache_seconds: float = 300.0
    tag_formats: TagFormats = TagFormats(TagFormat())
    padding_mm: float = 4.0
    label_width_mm: float = 100.0
    label_height_mm: float = 62.0
    organisation: str = ""
    qr_target: str = "rt"
    public_url: str = ""
    template_by_type: Mapping[str, str] = field(
        factory=lambda: {"Charger": "small", "Power Adapter": "small"}, hash=False
    )
    max_batch: int = 2000
    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 8
    working_dir: Path | None = None
    log_format: str = "json"
    log_level: str = "INFO"
    secret_key: Secret = Secret("")
    api_tokens: Secret = Secret("")

    @property
    def api_url(self) -> str:
        """Where RT's REST 2.0 API lives, e.g. ``https://rt.example.org/REST/2.0``."""
        return self.rt_url + self.api_endpoint

    @property
    def prefix(self) -> str:
        return self.tag_formats.default.prefix

    @property
    def is_demo(self) -> bool:
        return self.backend == "demo"

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for log redaction."""
        return tuple(
            s.reveal() for s in (self.rt_token, self.secret_key, self.api_tokens) if s
        ) + tuple(
            part.rsplit(":", 1)[-1]
            for part in self.api_tokens.reveal().split(",")
            if part.count(":") >= 2
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the environment; raise :class:`ConfigError` naming the variable."""
        env = os.environ if environ is None else environ
        backend = _choice(env, "RTUTILS_BACKEND", "rt", BACKENDS)
        token = env.get("RT_TOKEN", "").strip()
        if backend == "rt" and not token:
            raise ConfigError(
                "RT_TOKEN is required when RTUTILS_BACKEND=rt (set it in the secrets file),"
                " or use the demo backend with RTUTILS_BACKEND=demo"
            )
        if token and any(c.isspace() for c in token):
            raise ConfigError("RT_TOKEN contains white space; check the secrets file")
        endpoint = env.get("API_ENDPOINT", "").strip() or "/REST/2.0"
        if not endpoint.startswith("/"):
            raise ConfigError(
                f"API_ENDPOINT must start with '/', such as '/REST/2.0', not {endpoint!r}"
            )
        digits = _int(env, "TAG_DIGITS", 5, MIN_DIGITS, MAX_DIGITS)
        try:
            default_fmt = TagFormat(env.get("PREFIX", "").strip() or "W12-", digits)
            extra = tuple(
                TagFormat(p.strip(), digits)
                for p in env.get("EXTRA_PREFIXES", "").split(",")
                if p.strip() and p.strip() != default_fmt.prefix
            )
        except InvalidInput as exc:
            name = (
                "EXTRA_PREFIXES"
                if "prefix" in exc.message and env.get("EXTRA_PREFIXES")
                else "PREFIX"
            )
            raise ConfigError(f"{name}: {exc.message}") from None
        qr_target = _choice(env, "QR_TARGET", "rt", QR_TARGETS)
        public_url = env.get("PUBLIC_URL", "").strip()
        if public_url or qr_target == "service":
            if not public_url:
                raise ConfigError("PUBLIC_URL is required when QR_TARGET=service")
            public_url = _url(env, "PUBLIC_URL", public_url)
        working = env.get("WORKING_DIR", "").strip()
        if not working and backend == "rt":
            working = DEFAULT_WORKING_DIR
        if working and not Path(working).is_absolute():
            raise ConfigError(f"WORKING_DIR must be an absolute path, not {working!r}")
        secret_key = env.get("SECRET_KEY", "").strip()
        if backend == "rt" and len(secret_key) < 16:
            raise ConfigError(
                "SECRET_KEY is required when RTUTILS_BACKEND=rt and must be at least 16"
                " characters (set it in the secrets file)"
            )
        return cls(
            backend=backend,
            rt_url=_url(env, "RT_URL", "https://tickets.wc-12.com"),
            api_endpoint=endpoint.rstrip("/"),
            rt_token=Secret(token),
            rt_connect_timeout=_float(env, "RT_CONNECT_TIMEOUT", 5.0, 0.1, 300),
            rt_read_timeout=_float(env, "RT_READ_TIMEOUT", 30.0, 0.1, 600),
            rt_cache_seconds=_float(env, "RT_CACHE_SECONDS", 300.0, 0, 86400),
            tag_formats=TagFormats(default_fmt, extra),
            padding_mm=_float(env, "PADDING", 4.0, 0, 20),
            label_width_mm=_float(env, "LABEL_WIDTH_MM", 100.0, 10, 300),
            label_height_mm=_float(env, "LABEL_HEIGHT_MM", 62.0, 10, 300),
            organisation=env.get("ORGANISATION", "").strip(),
            qr_target=qr_target,
            public_url=public_url,
            template_by_type=_mapping(env, "TEMPLATE_BY_TYPE", "Charger=small,Power Adapter=small"),
            max_batch=_int(env, "MAX_BATCH", 2000, 1, 100_000),
            host=env.get("HOST", "").strip() or "127.0.0.1",
            port=_int(env, "PORT", 5000, 1, 65535),
            threads=_int(env, "THREADS", 8, 1, 256),
            working_dir=Path(working) if working else None,
            log_format=_choice(env, "LOG_FORMAT", "json", LOG_FORMATS),
            log_level=_choice(env, "LOG_LEVEL", "INFO", LOG_LEVELS),
            secret_key=Secret(secret_key),
            api_tokens=Secret(env.get("RTUTILS_API_TOKENS", "").strip()),
        )
