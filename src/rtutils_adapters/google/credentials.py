"""Service-account credentials with domain-wide delegation, through google-auth.

google-auth signs the JWT and exchanges it for access tokens (and renews them); this module
only loads the key file and turns every way it can be wrong into a ConfigError that names
the setting to fix, before anything is read or written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.auth import exceptions as google_exceptions
from google.oauth2 import service_account

from rtutils_core.errors import ConfigError

#: The one scope the sync needs: read Chrome OS devices and set their annotations.
CHROMEOS_SCOPE = "https://www.googleapis.com/auth/admin.directory.device.chromeos"

#: The settings these values come from, named in every error message.
KEY_FILE_SETTING = "GOOGLE_SERVICE_ACCOUNT_FILE"
SUBJECT_SETTING = "GOOGLE_ADMIN_SUBJECT"
CUSTOMER_SETTING = "GOOGLE_CUSTOMER_ID"
TOKEN_URL_SETTING = "GOOGLE_TOKEN_URL"  # noqa: S105 (a setting name, not a secret)
API_URL_SETTING = "GOOGLE_API_URL"

_KEY_FIELDS = ("client_email", "private_key")


def _read_key_file(key_file: Path) -> dict[str, Any]:
    try:
        text = key_file.read_text("utf-8")
    except OSError as error:
        raise ConfigError(
            f"{KEY_FILE_SETTING}: cannot read the service-account key file {str(key_file)!r}"
            f" ({error.strerror or error})"
        ) from None
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    missing = [k for k in _KEY_FIELDS if not isinstance(info, dict) or not info.get(k)]
    if not isinstance(info, dict) or info.get("type") != "service_account" or missing:
        raise ConfigError(
            f"{KEY_FILE_SETTING}: {str(key_file)!r} is not a service-account key"
            " (a JSON file from Google Cloud with type 'service_account', client_email and"
            " private_key)"
        )
    return info


def service_account_credentials(
    key_file: str | Path, subject: str, *, token_url: str | None = None
) -> service_account.Credentials:
    """Credentials that act as the admin ``subject`` with the Chrome OS scope.

    ``token_url`` replaces the key file's ``token_uri`` (tests point it at a stand-in).
    """
    if "@" not in subject.strip():
        raise ConfigError(
            f"{SUBJECT_SETTING}: give the e-mail address of the Google Workspace admin the"
            f" service account acts as, not {subject!r}"
        )
    info = _read_key_file(Path(key_file))
    if token_url:
        info["token_uri"] = token_url
    info.setdefault("token_uri", "https://oauth2.googleapis.com/token")
    # google-auth ships py.typed but leaves this constructor unannotated.
    read_info = service_account.Credentials.from_service_account_info
    try:
        credentials: service_account.Credentials = read_info(  # type: ignore[no-untyped-call]
            info, scopes=[CHROMEOS_SCOPE], subject=subject.strip()
        )
    except (ValueError, google_exceptions.GoogleAuthError):
        # The message of google-auth may quote the key; say only what is wrong with the file.
        raise ConfigError(
            f"{KEY_FILE_SETTING}: the private key in {str(key_file)!r} cannot be loaded"
            " (not a PEM-encoded RSA key)"
        ) from None
    return credentials
