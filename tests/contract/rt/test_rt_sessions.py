"""RT sessions against the real RT 5: one token check per session, renewal, RT_SESSIONS=off.

Everything goes through :class:`CountingProxy`, a forwarding proxy on another port than
RT's: it counts the requests that carry the token (each one a bcrypt check in RT) and
shows that writes through an address other than RT's own pass RT's referrer check.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import requests
from tests.contract.loans.loan_world import RT_SPARE_DEVICES
from tests.intake_world import device, formats_for
from tests.label_fakes import FakeLabelMetrics
from tests.rt_harness import STUDENT_DEVICES, RTServer, unique_name
from tests.rt_proxy import ForwardingProxy
from tests.web.conftest import SECRET_KEY

from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteLoanLog, SqliteNewAssetTagStore
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.errors import RtutilsError
from rtutils_core.intake.service import IntakeService
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_core.loans import LoanOptions
from rtutils_core.loans.service import LoanService
from rtutils_core.tags import TagFormat, TagFormats

pytestmark = pytest.mark.rt

AMARA = "amara.okafor"


class CountingProxy(ForwardingProxy):
    """Counts requests with the token and RT's statuses; ``strip_cookies`` plays a proxy
    that drops cookies both ways."""

    def __init__(self, target: str, *, strip_cookies: bool = False) -> None:
        super().__init__(target)
        self.strip_cookies = strip_cookies
        self.token_requests = 0
        self.statuses: list[int] = []

    def headers_for(self, handler: BaseHTTPRequestHandler) -> dict[str, str]:
        sent = super().headers_for(handler)
        if self.strip_cookies:
            sent.pop("Cookie", None)
        return sent

    def answered(
        self, handler: BaseHTTPRequestHandler, sent: dict[str, str], answer: requests.Response
    ) -> bool:
        with self._lock:
            self.token_requests += sent.get("Authorization", "").startswith("token ")
            self.statuses.append(answer.status_code)
        return True

    def answer_headers(self, answer: requests.Response) -> list[tuple[str, str]]:
        relayed = super().answer_headers(answer)
        return [h for h in relayed if not (self.strip_cookies and h[0] == "Set-Cookie")]


@pytest.fixture
def proxy(rt_server: RTServer) -> Iterator[CountingProxy]:
    running = CountingProxy(rt_server.url)
    yield running
    running.close()


class Desk:
    """The loan desk, intake and labels on one backend, as one service process has them."""

    def __init__(self, backend: RTRestBackend, folder: Path) -> None:
        self.backend = backend
        self.loans = LoanService(backend, SqliteLoanLog(folder / "loans.sqlite3"), LoanOptions())
        self.intake = IntakeService(
            backend,
            SqliteNewAssetTagStore(folder / "tags.sqlite3"),
            formats_for(folder),
            SqliteIntakeStore(folder / "intake.sqlite3"),
        )
        self.labels = LabelService(
            backend, metrics=FakeLabelMetrics(), tag_formats=TagFormats(TagFormat("PAGE-", 3))
        )
        self.serials: list[str] = []

    def burst(self, devices: list[int], intakes: int, *, midway=lambda: None) -> int:
        """Check ``devices`` out and in again, receive ``intakes`` new devices and plan a
        batch of 100 labels by tag; ``midway`` runs half-way. The operations done."""
        person = self.loans.find_person(AMARA)
        steps = [
            *(lambda d=d: self.loans.check_out(d, person, operator="d", request_id=f"o{d}")
              for d in devices),
            *(lambda n=n: self._receive(n) for n in range(intakes)),
            self._labels,
            *(lambda d=d: self.loans.check_in(d, operator="d", request_id=f"i{d}")
              for d in devices),
        ]  # fmt: skip
        for n, step in enumerate(steps):
            if n == len(steps) // 2:
                midway()
            step()
        return len(steps)

    def _receive(self, n: int) -> None:
        serial = unique_name(f"S{n}").upper()
        self.serials.append(serial)
        self.intake.receive(device(serial), f"key-{serial}")

    def _labels(self) -> None:
        plan = self.labels.plan_batch(
            BatchSelection(tags=[f"PAGE-{i:03d}" for i in range(1, 101)]), limit=100
        )
        assert len(plan.assets) == 100 and plan.missing == ()


def desk_devices(rt_server: RTServer, count: int) -> list[int]:
    drafts = [
        AssetDraft(name=unique_name("SESS"), catalog=STUDENT_DEVICES, status="allocated")
        for _ in range(count)
    ]
    ids = rt_server.insert_assets([(d, ()) for d in drafts])
    return [ids[d.name] for d in drafts]


def assert_done_once(desk: Desk, rt_backend: RTRestBackend, devices: list[int]) -> None:
    """Every device back in, every intake one asset, every loan event once."""
    for serial in desk.serials:
        found = rt_backend.find_any([AssetQuery(custom_fields={"Serial Number": serial})])
        assert len(found) == 1, f"{serial}: {len(found)} assets"
    events = [e for e in desk.loans.events() if e.asset_id in devices]
    assert len(events) == 2 * len(devices)
    assert all(rt_backend.get_asset(d).owner in (None, "Nobody") for d in devices)


def test_a_burst_of_fifty_desk_operations_checks_the_token_once(
    rt_server, rt_seed_ids, rt_backend, proxy, tmp_path
):
    backend = RTRestBackend(proxy.url, rt_server.token, read_timeout=60)
    backend.warm_metadata()
    desk = Desk(backend, tmp_path)
    devices = desk_devices(rt_server, 15)
    assert desk.burst(devices, intakes=19) == 50
    sessions = backend.client.sessions
    assert (sessions.mode, sessions.sign_ins, proxy.token_requests) == ("sessions", 1, 1)
    assert 403 not in proxy.statuses, "a write through the proxy failed RT's referrer check"
    assert_done_once(desk, rt_backend, devices)


def test_a_session_removed_in_rt_mid_burst_is_renewed_and_nothing_happens_twice(
    rt_server, rt_seed_ids, rt_backend, proxy, tmp_path
):
    backend = RTRestBackend(proxy.url, rt_server.token, read_timeout=60)
    desk = Desk(backend, tmp_path)
    devices = desk_devices(rt_server, 6)
    desk.burst(devices, intakes=4, midway=rt_server.remove_sessions)
    sessions = backend.client.sessions
    assert (sessions.sign_ins, proxy.token_requests) == (2, 2)
    assert proxy.statuses.count(302) == 1, "one request met the removed session"
    assert_done_once(desk, rt_backend, devices)


def test_sessions_off_sends_the_token_with_every_request(
    rt_server, rt_seed_ids, rt_backend, proxy, tmp_path
):
    backend = RTRestBackend(proxy.url, rt_server.token, read_timeout=60, sessions=False)
    desk = Desk(backend, tmp_path)
    devices = desk_devices(rt_server, 2)
    desk.burst(devices, intakes=1)
    assert backend.client.sessions.sign_ins == 0
    assert proxy.token_requests == backend.requests_sent
    assert_done_once(desk, rt_backend, devices)


def test_a_proxy_that_strips_cookies_means_the_token_logged_once(
    rt_server, rt_seed_ids, rt_backend, tmp_path, caplog
):
    stripping = CountingProxy(rt_server.url, strip_cookies=True)
    try:
        backend = RTRestBackend(stripping.url, rt_server.token, read_timeout=60)
        desk = Desk(backend, tmp_path)
        devices = desk_devices(rt_server, 2)
        with caplog.at_level(logging.WARNING, "rtutils.rt"):
            desk.burst(devices, intakes=1)
    finally:
        stripping.close()
    assert backend.client.sessions.mode == "token"
    assert [r.msg for r in caplog.records] == ["rt_sessions_unavailable"]
    assert_done_once(desk, rt_backend, devices)


def test_parallel_requests_each_lease_their_own_session(rt_server, rt_spare_devices, proxy):
    backend = RTRestBackend(proxy.url, rt_server.token, read_timeout=60, pool_size=4)
    ids = rt_spare_devices[: RT_SPARE_DEVICES // 3]
    with ThreadPoolExecutor(4) as pool:
        assets = list(pool.map(backend.get_asset, ids))
    assert [a.id for a in assets] == ids
    sessions = backend.client.sessions
    assert 1 <= sessions.open_sessions == sessions.sign_ins == proxy.token_requests <= 4


def test_the_session_cookie_never_reaches_logs_errors_or_reprs(
    rt_server, rt_seed_ids, caplog, capsys
):
    caplog.set_level(logging.DEBUG)  # urllib3's lines included
    backend = RTRestBackend(rt_server.url, rt_server.token, read_timeout=60)
    backend.get_asset(rt_seed_ids["SEED-00001"])
    created = backend.create_asset(AssetDraft(name=unique_name("CK"), catalog=STUDENT_DEVICES))
    with pytest.raises(RtutilsError) as caught:
        backend.update_asset(created.id, AssetChanges(name="x"), '"1"')
    cookies = [s._value.reveal() for s in backend.client.sessions._idle]  # noqa: SLF001
    assert cookies, "the backend used a session"
    shown = [repr(backend.client), repr(vars(backend.client.sessions)), str(caught.value)]
    out = capsys.readouterr()
    records = [repr(vars(r)) for r in caplog.records]
    everything = "\n".join([caplog.text, out.out, out.err, *records, *shown])
    assert not [c for c in cookies if c in everything]


@pytest.mark.parametrize(("setting", "sign_ins"), [("on", 1), ("off", 0)])
def test_rt_sessions_setting_reaches_the_backend(
    rt_server, rt_seed_ids, tmp_path, setting, sign_ins
):
    from rtutils_web.container import build_container
    from rtutils_web.settings import Settings

    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "rt",
            "RT_URL": rt_server.url,
            "RT_TOKEN": rt_server.token.reveal(),
            "SECRET_KEY": SECRET_KEY,
            "WORKING_DIR": str(tmp_path),
            "RT_SESSIONS": setting,
        }
    )
    backend = build_container(settings).backend()
    assert backend.get_asset(rt_seed_ids["SEED-00001"]).name == "SEED-00001"
    assert backend.client.sessions.sign_ins == sign_ins
    backend.close()
