"""Issuing tags against an AssetBackend from concurrent clients: every Name unique, logged.

Parametrised over backends. Today that is the memory backend; the real RT 5 joins by adding
its name to ``BACKENDS`` once a fixture ``rt_asset_backend`` (an RTRestBackend on the test
RT, returning ``(backend, catalog name)``) exists, marked ``rt``.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter

import pytest

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.services.tags import TagService
from rtutils_core.tags import TagFormat, TagFormats

BACKENDS = ["memory"]
ASSETS = 50
CLIENTS = 4


@pytest.fixture
def memory_asset_backend():
    backend = MemoryBackend()
    backend.add_catalog("Tag contract")
    return backend, "Tag contract"


@pytest.fixture(params=BACKENDS)
def asset_backend(request):
    return request.getfixturevalue(f"{request.param}_asset_backend")


def test_concurrent_clients_give_every_asset_one_unique_logged_tag(asset_backend, tmp_path):
    backend, catalog = asset_backend
    # A prefix of its own, so a backend with other tags in it does not matter.
    fmt = TagFormat(f"C{uuid.uuid4().hex[:6].upper()}-", 5)
    formats = TagFormats(fmt)
    assets = [
        backend.create_asset(AssetDraft(name=f"Contract device {n}", catalog=catalog)).id
        for n in range(ASSETS)
    ]
    # Someone typed the tag the sequence will hand out next into an unrelated asset.
    squatter = backend.create_asset(AssetDraft(name="Squatter", catalog=catalog)).id
    backend.update_asset(squatter, AssetChanges(name=str(fmt.make(1))))

    errors: list[BaseException] = []

    def client(seed: int) -> None:
        # Each client is its own service instance with its own store handle on one file,
        # as separate processes of the service would be; all of them try every asset.
        tags = TagService(backend, SqliteTagStore(tmp_path / "tags.sqlite3"), formats)
        order = assets[:]
        random.Random(seed).shuffle(order)
        try:
            for asset_id in order:
                tags.issue_tag(asset_id, actor=f"client-{seed}", request_id=f"c{seed}-{asset_id}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    names = {a.id: a.name for a in backend.iter_assets(AssetQuery(name_prefix=fmt.prefix))}
    assert names.pop(squatter) == str(fmt.make(1))
    assert sorted(names) == assets
    assert len(set(names.values())) == ASSETS
    assert sorted(fmt.parse(n).number for n in names.values()) == list(range(2, ASSETS + 2))

    log = SqliteTagStore(tmp_path / "tags.sqlite3").events(limit=None)
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
