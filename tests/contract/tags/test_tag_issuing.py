"""Issuing tags against an AssetBackend from concurrent clients: every Name unique, logged.

Parametrised over the memory backend and the real RT 5 (tests/rt_harness.py), and over the
tag stores: one SQLite file, or one PostgreSQL database (tests/pg_harness.py). Each test
uses a prefix of its own, so the tags other tests (or earlier runs) put into the shared RT
do not matter. The clients are threads, each with its own service, its own handle on the
one tag store (for PostgreSQL its own connection pool, as a separate instance of the
service has) and, on RT, its own ``RTRestBackend`` (its own connection pool), as the
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
from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.assets.service import AssetService
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ports import TagStore
from rtutils_core.tags.service import TagService

BACKENDS = ["memory", pytest.param("rt", marks=[pytest.mark.rt, pytest.mark.slow])]
ASSETS = 50
CLIENTS = 4
#: Assets of the concurrent test on the real RT with PostgreSQL (RT is slow: ~4 requests a tag).
RT_POSTGRES_ASSETS = 24


@define
class Stores:
    """One tag store of a kind (``sqlite``, ``postgres``), opened anew for every client."""

    kind: str
    open: Callable[[], TagStore]


@define
class World:
    """A backend to issue tags against, as each kind of backend is set up and shared."""

    #: For setting up and for reading back what the clients did.
    backend: AssetBackend
    #: ``names -> ids`` of new assets, in order, however the backend loads many quickly.
    add_assets: Callable[[Sequence[str]], list[int]]
    #: A backend object for one more client (the same fake; a new RT connection pool).
    connect: Callable[[], AssetBackend]
    #: The one tag store every client uses.
    stores: Stores
    kind: str = "memory"

    def service(self, formats: TagFormats, backend: AssetBackend | None = None) -> TagService:
        return TagService(backend or self.backend, self.stores.open(), formats)


@pytest.fixture(params=["sqlite", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """A SQLite file, or a fresh PostgreSQL database; every handle is closed after the test."""
    opened: list[PostgresTagStore] = []
    # Fixtures are set up here, never from the clients' threads.
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else ""

    def open_one() -> TagStore:
        if request.param == "sqlite":
            return SqliteTagStore(tmp_path / "tags.sqlite3")
        opened.append(PostgresTagStore(url))
        return opened[-1]

    yield Stores(request.param, open_one)
    for store in opened:
        store.close()


@pytest.fixture
def memory_world(stores: Stores) -> World:
    backend = MemoryBackend()
    backend.add_catalog("Tag contract")

    def add_assets(names: Sequence[str]) -> list[int]:
        return [backend.create_asset(AssetDraft(name=n, catalog="Tag contract")).id for n in names]

    return World(backend, add_assets, lambda: backend, stores)


@pytest.fixture
def rt_world(rt_server: RTServer, rt_backend: RTRestBackend, stores: Stores) -> Iterator[World]:
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

    yield World(rt_backend, add_assets, connect, stores, "rt")
    for client in clients:
        client.close()


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, stores: Stores) -> World:
    # ``stores`` is named here so that pytest parametrises every test over the stores too.
    return request.getfixturevalue(f"{request.param}_world")


def fresh_format() -> TagFormat:
    """A prefix no other test or run uses."""
    return TagFormat(f"C{uuid.uuid4().hex[:6].upper()}-", 5)


def test_concurrent_clients_give_every_asset_one_unique_logged_tag(world):
    fmt = fresh_format()
    formats = TagFormats(fmt)
    count = RT_POSTGRES_ASSETS if (world.kind, world.stores.kind) == ("rt", "postgres") else ASSETS
    *assets, squatter = world.add_assets([unique_name("Device") for _ in range(count + 1)])
    # Someone typed the tag the sequence will hand out next into an unrelated asset.
    world.backend.update_asset(squatter, AssetChanges(name=str(fmt.make(1))))

    errors: list[BaseException] = []
    told: list[tuple[int, str]] = []  # what each client was told, for each asset

    def client(seed: int) -> None:
        # Each client is its own service with its own store handle and backend object;
        # all of them try every asset, in their own order.
        order = assets[:]
        random.Random(seed).shuffle(order)
        try:
            tags = world.service(formats, world.connect())
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
    assert len(set(names.values())) == count
    assert sorted(fmt.parse(n).number for n in names.values()) == list(range(2, count + 2))
    assert len(told) == CLIENTS * count
    assert all(tag == names[asset_id] for asset_id, tag in told)

    log = world.stores.open().events(EventQuery(limit=None))
    assigned = {e.asset_id: e.tag for e in log if e.state == "assigned"}
    assert assigned == names
    assert Counter(e.state for e in log) == {
        "reserved": count + 1,
        "assigned": count,
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
