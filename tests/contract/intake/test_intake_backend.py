"""The IntakeBackend contract (field choices, bulk searches): memory fake and real RT 5."""

from __future__ import annotations

import pytest
from tests.contract.conftest import PAGE_COUNT
from tests.rt_harness import DEVICE_FIELDS, FIELD_CHOICES, SPARE_PARTS, STUDENT_DEVICES

from rtutils_core.assets import AssetQuery
from rtutils_core.errors import CatalogNotFound, InvalidInput
from rtutils_core.intake.ports import IntakeBackend


def test_both_backends_implement_the_port(backend):
    assert isinstance(backend, IntakeBackend)


def test_catalog_fields_carry_kinds_and_every_choice(backend):
    described = {f.name: f for f in backend.catalog_fields(STUDENT_DEVICES)}
    assert set(described) == set(DEVICE_FIELDS)
    for name, (kind, choices) in FIELD_CHOICES.items():
        assert (described[name].kind, set(described[name].choices)) == (kind, set(choices))
    serial = described["Serial Number"]
    assert (serial.kind, serial.choices, serial.is_closed) == ("freeform", (), False)
    assert described["Manufacturer"].is_closed and not described["Model"].is_closed
    assert [f.name for f in backend.catalog_fields(SPARE_PARTS)] == ["Bin"]
    with pytest.raises(CatalogNotFound):
        backend.catalog_fields("No Such Catalog")


def test_find_any_returns_the_assets_matching_any_query_exactly(seeded):
    queries = [
        AssetQuery(custom_fields={"Serial Number": "5CD0001"}),
        AssetQuery(name_prefix="SEED-0000"),
        AssetQuery(custom_fields={"Internal Name": "zoë's chromebook"}),  # case: a near miss
        AssetQuery(custom_fields={"Serial Number": "NOT-THERE"}),
    ]
    got = seeded.backend.find_any(queries)
    assert [a.name for a in got] == ["SEED-00001", "SEED-00002", "SEED-00003"]
    assert got[0].cf("Manufacturer") == "HP"  # whole assets, fields included


def test_find_any_reads_every_page(backend):
    got = backend.find_any([AssetQuery(name_prefix="PAGE-")])
    assert len(got) == PAGE_COUNT
    serials = [AssetQuery(custom_fields={"Serial Number": f"PG{i:03d}"}) for i in range(1, 101)]
    assert len(backend.find_any(serials)) == 100


def test_find_any_refuses_unknown_fields_and_too_many_queries(backend):
    with pytest.raises(InvalidInput, match="Serial Numbr"):
        backend.find_any([AssetQuery(custom_fields={"Serial Numbr": "5CD0001"})])
    with pytest.raises(InvalidInput):
        backend.find_any([])
    with pytest.raises(InvalidInput):
        backend.find_any([AssetQuery(name=f"X{i}") for i in range(101)])
