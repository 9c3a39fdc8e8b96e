"""The Google feature's port: where the district's Chrome OS devices are managed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from rtutils_core.google.devices import AnnotationChanges, ChromeDevice


@runtime_checkable
class ChromeDeviceDirectory(Protocol):
    """Where the district's Chrome OS devices are managed (Google Admin, or an in-memory fake).

    Every implementation passes ``tests/contract/test_chrome_directory.py``. Errors are the
    core's: :class:`~rtutils_core.errors.DeviceNotFound`,
    :class:`~rtutils_core.errors.BackendAuthFailed` (credentials refused, naming the setting),
    :class:`~rtutils_core.errors.BackendUnavailable` (after retries), ...
    """

    def iter_devices(self, org_unit: str | None = None) -> Iterator[ChromeDevice]:
        """Every device (all fields), page after page; ``org_unit`` with its child units."""

    def get_device(self, device_id: str) -> ChromeDevice:
        """One device with all its fields."""

    def update_annotations(self, device_id: str, changes: AnnotationChanges) -> ChromeDevice:
        """Set the given annotations (others stay as they are); return the device after."""
