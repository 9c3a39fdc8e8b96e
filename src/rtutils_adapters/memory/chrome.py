"""An in-memory Chrome OS device directory that behaves like the Google Admin one."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from rtutils_adapters.memory.keyed import kept
from rtutils_core.errors import DeviceNotFound, InvalidInput
from rtutils_core.google import AnnotationChanges, ChromeDevice


def in_org_unit(path: str, org_unit: str) -> bool:
    """Whether ``path`` is ``org_unit`` or below it (Google takes the unit with or without '/')."""
    unit = "/" + org_unit.strip("/")
    return unit in ("/", path) or path.startswith(unit + "/")


class MemoryChromeDirectory:
    """Devices in a dict, listed in pages of ``page_size``; safe to share between threads."""

    def __init__(self, devices: Iterable[ChromeDevice] = (), page_size: int = 100) -> None:
        if page_size < 1:
            raise InvalidInput("page_size must be 1 or more")
        self.page_size = page_size
        self._lock = threading.Lock()
        self._devices: dict[str, ChromeDevice] = {}
        #: How many calls reached the directory, by operation (``list_page`` per page).
        self.calls: dict[str, int] = {}
        for device in devices:
            self.add_device(device)

    def add_device(self, device: ChromeDevice) -> ChromeDevice:
        """Set-up, not part of the port: put ``device`` in (replacing one with its id)."""
        with self._lock:
            self._devices[device.device_id] = device
        return device

    def _count(self, op: str) -> None:
        self.calls[op] = self.calls.get(op, 0) + 1

    def iter_devices(self, org_unit: str | None = None) -> Iterator[ChromeDevice]:
        with self._lock:
            chosen = [
                d
                for d in self._devices.values()
                if org_unit is None or in_org_unit(d.org_unit_path, org_unit)
            ]
        for start in range(0, max(len(chosen), 1), self.page_size):
            with self._lock:
                self._count("list_page")
            yield from chosen[start : start + self.page_size]

    def get_device(self, device_id: str) -> ChromeDevice:
        with self._lock:
            self._count("get_device")
            return self._find(device_id)

    def _find(self, device_id: str) -> ChromeDevice:
        return kept(
            self._devices, device_id, DeviceNotFound(f"no Chrome OS device with id {device_id!r}")
        )

    def update_annotations(self, device_id: str, changes: AnnotationChanges) -> ChromeDevice:
        with self._lock:
            self._count("update_annotations")
            device = changes.applied_to(self._find(device_id))
            self._devices[device_id] = device
            return device
