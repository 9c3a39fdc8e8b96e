"""The HTTP side of RT REST 2.0: one pooled session, the token, timeouts, retries, errors.

Every transport failure leaves this module as one of the core's errors. The token lives in
a :class:`TokenAuth` that adds the header as a request goes out; it is never logged, never
put in an exception message and never shown in a repr. Requests use RT sessions signed in
with it (:mod:`rtutils_adapters.rt.sessions`) unless those are turned off or unavailable.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import logging
import re
import threading
import time
from collections.abc import Collection, Mapping
from typing import Any

import requests
from attrs import frozen
from requests.adapters import HTTPAdapter

from rtutils_adapters.rt import meter, wire
from rtutils_adapters.rt.address import shown_host
from rtutils_adapters.rt.sessions import RTSessions, is_origin_refused, is_session_refused
from rtutils_core.errors import (
    BackendAuthFailed,
    BackendRejected,
    BackendTimeout,
    BackendUnavailable,
    BackendUnreachable,
    RtutilsError,
)
from rtutils_core.secrets import Secret

# Standard logging, so a library user who configures nothing hears nothing below WARNING;
# the web shell routes these records through structlog with their ``extra`` fields.
log = logging.getLogger("rtutils.rt")

#: Answers worth another try for a request that is safe to repeat.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: Answers of a gateway in front of RT that could not reach it (or of RT not serving yet):
#: RT is unreachable, not refusing, so a desk write may wait in the outbox.
GATEWAY_STATUSES = frozenset({502, 503, 504})


class TokenAuth(requests.auth.AuthBase):
    """``Authorization: token ...`` on every request; shows nothing of the token itself."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = "token " + self._token.reveal()
        return request

    def __repr__(self) -> str:
        return "TokenAuth(token=Secret('**********'))"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenAuth) and other._token == self._token

    __hash__ = None  # type: ignore[assignment]


@frozen
class Reply:
    """A successful (or expected) answer: decoded JSON, RT's ETag, and how many tries it took."""

    status: int
    data: Any
    etag: str | None = None
    attempts: int = 1


class RTClient:
    """A thread-safe client for one RT's REST 2.0 API (share one per process)."""

    def __init__(
        self,
        api_url: str,
        token: Secret,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
        pool_size: int = 10,
        web_url: str | None = None,
        sessions: bool = True,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self._sent = 0
        self._sent_lock = threading.Lock()
        session = requests.Session()
        session.headers.update({"Accept": "application/json", "User-Agent": "rtutils"})
        # No cookie jar: only the token, or a session cookie the pool chose, authenticates.
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        # Retries are decided here per request (see _is_repeatable), not by urllib3.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._session = session
        self.sessions = RTSessions(
            session,
            TokenAuth(token),
            web_url=web_url or self.api_url.rpartition("/REST/")[0] or self.api_url,
            api_url=self.api_url,
            timeout=self.timeout,
            enabled=sessions,
            max_sessions=pool_size,
        )

    def __repr__(self) -> str:
        return f"RTClient({self.api_url!r})"

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests went to RT so far (retries included)."""
        return self._sent

    def close(self) -> None:
        self.sessions.close()
        self._session.close()

    # -- the verbs ---------------------------------------------------------------------

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        what: str,
        on_404: RtutilsError | None = None,
    ) -> Reply:
        """GET ``path``; safe to repeat, so retried on connection failures and 5xx."""
        return self._send("GET", path, params=params, what=what, on_404=on_404)

    def post(self, path: str, body: Any, *, what: str, on_404: RtutilsError | None = None) -> Reply:
        """POST ``body``; never retried, since a repeat could create a second record."""
        return self._send("POST", path, body=body, what=what, on_404=on_404)

    def put(
        self,
        path: str,
        body: Any,
        *,
        what: str,
        if_match: str | None = None,
        on_404: RtutilsError | None = None,
    ) -> Reply:
        """PUT ``body``. With ``if_match`` a 412 comes back as a :class:`Reply`, not raised."""
        headers = {"If-Match": if_match} if if_match is not None else None
        expect = (412,) if if_match is not None else ()
        return self._send(
            "PUT", path, body=body, headers=headers, expect=expect, what=what, on_404=on_404
        )

    # -- machinery ---------------------------------------------------------------------

    @staticmethod
    def _is_repeatable(method: str, headers: Mapping[str, str] | None) -> bool:
        # A conditional PUT cannot apply twice: the first success changes the ETag.
        return method == "GET" or (method == "PUT" and bool(headers and "If-Match" in headers))

    def _send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        expect: Collection[int] = (),
        on_404: RtutilsError | None = None,
    ) -> Reply:
        url = self.api_url + path
        repeatable = self._is_repeatable(method, headers)
        for attempt in itertools.count(1):
            may_retry = repeatable and attempt <= self.retries
            started = time.perf_counter()
            try:
                response = self._timed_request(method, url, params, body, headers)
            except requests.ReadTimeout:
                # RT got the request and is slow; repeating it would only add to its load.
                raise BackendTimeout(
                    f"RT did not answer {what} within {self.timeout[1]:g} s (RT_READ_TIMEOUT)"
                ) from None
            except requests.ConnectionError as exc:
                if may_retry:
                    self._pause(method, path, attempt, _reason(exc))
                    continue
                raise _unreachable(exc, self.api_url, self.timeout[0]) from None
            except requests.exceptions.ChunkedEncodingError:
                # The connection broke in the middle of RT's answer.
                raise BackendUnreachable(
                    f"RT's answer to {what} broke off; the connection was lost"
                ) from None
            except requests.RequestException as exc:
                raise BackendUnavailable(
                    f"request to RT for {what} failed ({type(exc).__name__})"
                ) from None
            log.debug(
                "rt_request",
                extra={
                    "method": method,
                    "path": path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000),
                    "attempt": attempt,
                },
            )
            if response.status_code in RETRY_STATUSES and may_retry:
                self._pause(method, path, attempt, f"status {response.status_code}")
                continue
            return _reply(response, attempt, what=what, expect=expect, on_404=on_404)
        raise AssertionError("unreachable")  # pragma: no cover

    def _timed_request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> requests.Response:
        """One HTTP exchange with a session of the pool (or the token).

        A session RT no longer honours is renewed and the request sent once more: RT
        refuses it in its authentication, before the API runs, so the first one did nothing
        (the same holds for a write RT refused for its origin, sent again with the token).
        """
        request = {"params": params, "json": body, "headers": headers}
        auth = self.sessions.take(method)
        try:
            response = self._exchange(method, url, request, auth)
            if auth is not self.sessions.token and is_session_refused(response):
                auth = self.sessions.renew(auth)
                response = self._exchange(method, url, request, auth)
            elif auth is not self.sessions.token and is_origin_refused(response):
                auth = self.sessions.refuse_origin(auth)
                response = self._exchange(method, url, request, auth)
            return response
        finally:
            self.sessions.give_back(auth)

    def _exchange(
        self, method: str, url: str, request: Mapping[str, Any], auth: requests.auth.AuthBase
    ) -> requests.Response:
        """One HTTP request, counted, its time added to the operation's meter (failed too)."""
        with self._sent_lock:
            self._sent += 1
        started = time.perf_counter()
        try:
            return self._session.request(
                method,
                url,
                **request,
                auth=auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        finally:
            meter.record(time.perf_counter() - started)

    def _pause(self, method: str, path: str, attempt: int, reason: str) -> None:
        delay = self.backoff * 2 ** (attempt - 1)
        log.warning(
            "rt_retry",
            extra={"method": method, "path": path, "attempt": attempt, "reason": reason},
        )
        time.sleep(delay)


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def _reason(exc: BaseException) -> str:
    """A short cause such as 'Connection refused', without URLs or internals."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connection timed out"
    found = _ERRNO.search(str(exc))
    return found.group(1).strip() if found else type(exc).__name__


def _unreachable(exc: requests.ConnectionError, api_url: str, connect_timeout: float) -> Exception:
    host = shown_host(api_url)
    if isinstance(exc, requests.ConnectTimeout):
        return BackendTimeout(
            f"RT at {host} did not accept a connection within {connect_timeout:g} s"
            " (RT_CONNECT_TIMEOUT)"
        )
    return BackendUnreachable(f"RT at {host} could not be reached: {_reason(exc)}")


def _message(response: requests.Response) -> str:
    """RT's own explanation (``{"message": ...}``), or the HTTP reason."""
    try:
        message = wire.error_message(response.json())
    except ValueError:
        message = None
    if message is None:
        return response.reason or f"HTTP {response.status_code}"
    return message.strip()


def _json(response: requests.Response, what: str) -> Any:
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type or response.content[:200].lstrip()[:1] == b"<":
        raise BackendUnavailable(
            f"RT answered {what} with an HTML page instead of JSON (a login page or proxy"
            " error?); check RT_URL and API_ENDPOINT"
        )
    try:
        return response.json()
    except ValueError:
        raise BackendUnavailable(f"RT answered {what} with something that is not JSON") from None


def _reply(
    response: requests.Response,
    attempts: int,
    *,
    what: str,
    expect: Collection[int],
    on_404: RtutilsError | None,
) -> Reply:
    status = response.status_code
    etag = response.headers.get("ETag")
    if status in expect:
        return Reply(status, None, etag, attempts)
    if 200 <= status < 300:
        data = _json(response, what) if response.content else None
        return Reply(status, data, etag, attempts)
    if 300 <= status < 400:
        where = shown_host(response.headers.get("Location", "")) or "elsewhere"
        raise BackendUnavailable(
            f"RT redirected {what} to {where}; check RT_URL (http or https, host name)"
        )
    if status == 401:
        raise BackendAuthFailed("RT refused the token (401 Unauthorized); check RT_TOKEN")
    if status == 403:
        raise BackendAuthFailed(f"RT refused {what}: {_message(response)} (403 Forbidden)")
    if status == 404:
        raise on_404 or BackendUnavailable(
            f"RT has no such resource for {what} (404); check API_ENDPOINT"
        )
    if status == 412:
        raise BackendRejected(f"RT refused {what}: precondition failed (412)")
    if 400 <= status < 500:
        raise BackendRejected(f"RT refused {what}: {_message(response)}")
    if status in GATEWAY_STATUSES:
        raise BackendUnreachable(f"RT could not be reached for {what} (HTTP {status})")
    raise BackendUnavailable(f"RT failed on {what} with HTTP {status}")
