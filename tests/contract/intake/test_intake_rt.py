"""Intake against the real RT 5: request counts, a lost answer, and racing processes."""

from __future__ import annotations

import multiprocessing
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import requests
from tests.intake_world import device, formats_for
from tests.rt_harness import RTServer, unique_name
from tests.rt_proxy import ForwardingProxy

from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteNewAssetTagStore
from rtutils_core.assets import AssetQuery
from rtutils_core.errors import BackendUnavailable, DuplicateSerial, RtutilsError
from rtutils_core.intake.service import IntakeService
from rtutils_core.secrets import Secret
from rtutils_core.tags.event_query import EventQuery

pytestmark = pytest.mark.rt


class LosingProxy(ForwardingProxy):
    """Forwards to RT on loopback; RT's answers to the first ``drops`` ``POST /asset``
    requests are thrown away after RT handled them, and the connection is cut."""

    def __init__(self, target: str, drops: int = 1) -> None:
        super().__init__(target)
        self.drops = drops
        self.dropped = 0

    def _drop_this(self, method: str, path: str) -> bool:
        with self._lock:
            if method == "POST" and path.endswith("/REST/2.0/asset") and self.dropped < self.drops:
                self.dropped += 1
                return True
            return False

    def answered(
        self, handler: BaseHTTPRequestHandler, sent: dict[str, str], answer: requests.Response
    ) -> bool:
        if self._drop_this(handler.command, handler.path.split("?")[0]):
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)  # RT did it; nobody hears of it
            return False
        return True


@pytest.fixture
def proxy(rt_server: RTServer) -> Iterator[LosingProxy]:
    running = LosingProxy(rt_server.url)
    yield running
    running.close()


def make_service(url: str, token: Secret, folder: Path) -> IntakeService:
    backend = RTRestBackend(url, token, read_timeout=120, backoff=0.2)
    return IntakeService(
        backend,
        SqliteNewAssetTagStore(folder / "tags.sqlite3"),
        formats_for(folder),
        SqliteIntakeStore(folder / "intake.sqlite3"),
    )


def unique_serial(name: str) -> str:
    return unique_name(name).upper()


def holders(rt_backend: RTRestBackend, serial: str) -> list[int]:
    found = rt_backend.find_any([AssetQuery(custom_fields={"Serial Number": serial})])
    return [a.id for a in found]


def test_a_device_costs_three_requests_with_warm_metadata_and_reads_back_whole(
    rt_server, rt_backend, tmp_path
):
    service = make_service(rt_server.url, rt_server.token, tmp_path)
    service.receive(device(unique_serial("WARM")), "warm-up")
    backend = service.backend
    before = backend.requests_sent
    serial = unique_serial("THREE")
    got = service.receive(device(serial, manufacturer="dell"), "key-1")
    assert backend.requests_sent - before == 3  # serial/tag/name check, create, read back
    asset = rt_backend.get_asset(got.asset.id)
    assert asset.name == got.tag
    assert asset.custom_fields == {
        "Serial Number": serial,
        "Manufacturer": "Dell",
        "Model": "Chromebook 11 G9",
        "Type": "Chromebook",
        "Funding Source": "Title I",
        "Internal Name": got.internal_name,
    }
    replay = service.receive(device(serial, manufacturer="dell"), "key-1")
    assert replay.is_replay and replay.asset == asset
    with pytest.raises(DuplicateSerial) as caught:
        service.receive(device(serial), "key-2")
    assert (caught.value.asset_id, caught.value.tag) == (asset.id, got.tag)
    assert holders(rt_backend, serial) == [asset.id]


def test_a_create_whose_answer_is_lost_is_found_by_the_retry_with_the_same_key(
    rt_server, rt_backend, proxy, tmp_path
):
    service = make_service(proxy.url, rt_server.token, tmp_path)
    serial = unique_serial("LOST")
    with pytest.raises(BackendUnavailable, match="submit again with the same key"):
        service.receive(device(serial), "scan-1")
    assert proxy.dropped == 1
    (created,) = holders(rt_backend, serial)  # RT did create it
    got = service.receive(device(serial), "scan-1")
    assert got.asset.id == created
    assert holders(rt_backend, serial) == [created]
    states = [e.state for e in reversed(service.tags.events(EventQuery(tag=got.tag)))]
    assert states == ["reserved", "failed", "assigned"]
    assert service.tags.events(EventQuery(tag=got.tag, limit=1))[0].asset_id == created


def test_serials_and_names_with_quotes_are_searched_as_text(rt_server, rt_backend, tmp_path):
    service = make_service(rt_server.url, rt_server.token, tmp_path)
    serial = unique_serial("Q'\\")
    got = service.receive(device(serial, internal_name="O'Brien's \\ cart"), "quoted")
    assert holders(rt_backend, serial) == [got.asset.id]
    with pytest.raises(DuplicateSerial):
        service.receive(device(serial), "quoted-again")


def _submit(url: str, token: str, folder: str, serial: str, n: int, start) -> str:
    service = make_service(url, Secret(token), Path(folder))
    start.wait()
    try:
        return service.receive(device(serial), f"racer-{n}").tag
    except DuplicateSerial as error:
        return f"duplicate:{error.tag}"
    except RtutilsError as error:  # shown in the assertion, not lost in a child's traceback
        return f"error:{error.code}:{error.message}"


def test_processes_racing_with_one_serial_under_different_keys_make_one_asset(
    rt_server, rt_backend, tmp_path
):
    serial = unique_serial("RACE")
    make_service(rt_server.url, rt_server.token, tmp_path)  # create the files once
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Barrier(3)
        args = [
            (rt_server.url, rt_server.token.reveal(), str(tmp_path), serial, n, start)
            for n in range(3)
        ]
        with ctx.Pool(3) as pool:
            outcomes = pool.starmap(_submit, args)
    created = [o for o in outcomes if not o.startswith(("duplicate:", "error:"))]
    assert len(created) == 1, outcomes
    assert sum(o.startswith("duplicate:") for o in outcomes) == 2, outcomes
    assert len(holders(rt_backend, serial)) == 1
