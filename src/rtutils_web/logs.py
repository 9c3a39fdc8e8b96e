"""Structured logging: configured once at start-up, JSON lines in production.

Every line carries ``timestamp`` (ISO 8601, UTC), ``level``, ``event``, ``logger`` and, during a
request, ``request_id``. Secret values are redacted by a processor before rendering.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

REDACTED = "[redacted]"
_SECRET_KEYS = re.compile(r"(authorization|token|password|secret|cookie|api_key)", re.I)
# Whatever follows "Authorization:" and its scheme is a credential, however short.
_AUTH_HEADER = re.compile(
    r"(authorization[\"']?\s*[:=]\s*[\"']?(?:(?:token|bearer|basic)\s+)?)[^\s'\",]+", re.I
)
# Elsewhere, a credential after a scheme word looks like one: long, with a digit or a sign
# ("the token is not valid" stays as it is).
_TOKEN_HEADER = re.compile(
    r"((?:token|bearer|basic)\s+)(?=[^\s'\",]*[0-9+/=_-])[^\s'\",]{16,}", re.I
)
_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
#: Other libraries' messages that deserve a name of their own, by logger.
_FOREIGN_EVENTS = {
    "flask_wtf.csrf": "csrf_failed",
    "waitress": "wsgi_server_error",
    "waitress.queue": "wsgi_queue_backlog",
}


class SecretRedactor:
    """A structlog processor that hides secret values wherever they appear."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True))

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self.secrets:
                value = value.replace(secret, REDACTED)
            value = _AUTH_HEADER.sub(r"\1" + REDACTED, value)
            return _TOKEN_HEADER.sub(r"\1" + REDACTED, value)
        if isinstance(value, dict):
            return {k: REDACTED if _is_secret_key(k) else self._clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._clean(v) for v in value)
        return value

    def __call__(
        self, logger: Any, method: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key, value in list(event_dict.items()):
            if _is_secret_key(key):
                event_dict[key] = REDACTED
            elif isinstance(value, BaseException):
                event_dict[key] = self._clean(repr(value))
            else:
                event_dict[key] = self._clean(value)
        return event_dict


def _is_secret_key(key: Any) -> bool:
    return isinstance(key, str) and bool(_SECRET_KEYS.search(key)) and key != "token_name"


def _name_the_event(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Every line's ``event`` is a snake_case name; another library's sentence moves to
    ``message`` (waitress's own 5xx becomes ``wsgi_server_error``)."""
    event = event_dict.get("event")
    if isinstance(event, str) and _SNAKE_CASE.match(event):
        return event_dict
    source = str(event_dict.get("logger", ""))
    event_dict["message"] = event
    event_dict["event"] = (
        _FOREIGN_EVENTS.get(source)
        or (re.sub(r"[^a-z0-9]+", "_", source.lower()).strip("_") or "log") + "_message"
    )
    return event_dict


def _add_logger_name(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    record = event_dict.get("_record")
    if record is not None:
        event_dict.setdefault("logger", record.name)
    else:
        event_dict.setdefault("logger", getattr(logger, "name", None) or "rtutils")
    return event_dict


def configure_logging(
    *,
    level: str = "INFO",
    fmt: str = "json",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Configure structlog and the standard library's logging once for the process.

    ``fmt`` is ``json`` or ``console``; ``auto`` picks console on a terminal, JSON otherwise.
    """
    stream = stream or sys.stdout
    if fmt == "auto":
        fmt = "console" if stream.isatty() else "json"
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        _add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _name_the_event,
    ]
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=stream.isatty())
        if fmt == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            # Last before rendering, so that tracebacks and other libraries' extras are
            # redacted too.
            SecretRedactor(secrets),
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
