"""RT's address as it may be shown: in links, pages, logs and error messages.

``RT_URL`` may carry ``user:password@`` (HTTP Basic auth in front of RT). Every message and
link built from the address takes it from here, so the credentials are never part of one.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def shown_host(url: str) -> str:
    """The host (and port) of ``url``, without ``user:password@``."""
    return urlsplit(url).netloc.rpartition("@")[2]


def without_credentials(url: str) -> str:
    """``url`` without the ``user:password@`` part, if it has one."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=shown_host(url)))
