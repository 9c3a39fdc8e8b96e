"""RT web sessions for REST 2.0: one token check per session instead of one per request.

RT checks an auth token with bcrypt on every request that carries it; at RT's default cost
that check is most of a small request's time. RT's web UI starts a session for a request
with ``Authorization: token ...`` and REST 2.0 accepts that session's cookie before it
looks at a token (``RT::REST2::Middleware::Auth``). So the client signs in once per
session, at ``/REST/1.0/`` (RT marks a session started on a REST path as usable for REST
only), and sends the cookie instead of the token.

- A pool: each HTTP exchange leases one session and gives it back, so requests in
  parallel never share (RT locks a session while a request uses it). Sessions are made
  when needed, at most ``max_sessions``; a process has its own.
- Writes carry ``Origin``: RT's own base URL, as RT writes it in its ``_url`` links, since
  RT refuses a cookie-authenticated write from another origin (``$RestrictReferrer``).
- When no session can be had, requests carry the token as before; that is logged once.

The cookie is a :class:`Secret`: never logged, never in an error or a repr.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import requests

from rtutils_adapters.rt import wire
from rtutils_core.secrets import Secret

log = logging.getLogger("rtutils.rt")

#: Methods RT lets a session cookie use without an ``Origin`` it accepts.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The page that signs in: RT's REST 1.0 root, cheap, and it makes a REST-only session.
SIGN_IN_PATH = "/REST/1.0/"
#: After a sign-in failed, requests use the token this long before the next sign-in.
SIGN_IN_PAUSE_SECONDS = 60.0
#: RT's REST 2.0 answer to a write whose origin it does not accept.
CSRF_MESSAGE = "Cross-site request forgery protection refused this request"
_SIGNED_IN = re.compile(r"RT/\S+ 200 ")


class SessionAuth(requests.auth.AuthBase):
    """RT's session cookie on a request, and ``Origin`` on a write; shows nothing of it."""

    def __init__(self, name: str, value: Secret, origin: str) -> None:
        self._name = name
        self._value = value
        self.origin = origin

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Cookie"] = f"{self._name}={self._value.reveal()}"
        if request.method not in SAFE_METHODS:
            request.headers["Origin"] = self.origin
        return request

    def __repr__(self) -> str:
        return "SessionAuth(cookie=Secret('**********'))"


def is_session_refused(response: requests.Response) -> bool:
    """RT's REST 2.0 answer to a session it does not know (or no longer honours).

    RT's authentication answers before any API code runs, so the request did nothing and
    may be sent again, whatever its method.
    """
    if response.status_code == 401:
        return True
    return response.status_code == 302 and response.content.startswith(b"Login required")


def is_origin_refused(response: requests.Response) -> bool:
    """RT refused a cookie-authenticated write for its ``Origin`` (nothing was done)."""
    if response.status_code != 403:
        return False
    try:
        data = response.json()
    except ValueError:
        return False
    return wire.error_message(data) == CSRF_MESSAGE


class RTSessions:
    """The pool of one client's RT sessions, and the token for when there is none."""

    def __init__(
        self,
        http: requests.Session,
        token: requests.auth.AuthBase,
        *,
        web_url: str,
        api_url: str,
        timeout: tuple[float, float],
        enabled: bool = True,
        max_sessions: int = 10,
    ) -> None:
        self._http = http
        self.token = token
        self._web_url = web_url.rstrip("/")
        self._api_url = api_url.rstrip("/")
        self._timeout = timeout
        self.enabled = enabled
        self._max = max(1, max_sessions)
        self._origin = _origin_of(self._api_url)
        self._idle: list[SessionAuth] = []
        self._open = 0  # sessions signed in (or signing in) and not discarded
        self._token_until = 0.0
        self._writes_by_token = False
        self._warned = False
        self._ready = threading.Condition()
        self.sign_ins = 0

    @property
    def mode(self) -> str:
        """``sessions`` or ``token``: how requests authenticate now."""
        if not self.enabled or time.monotonic() < self._token_until:
            return "token"
        return "sessions"

    @property
    def open_sessions(self) -> int:
        """Sessions this client holds in RT now."""
        return self._open

    def take(self, method: str) -> requests.auth.AuthBase:
        """The authentication for one exchange; give it back with :meth:`give_back`."""
        if self.mode == "token" or (method not in SAFE_METHODS and self._writes_by_token):
            return self.token
        with self._ready:
            while not self._idle and self._open >= self._max:
                self._ready.wait()
            if self._idle:
                return self._idle.pop()  # the most recent: quiet times keep few sessions busy
            self._open += 1
        return self._new_session()

    def give_back(self, auth: requests.auth.AuthBase) -> None:
        if isinstance(auth, SessionAuth):
            with self._ready:
                self._idle.append(auth)
                self._ready.notify()

    def renew(self, refused: requests.auth.AuthBase) -> requests.auth.AuthBase:
        """RT no longer honours ``refused``'s session: forget it and sign in anew."""
        log.info("rt_session_renewed")
        if self.mode == "token":
            self._discard()
            return self.token
        return self._new_session()  # takes over the refused session's place in the pool

    def refuse_origin(self, auth: requests.auth.AuthBase) -> requests.auth.AuthBase:
        """RT refused a write from our origin: writes carry the token from now on."""
        if not self._writes_by_token:
            self._writes_by_token = True
            log.warning(
                "rt_sessions_origin_refused",
                extra={
                    "origin": getattr(auth, "origin", ""),
                    "hint": "writes use the token; add this origin to RT's @ReferrerWhitelist",
                },
            )
        self.give_back(auth)
        return self.token

    def close(self) -> None:
        with self._ready:
            self._idle.clear()
            self._open = 0

    # -- signing in --------------------------------------------------------------------

    def _discard(self) -> None:
        with self._ready:
            self._open -= 1
            self._ready.notify()

    def _new_session(self) -> requests.auth.AuthBase:
        """Sign in for a session counted in ``_open`` already; the token if that fails."""
        started = time.perf_counter()
        try:
            auth, problem = self._sign_in()
        except requests.RequestException as exc:
            auth, problem = None, f"the sign-in failed ({type(exc).__name__})"
        if auth is None:
            self._discard()
            self._fall_back(problem)
            return self.token
        if self._warned:
            self._warned = False
            log.info("rt_sessions_resumed")
        log.info("rt_session_started", extra={"ms": round((time.perf_counter() - started) * 1000)})
        return auth

    def _sign_in(self) -> tuple[SessionAuth | None, str]:
        with self._ready:
            self.sign_ins += 1
        answer = self._http.get(
            self._web_url + SIGN_IN_PATH,
            auth=self.token,
            timeout=self._timeout,
            allow_redirects=False,
        )
        cookie = _session_cookie(answer)
        if answer.status_code != 200 or not _SIGNED_IN.match(answer.text) or cookie is None:
            return None, f"RT answered the sign-in at {SIGN_IN_PATH} without a session"
        auth = SessionAuth(cookie[0], cookie[1], self._origin)
        # The first REST 2.0 use proves that the cookie reaches RT (a proxy may strip it),
        # and RT's links in the answer name RT's own origin, which writes must carry.
        check = self._http.get(
            self._api_url + "/catalogs/all",
            params={"per_page": 1},
            auth=auth,
            timeout=self._timeout,
            allow_redirects=False,
        )
        if check.status_code != 200:
            return None, f"RT did not accept its session on REST 2.0 ({check.status_code})"
        self._origin = auth.origin = _origin_in(check.json(), self._origin)
        return auth, ""

    def _fall_back(self, problem: str) -> None:
        self._token_until = time.monotonic() + SIGN_IN_PAUSE_SECONDS
        if not self._warned:
            self._warned = True
            log.warning(
                "rt_sessions_unavailable",
                extra={"reason": problem, "hint": "requests carry the token (RT_SESSIONS)"},
            )


def _session_cookie(response: requests.Response) -> tuple[str, Secret] | None:
    """RT's session cookie (``RT_SID_<rtname>.<port>``) from a ``Set-Cookie``."""
    for header in response.raw.headers.getlist("Set-Cookie") if response.raw else ():
        try:
            parsed = SimpleCookie(header)
        except CookieError:
            continue
        for name, morsel in parsed.items():
            if name.startswith("RT_SID_") and morsel.value:
                return name, Secret(morsel.value)
    return None


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _origin_in(data: Any, default: str) -> str:
    """The origin of RT's own links in a collection answer (RT's ``WebBaseURL``)."""
    link = wire.first_link(data)
    return _origin_of(link) if link is not None else default
