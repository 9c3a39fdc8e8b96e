"""A stand-in for Google on loopback: the OAuth token endpoint and the Directory API's devices.

It speaks just enough of both for the sync: the service-account JWT flow (the assertion's
signature, issuer, subject, audience and scope are checked with google-auth's own decoder),
and ``chromeosdevices`` list (``maxResults``, ``pageToken``/``nextPageToken``,
``orgUnitPath`` with ``includeChildOrgunits``), get and patch, each refusing a request
without a bearer token it issued. Faults can be queued: ``standin.faults.append((429,
{"Retry-After": "1"}))`` answers the next Directory request with that.

Fixtures (registered in tests/conftest.py): ``google_key`` (a throwaway RSA key pair,
session-wide), ``google_standin`` (a running stand-in per test), ``google_key_file`` (a
service-account key file for it) and ``google_directory`` (the adapter pointed at it).
"""

from __future__ import annotations

import base64
import calendar
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from attrs import define, field
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt

from rtutils_adapters.google import GoogleAdminDirectory
from rtutils_core.google import ChromeDevice

CUSTOMER = "C0standin"
ADMIN = "it-admin@district.example.org"
CLIENT_EMAIL = "rt-sync@district-project.iam.gserviceaccount.com"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/admin.directory.device.chromeos"
DEVICES_PATH = f"/admin/directory/v1/customer/{CUSTOMER}/devices/chromeos"
WRITABLE = {"annotatedAssetId", "annotatedUser", "annotatedLocation", "notes", "orgUnitPath"}


def device_json(device: ChromeDevice) -> dict[str, Any]:
    """A device as the Directory API sends it (written here independently of the adapter)."""
    data: dict[str, Any] = {
        "kind": "admin#directory#chromeosdevice",
        "deviceId": device.device_id,
        "serialNumber": device.serial_number,
        "status": device.status or "ACTIVE",
        "model": device.model,
        "orgUnitPath": device.org_unit_path or "/",
        "osVersion": device.os_version,
        "macAddress": device.mac_address,
    }
    optional = {
        "ethernetMacAddress": device.ethernet_mac_address,
        "annotatedAssetId": device.annotated_asset_id,
        "annotatedUser": device.annotated_user,
        "annotatedLocation": device.annotated_location,
        "notes": device.notes,
    }
    data |= {k: v for k, v in optional.items() if v}
    if device.last_sync:
        moment = device.last_sync.astimezone(UTC).isoformat(timespec="milliseconds")
        data["lastSync"] = moment.replace("+00:00", "Z")
    if device.auto_update_expiration:
        midnight = calendar.timegm(device.auto_update_expiration.timetuple())
        data["autoUpdateExpiration"] = str(midnight * 1000)
    if device.most_recent_user:
        data["recentUsers"] = [
            {"type": "USER_TYPE_UNMANAGED"},
            {"type": "USER_TYPE_MANAGED", "email": device.most_recent_user},
        ]
    return data


@define
class DirectoryStandIn:
    """State of the stand-in; tests read ``counts``, ``patches`` and ``devices`` directly."""

    public_key: str
    admins: set[str] = field(factory=lambda: {ADMIN})
    devices: dict[str, dict[str, Any]] = field(factory=dict)
    tokens: set[str] = field(factory=set)
    faults: list[tuple[int, dict[str, str]]] = field(factory=list)
    counts: Counter[str] = field(factory=Counter)
    patches: list[tuple[str, dict[str, Any]]] = field(factory=list)
    seen: list[tuple[float, str, int]] = field(factory=list)  # (time, method path, status)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    def add(self, device: ChromeDevice) -> None:
        self.devices[device.device_id] = device_json(device)

    def start(self) -> None:
        standin = self

        class Handler(_Handler):
            state = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    state: DirectoryStandIn

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        """Quiet: pytest shows the test's own output."""

    def _reply(self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] = {}) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.state.seen.append((time.monotonic(), f"{self.command} {self.path}", status))

    def _error(self, status: int, message: str, headers: Mapping[str, str] = {}) -> None:
        self._reply(status, {"error": {"code": status, "message": message}}, headers)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            return self._error(404, "Not Found")
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        self.state.counts["token"] += 1
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self._reply(400, {"error": "unsupported_grant_type"})
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                certs=self.state.public_key,
                # google-auth addresses the assertion to Google's token endpoint, wherever
                # it sends it; that is the audience Google itself checks.
                audience=GOOGLE_TOKEN_AUDIENCE,
            )
        except ValueError:
            return self._reply(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
        if claims.get("iss") != CLIENT_EMAIL or SCOPE not in str(claims.get("scope")).split():
            return self._reply(400, {"error": "invalid_scope"})
        if claims.get("sub") not in self.state.admins:
            return self._reply(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Client is unauthorized to retrieve access tokens"
                    " using this method, or client not authorized for any of the scopes"
                    " requested.",
                },
            )
        token = "standin-" + secrets.token_hex(12)
        self.state.tokens.add(token)
        return self._reply(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[7:] in self.state.tokens:
            return True
        self.state.counts["unauthorised"] += 1
        self._error(401, "Request had invalid authentication credentials.")
        return False

    def _route(self) -> tuple[str | None, dict[str, str]] | None:
        """The device id ('' for the collection) and query, after the common checks."""
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if not self._authorised():
            return None
        if self.state.faults:
            status, headers = self.state.faults.pop(0)
            self._error(status, "injected fault", headers)
            return None
        if not parts.path.startswith(DEVICES_PATH):
            self._error(400, "Bad Request")  # what Google answers for an unknown customer
            return None
        return parts.path[len(DEVICES_PATH) :].lstrip("/"), query

    def do_GET(self) -> None:
        routed = self._route()
        if routed is None:
            return None
        device_id, query = routed
        if device_id:
            self.state.counts["get"] += 1
            if device_id not in self.state.devices:
                return self._error(404, "Resource Not Found: deviceId")
            return self._reply(200, self.state.devices[device_id])
        return self._list(query)

    def _list(self, query: dict[str, str]) -> None:
        self.state.counts["list"] += 1
        self.state.counts[f"projection={query.get('projection', 'BASIC')}"] += 1
        size = int(query.get("maxResults", "100"))
        if not 1 <= size <= 300:
            return self._error(400, "Invalid value for maxResults")
        devices = list(self.state.devices.values())
        if "orgUnitPath" in query:
            unit = "/" + query["orgUnitPath"].strip("/")
            children = query.get("includeChildOrgunits") == "true"
            devices = [
                d
                for d in devices
                if d["orgUnitPath"] == unit
                or (children and d["orgUnitPath"].startswith(unit.rstrip("/") + "/"))
            ]
        token = query.get("pageToken")
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        body: dict[str, Any] = {
            "kind": "admin#directory#chromeosdevices",
            "chromeosdevices": devices[start : start + size],
        }
        if start + size < len(devices):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return self._reply(200, body)

    def do_PATCH(self) -> None:
        routed = self._route()
        if routed is None:
            return None
        device_id, _ = routed
        self.state.counts["patch"] += 1
        if not device_id or device_id not in self.state.devices:
            return self._error(404, "Resource Not Found: deviceId")
        body = json.loads(self._body() or b"{}")
        if not isinstance(body, dict) or set(body) - WRITABLE:
            return self._error(400, f"Invalid field selection {sorted(set(body) - WRITABLE)}")
        self.state.patches.append((device_id, body))
        self.state.devices[device_id] |= body
        return self._reply(200, self.state.devices[device_id])


def new_key_pair() -> tuple[str, str]:
    """A throwaway RSA key pair (private PKCS#8 PEM, public PEM), made for this run only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="session")
def google_key() -> tuple[str, str]:
    """The service account's key pair for the session (the stand-in knows the public half)."""
    return new_key_pair()


def write_key_file(path: Path, private_key: str, token_uri: str) -> Path:
    """A service-account key file as Google Cloud hands it out."""
    info = {
        "type": "service_account",
        "project_id": "district-project",
        "private_key_id": secrets.token_hex(20),
        "private_key": private_key,
        "client_email": CLIENT_EMAIL,
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info), "utf-8")
    return path


@pytest.fixture
def google_standin(google_key: tuple[str, str]) -> Iterator[DirectoryStandIn]:
    standin = DirectoryStandIn(public_key=google_key[1])
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture
def google_key_file(
    tmp_path: Path, google_key: tuple[str, str], google_standin: DirectoryStandIn
) -> Path:
    # The key file names Google's real token URI; the adapter's token_url setting overrides it.
    return write_key_file(
        tmp_path / "service-account.json", google_key[0], "https://oauth2.googleapis.com/token"
    )


def standin_directory(
    standin: DirectoryStandIn, key_file: Path, subject: str = ADMIN, **options: Any
) -> GoogleAdminDirectory:
    """The adapter pointed at ``standin`` (quick retries, so fault tests stay fast)."""
    options = {"backoff": 0.05, "page_size": 100, **options}
    return GoogleAdminDirectory.from_key_file(
        key_file,
        subject,
        CUSTOMER,
        token_url=standin.token_url,
        api_url=standin.url,
        **options,
    )


@pytest.fixture
def google_directory(
    google_standin: DirectoryStandIn, google_key_file: Path
) -> Iterator[GoogleAdminDirectory]:
    directory = standin_directory(google_standin, google_key_file)
    yield directory
    directory.close()
