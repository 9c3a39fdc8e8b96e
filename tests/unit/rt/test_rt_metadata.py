"""The catalog and custom-field cache of the RT adapter, on a clock the test controls."""

from __future__ import annotations

import pytest

from rtutils_adapters.rt.metadata import MetadataCache
from rtutils_core.assets import Catalog
from rtutils_core.errors import CatalogNotFound


class FakeRT:
    def __init__(self) -> None:
        self.catalogs = [Catalog(1, "Student Devices")]
        self.fields = {"Student Devices": ["Serial Number"]}
        self.reads = 0
        self.now = 0.0

    def load_catalogs(self):
        self.reads += 1
        return list(self.catalogs)

    def load_fields(self, catalog):
        self.reads += 1
        return list(self.fields[catalog.name])


@pytest.fixture
def rt():
    return FakeRT()


def cache(rt, ttl=60.0):
    return MetadataCache(rt.load_catalogs, rt.load_fields, ttl, clock=lambda: rt.now)


def test_answers_come_from_the_cache_until_it_expires(rt):
    meta = cache(rt)
    assert meta.custom_fields("Student Devices") == ("Serial Number",)
    reads = rt.reads
    rt.fields["Student Devices"].append("Type")
    rt.now = 59
    assert meta.custom_fields("Student Devices") == ("Serial Number",)
    assert rt.reads == reads
    rt.now = 61
    assert meta.custom_fields("Student Devices") == ("Serial Number", "Type")


def test_refresh_forgets_everything(rt):
    meta = cache(rt)
    meta.catalogs()
    rt.catalogs.append(Catalog(2, "Spare Parts"))
    meta.refresh()
    assert [c.name for c in meta.catalogs()] == ["Student Devices", "Spare Parts"]


def test_an_unknown_catalog_is_looked_up_afresh_once_then_refused(rt):
    meta = cache(rt)
    meta.catalogs()
    rt.catalogs.append(Catalog(2, "Spare Parts"))
    assert meta.catalog("Spare Parts").id == 2  # created since the cache was filled
    reads = rt.reads
    with pytest.raises(CatalogNotFound, match="'Nope'.*'Student Devices', 'Spare Parts'"):
        meta.catalog("Nope")
    assert rt.reads == reads + 1


def test_zero_seconds_means_no_caching(rt):
    meta = cache(rt, ttl=0)
    meta.catalogs()
    meta.catalogs()
    assert rt.reads == 2
