"""A small world for intake tests: a memory backend shaped like the harness RT, and stores."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attrs import define

from rtutils_adapters.memory import MemoryBackend, MemoryIntakeStore
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.intake import DeviceIntake, IntakeOptions
from rtutils_core.intake.ports import IntakeBackend, IntakeStore, NewAssetTagStore
from rtutils_core.intake.service import IntakeService
from rtutils_core.tags import TagFormat, TagFormats
from tests.rt_harness import CATALOGS, FIELD_CHOICES, STUDENT_DEVICES

FORMATS = TagFormats(TagFormat("W12-", 5), (TagFormat("TEST-", 3),))


def formats_for(folder: Path) -> TagFormats:
    """A prefix of its own for the stores in ``folder``.

    Tests share one RT but each has its own tag store; with one prefix, every new store
    would start at the tags that earlier tests' assets carry already.
    """
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:8].upper()
    return TagFormats(TagFormat(f"T{digest}-", 5))


def memory_backend() -> MemoryBackend:
    """The harness's catalogs, with the same Select and Combobox fields."""
    backend = MemoryBackend("http://rt.invalid")
    for name, (description, fields) in CATALOGS.items():
        backend.add_catalog(name, fields, description)
    for field, (kind, choices) in FIELD_CHOICES.items():
        backend.describe_field(STUDENT_DEVICES, CatalogField(field, kind, choices))
    return backend


def device(serial: str, **changes: str | None) -> DeviceIntake:
    values: dict[str, str | None] = {
        "catalog": STUDENT_DEVICES,
        "serial": serial,
        "manufacturer": "HP",
        "model": "Chromebook 11 G9",
        "type": "Chromebook",
        "funding_source": "Title I",
    }
    values.update(changes)
    return DeviceIntake(**values)  # type: ignore[arg-type]


class Clock:
    """A settable UTC clock."""

    def __init__(self) -> None:
        self.now = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@define
class World:
    backend: IntakeBackend
    tags: NewAssetTagStore
    store: IntakeStore
    clock: Clock

    def service(
        self, options: IntakeOptions | None = None, seed: int | None = None
    ) -> IntakeService:
        extra = {"rng": random.Random(seed)} if seed is not None else {}
        return IntakeService(
            self.backend,
            self.tags,
            FORMATS,
            self.store,
            options or IntakeOptions(),
            clock=self.clock,
            **extra,
        )


def memory_world(backend: IntakeBackend | None = None) -> World:
    clock = Clock()
    store_clock: Callable[[], datetime] = clock
    return World(
        backend or memory_backend(), MemoryTagStore(), MemoryIntakeStore(store_clock), clock
    )
