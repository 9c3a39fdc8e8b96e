"""The same world for every AssetBackend: the fake in memory and the real RT 5.

``seeded`` is parametrised over ``memory`` and ``rt``; both hold the harness's standard
users, catalogs and custom fields (tests/rt_harness.py) and the assets in ``SEED`` and
``PAGES``. The RT copy is loaded once per session; tests that write create their own assets
with unique names, so they never disturb what other tests read.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from attrs import define
from tests.rt_harness import (
    CATALOGS,
    FIELD_CHOICES,
    SPARE_PARTS,
    STUDENT_DEVICES,
    USERS,
    RTServer,
)

from rtutils_adapters.memory import MemoryBackend
from rtutils_core.assets import AssetDraft
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.assets.ports import AssetBackend

QUOTED_NAME = "SEED-QUOTE-'\"\\"
INJECTION = 'x" OR id > 0'


def _device(name: str, status: str = "new", owner: str | None = None, **fields: str) -> AssetDraft:
    cfs = {k.replace("_", " "): v for k, v in fields.items()}
    return AssetDraft(
        name=name, catalog=STUDENT_DEVICES, status=status, owner=owner, custom_fields=cfs
    )


#: (draft, holders). Names are chosen to catch loose matching: an underscore (an SQL
#: wildcard), lower case, quotes and a backslash, and non-ASCII letters.
SEED: tuple[tuple[AssetDraft, tuple[str, ...]], ...] = (
    (
        _device(
            "SEED-00001",
            "allocated",
            "li.wei",
            Serial_Number="5CD0001",
            Manufacturer="HP",
            Model="Chromebook 11 G9",
            Internal_Name="CB-ART-01",
            Type="Chromebook",
            Funding_Source="Title I",
        ),
        ("amara.okafor",),
    ),
    (
        _device(
            "SEED-00002",
            "in-use",
            "amara.okafor",
            Serial_Number="5CD0002",
            Manufacturer="Dell",
            Type="Chromebook",
        ),
        ("li.wei", "zoe.muller"),
    ),
    (_device("SEED-00003", Serial_Number="PA-0003", Manufacturer="HP", Type="Charger"), ()),
    (_device("SEED_00004", Type="Charger"), ()),
    (_device("seed-00005", Type="Chromebook"), ()),
    (_device(QUOTED_NAME, Serial_Number=INJECTION), ()),
    (_device("SEED-Zoë-01", "in-use", "zoe.muller", Internal_Name="Zoë's Chromebook"), ()),
    (
        AssetDraft(
            name="PART-00001", catalog=SPARE_PARTS, status="in-use", custom_fields={"Bin": "A1"}
        ),
        (),
    ),
)
PAGE_COUNT = 105
PAGES = tuple(
    (_device(f"PAGE-{i:03d}", "allocated", Serial_Number=f"PG{i:03d}", Type="Chromebook"), ())
    for i in range(1, PAGE_COUNT + 1)
)


@define
class Seeded:
    """A backend holding the seed, and the ids it gave the seeded assets."""

    kind: str
    backend: AssetBackend
    ids: dict[str, int]

    def id(self, name: str) -> int:
        return self.ids[name]


def load_memory(
    items: Sequence[tuple[AssetDraft, Sequence[str]]],
) -> tuple[MemoryBackend, dict[str, int]]:
    backend = MemoryBackend("http://rt.invalid")
    for name, (description, fields) in CATALOGS.items():
        backend.add_catalog(name, fields, description)
    for name, (real_name, email) in USERS.items():
        backend.add_user(name, real_name, email)
    for field, (kind, choices) in FIELD_CHOICES.items():
        backend.describe_field(STUDENT_DEVICES, CatalogField(field, kind, choices))
    ids = {draft.name: backend.add_asset(draft, held_by).id for draft, held_by in items}
    return backend, ids


@pytest.fixture(scope="session")
def rt_seed_ids(rt_server: RTServer) -> dict[str, int]:
    return rt_server.insert_assets(SEED + PAGES)


@pytest.fixture(params=["memory", pytest.param("rt", marks=pytest.mark.rt)])
def seeded(request: pytest.FixtureRequest) -> Seeded:
    if request.param == "memory":
        backend, ids = load_memory(SEED + PAGES)
        return Seeded("memory", backend, ids)
    ids = request.getfixturevalue("rt_seed_ids")
    return Seeded("rt", request.getfixturevalue("rt_backend"), ids)


@pytest.fixture
def backend(seeded: Seeded) -> AssetBackend:
    return seeded.backend


# The loan desk's world on both backends (the fixture ``loan_world``).
from tests.contract.loans.loan_world import loan_world, rt_spare_devices  # noqa: E402, F401
