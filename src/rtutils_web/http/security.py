"""Response headers that keep browsers strict, and the limits on what a request may carry."""

from __future__ import annotations

from flask import Flask, Response

from rtutils_web.settings import Settings

#: Scripts and styles only from this service's own files: no inline script can run.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: Largest request body accepted (a batch of MAX_BATCH tags is far smaller).
MAX_REQUEST_BYTES = 1024 * 1024
#: With an https PUBLIC_URL, browsers are told to use nothing but https here for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
#: Documents a browser shows on their own and that the policy would break (the PDF viewer).
_OWN_VIEWER_TYPES = ("application/pdf",)


def configure_security(app: Flask, settings: Settings) -> None:
    """Cookie flags, size limits and the security headers on every response."""
    is_https = settings.public_url.startswith("https://")
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES,
        MAX_FORM_PARTS=50,
        SESSION_COOKIE_NAME="rtutils_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=is_https,
        PERMANENT_SESSION_LIFETIME=12 * 60 * 60,  # one working day at the desk
    )

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if is_https:
            headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        if response.mimetype not in _OWN_VIEWER_TYPES:
            headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            headers.setdefault("X-Frame-Options", "DENY")
        if "Cache-Control" not in headers:
            # Asset data and labels are for the signed-in desk only; no shared caches.
            headers["Cache-Control"] = "no-store"
        return response
