"""Issuing tags against an AssetBackend from concurrent clients: every Name unique, logged.

Parametrised over the memory backend and the real RT 5 (tests/rt_harness.py). Each test
uses a prefix of its own, so the tags other tests (or earlier runs) put into the shared RT
do not matter. The clients are threads, each with its own service, its own handle on one
SQLite tag file and, on RT, its own ``RTRestBackend`` (its own connection pool), as the
processes of a deployed service would have.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from attrs import define
from tests.rt_harness import STUDENT_DEVICES, RTServer, unique_name

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.event_query import EventQuery
from rtutils_core.ports import AssetBackend
from rtutils_core.services import AssetService
from rtutils_core.services.tags import TagService
from rtutils_core.tags import TagFormat, TagFormats

BACKENDS = ["memory", pytest.param("rt", marks=[pytest.mark.rt, pytest.mark.slow])]
ASSETS = 50
CLIENTS = 4


@define
class World:
    """A backend to issue tags against, as each kind of backend is set up and shared."""

    #: For setting up and for reading back what the clients did.
    backend: AssetBackend
    #: ``names -> ids`` of new assets, in order, however the backend loads many quickly.
    add_assets: Callable[[Sequence[str]], list[int]]
    #: A backend object for one more client (the same fake; a new RT connection pool).
    connect: Callable[[], AssetBackend]
    #: The one tag database file every client opens.
    store_path: Path

    def service(self, formats: TagFormats, backend: AssetBackend | None = None) -> TagService:
        return TagService(backend or self.backend, SqliteTagStore(self.store_path), formats)


@pytest.fixture
def memory_world(tmp_path: Path) -> World:
    backend = MemoryBackend()
    backend.add_catalog("Tag contract")

    def add_assets(names: Sequence[str]) -> list[int]:
        return [backend.create_asset(AssetDraft(name=n, catalog="Tag contract")).id for n in names]

    return World(backend, add_assets, lambda: backend, tmp_path / "tags.sqlite3")


@pytest.fixture
def rt_world(rt_server: RTServer, rt_backend: RTRestBackend, tmp_path: Path) -> Iterator[World]:
    clients: list[RTRestBackend] = []

    def add_assets(names: Sequence[str]) -> list[int]:
        # RT's own initialdata loader: ~25 ms an asset instead of a POST and a GET each.
        ids = rt_server.insert_assets(
            [(AssetDraft(name=n, catalog=STUDENT_DEVICES), ()) for n in names]
        )
        return [ids[n] for n in names]

    def connect() -> RTRestBackend:
        clients.append(RTRestBackend(rt_server.url, rt_server.token, read_timeout=60, backoff=0.2))
        return clients[-1]

    yield World(rt_backend, add_assets, connect, tmp_path / "tags.sqlite3")
    for client in clients:
        client.close()


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest) -> World:
    return request.getfixturevalue(f"{request.param}_world")


def fresh_format() -> TagFormat:
    """A prefix no other test or run uses."""
    return TagFormat(f"C{uuid.uuid4().hex[:6].upper()}-", 5)


def test_concurrent_clients_give_every_asset_one_unique_logged_tag(world):
    fmt = fresh_format()
    formats = TagFormats(fmt)
    *assets, squatter = world.add_assets([unique_name("Device") for _ in range(ASSETS + 1)])
    # Someone typed the tag the sequence will hand out next into an unrelated asset.
    world.backend.update_asset(squatter, AssetChanges(name=str(fmt.make(1))))

    errors: list[BaseException] = []
    told: list[tuple[int, str]] = []  # what each client was told, for each asset

    def client(seed: int) -> None:
        # Each client is its own service with its own store handle and backend object;
        # all of them try every asset, in their own order.
        tags = world.service(formats, world.connect())
        order = assets[:]
        random.Random(seed).shuffle(order)
        try:
            for asset_id in order:
                issued = tags.issue_tag(
                    asset_id, actor=f"client-{seed}", request_id=f"c{seed}-{asset_id}"
                )
                told.append((asset_id, str(issued.tag)))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    # Read every asset back from the backend and hold it against the event log.
    names = {a.id: a.name for a in world.backend.iter_assets(AssetQuery(name_prefix=fmt.prefix))}
    assert names.pop(squatter) == str(fmt.make(1))
    assert sorted(names) == sorted(assets)
    assert len(set(names.values())) == ASSETS
    assert sorted(fmt.parse(n).number for n in names.values()) == list(range(2, ASSETS + 2))
    assert len(told) == CLIENTS * ASSETS
    assert all(tag == names[asset_id] for asset_id, tag in told)

    log = SqliteTagStore(world.store_path).events(EventQuery(limit=None))
    assigned = {e.asset_id: e.tag for e in log if e.state == "assigned"}
    assert assigned == names
    assert Counter(e.state for e in log) == {
        "reserved": ASSETS + 1,
        "assigned": ASSETS,
        "skipped": 1,
    }
    (skipped,) = [e for e in log if e.state == "skipped"]
    assert skipped.tag == str(fmt.make(1))
    assert f"asset {squatter} carries" in skipped.detail


def test_a_tag_typed_with_stray_whitespace_is_kept_skipped_and_found(world):
    fmt = fresh_format()
    formats = TagFormats(fmt)
    sloppy, untagged = world.add_assets([unique_name("Device"), unique_name("Device")])
    world.backend.update_asset(sloppy, AssetChanges(name=f"{fmt.make(1)} "))  # pasted by hand
    tags = world.service(formats)

    kept = tags.issue_tag(sloppy)
    issued = tags.issue_tag(untagged)

    assert (str(kept.tag), kept.status) == (str(fmt.make(1)), "already-tagged")
    assert world.backend.get_asset(sloppy).name == f"{fmt.make(1)} "
    assert str(issued.tag) == str(fmt.make(2))  # never a second asset reading as fmt.make(1)
    assert [e.state for e in reversed(tags.events(EventQuery(tag=str(fmt.make(1)))))] == [
        "reserved",
        "skipped",
    ]
    assets = AssetService(world.backend, formats)
    assert assets.by_tag(str(fmt.make(1))).id == sloppy
    assert assets.by_tag(f"{fmt.make(2)}\r\n").id == untagged


def test_an_old_tool_tag_of_another_width_is_found_and_kept(world):
    fmt = fresh_format()
    formats = TagFormats(fmt)
    (old,) = world.add_assets([f"{fmt.prefix}1001"])

    assert AssetService(world.backend, formats).by_tag(f"{fmt.prefix}1001").id == old
    issued = world.service(formats).issue_tag(old)
    assert (str(issued.tag), issued.status) == (f"{fmt.prefix}1001", "already-tagged")
