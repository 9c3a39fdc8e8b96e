"""Header values built from data: asset Names, tags and the like may hold anything.

An RT Name can carry a newline, a tab or U+2028; put raw into a header it splits the header
or makes the WSGI server fail after the app has answered. Everything from data goes through
these functions.
"""

from __future__ import annotations

import re
from urllib.parse import quote

#: What a filename keeps in its plain ``filename=`` form; anything else becomes ``_``.
_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(kind: str, filename: str) -> str:
    """``kind`` (``inline``/``attachment``) with ``filename`` as RFC 6266 asks.

    A plain ASCII ``filename`` for old clients and ``filename*`` (UTF-8, percent-encoded) with
    the name as it is, less control characters, for everyone else.
    """
    printable = "".join(c for c in filename if c.isprintable()).strip() or "download"
    plain = _PLAIN.sub("_", printable).strip("_") or "download"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(printable, safe='')}"


def header_text(value: str) -> str:
    """``value`` safe as a header value: no control characters, only Latin-1 as HTTP allows."""
    printable = "".join(c if c.isprintable() else " " for c in value)
    return printable.encode("latin-1", "replace").decode("latin-1")
