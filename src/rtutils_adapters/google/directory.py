"""Chrome OS devices through the Admin SDK Directory API (``admin/directory/v1``).

One pooled, authorised session (google-auth's ``AuthorizedSession``: it fetches and renews
the access token) with urllib3's ``Retry`` mounted for 429 and 5xx, honouring Retry-After.
Every failure leaves this module as one of the core's errors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from google.auth import exceptions as google_exceptions
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from rtutils_adapters.google.credentials import (
    API_URL_SETTING,
    CUSTOMER_SETTING,
    KEY_FILE_SETTING,
    SUBJECT_SETTING,
    TOKEN_URL_SETTING,
    service_account_credentials,
)
from rtutils_adapters.google.wire import annotations_to_json, device_from_json
from rtutils_core.errors import (
    BackendAuthFailed,
    BackendRejected,
    BackendTimeout,
    BackendUnavailable,
    DeviceNotFound,
    InvalidInput,
)
from rtutils_core.google import AnnotationChanges, ChromeDevice

log = logging.getLogger("rtutils.google")

API_URL = "https://admin.googleapis.com"
#: The API's own ceiling for ``maxResults``.
MAX_PAGE_SIZE = 300
RETRY_STATUSES = (429, 500, 502, 503, 504)


def _google_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error")
    except ValueError:
        error = None
    message = error.get("message") if isinstance(error, Mapping) else None
    return str(message or response.reason or response.status_code)[:300]


class GoogleAdminDirectory:
    """The :class:`~rtutils_core.google.ports.ChromeDeviceDirectory` of one Workspace customer."""

    def __init__(
        self,
        credentials: Credentials,
        customer_id: str = "my_customer",
        *,
        api_url: str = API_URL,
        page_size: int = 100,
        timeout: tuple[float, float] = (5.0, 60.0),
        retries: int = 5,
        backoff: float = 0.5,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"page_size is 1 to {MAX_PAGE_SIZE}, not {page_size}")
        if not customer_id.strip():
            raise InvalidInput(f"{CUSTOMER_SETTING}: a customer id is needed ('my_customer')")
        self.page_size = page_size
        self._timeout = timeout
        self._base = (
            f"{api_url.rstrip('/')}/admin/directory/v1/customer/"
            f"{quote(customer_id.strip(), safe='')}/devices/chromeos"
        )
        retry = Retry(
            total=retries,
            backoff_factor=backoff,
            status_forcelist=RETRY_STATUSES,
            # Setting annotations to given values is idempotent, so a PATCH may be repeated.
            allowed_methods=frozenset({"GET", "PATCH"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        # google-auth's AuthorizedSession is unannotated (a requests.Session underneath).
        self._session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=4)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    @classmethod
    def from_key_file(
        cls,
        key_file: str | Path,
        subject: str,
        customer_id: str = "my_customer",
        *,
        token_url: str | None = None,
        **options: Any,
    ) -> GoogleAdminDirectory:
        """A directory acting as ``subject`` with the service account in ``key_file``."""
        credentials = service_account_credentials(key_file, subject, token_url=token_url)
        return cls(credentials, customer_id, **options)

    def close(self) -> None:
        self._session.close()  # type: ignore[no-untyped-call]  # google-auth: unannotated

    def _request(
        self, method: str, url: str, device_id: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        try:
            response = self._session.request(  # type: ignore[no-untyped-call]  # as above
                method, url, timeout=self._timeout, **kwargs
            )
        except google_exceptions.RefreshError as error:
            reason = str(error.args[0] if error.args else error)[:200]
            raise BackendAuthFailed(
                f"Google refused the service account's token request ({reason}); check"
                f" {KEY_FILE_SETTING} (the key), {SUBJECT_SETTING} (an admin of the domain)"
                " and the domain-wide delegation of the Chrome OS scope"
            ) from None
        except google_exceptions.TransportError:
            raise BackendUnavailable(
                f"Google's token endpoint could not be reached (check {TOKEN_URL_SETTING})"
            ) from None
        except requests.Timeout:
            raise BackendTimeout("the Google Directory API did not answer in time") from None
        except requests.RequestException:
            raise BackendUnavailable(
                f"the Google Directory API could not be reached (check {API_URL_SETTING})"
            ) from None
        return self._answer(response, device_id)

    @staticmethod
    def _answer(response: requests.Response, device_id: str | None) -> dict[str, Any]:
        status = response.status_code
        if status < 300:
            data = response.json()
            return data if isinstance(data, dict) else {}
        message = _google_message(response)
        if status in (401, 403):
            raise BackendAuthFailed(
                f"Google refused access to Chrome OS devices ({status}: {message}); check that"
                f" {SUBJECT_SETTING} is an admin allowed to manage Chrome devices and that"
                " the scope is delegated to the service account"
            )
        if status == 404 and device_id is not None:
            raise DeviceNotFound(f"no Chrome OS device with id {device_id!r}")
        if status in RETRY_STATUSES:
            raise BackendUnavailable(f"the Google Directory API answered {status}: {message}")
        raise BackendRejected(
            f"the Google Directory API refused the request ({status}: {message});"
            f" check {CUSTOMER_SETTING} if every request fails"
        )

    def iter_devices(self, org_unit: str | None = None) -> Iterator[ChromeDevice]:
        params: dict[str, str | int] = {"maxResults": self.page_size, "projection": "FULL"}
        if org_unit:
            params |= {"orgUnitPath": org_unit, "includeChildOrgunits": "true"}
        pages = 0
        while True:
            data = self._request("GET", self._base, params=params)
            pages += 1
            for item in data.get("chromeosdevices") or ():
                yield device_from_json(item)
            token = data.get("nextPageToken")
            if not token:
                log.debug("listed Chrome OS devices", extra={"pages": pages})
                return
            params["pageToken"] = token

    def _device_url(self, device_id: str) -> str:
        if not device_id.strip():
            raise InvalidInput("a Chrome OS device id is needed")
        return f"{self._base}/{quote(device_id, safe='')}"

    def get_device(self, device_id: str) -> ChromeDevice:
        url = self._device_url(device_id)
        data = self._request("GET", url, device_id, params={"projection": "FULL"})
        return device_from_json(data)

    def update_annotations(self, device_id: str, changes: AnnotationChanges) -> ChromeDevice:
        url = self._device_url(device_id)
        if changes.is_empty():
            return self.get_device(device_id)
        data = self._request(
            "PATCH",
            url,
            device_id,
            params={"projection": "FULL"},
            json=annotations_to_json(changes),
        )
        return device_from_json(data)
