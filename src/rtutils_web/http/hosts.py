"""Which ``Host`` headers the service answers, and redirects that never name one.

A ``Host`` header is the client's to choose. With ``TRUSTED_HOSTS`` set, Flask refuses a
request for any other host (400); either way the service's own redirects are relative, so a
forged ``Host`` never becomes the target of a ``Location`` (Werkzeug writes its routing
redirects, such as ``/static//app.css`` to ``/static/app.css``, as absolute URLs).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, request

from rtutils_core.errors import ConfigError

#: A host name or address as a ``Host`` header carries it, without the port; a leading dot
#: stands for every subdomain (Werkzeug's rule).
_HOST = re.compile(r"^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def host_names(name: str, raw: str) -> tuple[str, ...]:
    """``host,host,...`` (``rtutils.example.org``, ``.example.org``); none: any host."""
    hosts = tuple(dict.fromkeys(h.strip().lower() for h in raw.split(",") if h.strip()))
    if bad := [h for h in hosts if not _HOST.match(h)]:
        raise ConfigError(
            f"{name}: {bad[0][:40]!r} is not a host name such as 'rtutils.example.org' (no"
            " scheme, port or path)"
        )
    return hosts


def install_host_rules(app: Flask, trusted_hosts: tuple[str, ...]) -> None:
    """Refuse other hosts than ``trusted_hosts`` (if any); make redirects to this site relative."""
    if trusted_hosts:
        app.config["TRUSTED_HOSTS"] = list(trusted_hosts)

    @app.after_request
    def _relative_location(response: Response) -> Response:
        location = response.headers.get("Location")
        if location:
            parts = urlsplit(location)
            if parts.netloc and parts.netloc == request.host:
                relative = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
                response.headers["Location"] = relative
        return response
