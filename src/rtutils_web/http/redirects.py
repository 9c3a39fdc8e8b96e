"""Where a redirect may go: a ``next`` a request names is followed only to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a plain path on this site, else ``fallback``: never an open redirect.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    ``/\\t/evil.example`` would leave the site as ``//evil.example``: such a ``next`` is refused.
    """
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or not target.isprintable() or any(c.isspace() for c in target):
        # Control characters (CR/LF would split the Location header), spaces, backslashes.
        return fallback
    return target
