"""``MemoryUserFields``: RT users' custom fields in memory (the ``UserFieldBackend`` port)."""

from __future__ import annotations

from collections.abc import Mapping

from rtutils_adapters.memory.records import MemoryRecords
from rtutils_core.errors import UserNotFound


class MemoryUserFields:
    """Custom field values per user id of ``records``' users; fields not in
    ``user_field_names`` are not stored, as RT ignores a field not applied to users."""

    user_field_names: frozenset[str] = frozenset({"Student ID", "Graduation Year"})

    def __init__(self, records: MemoryRecords) -> None:
        self.records = records
        self.values: dict[int, dict[str, str]] = {}

    def _check_user(self, user_id: int) -> None:
        if not any(u.id == user_id for u in self.records.users.values()):
            raise UserNotFound(f"no user {user_id} in RT")

    def read_user_fields(self, user_id: int) -> Mapping[str, str]:
        with self.records.lock:
            self._check_user(user_id)
            self.records.count("read_user_fields")
            return dict(self.values.get(user_id, {}))

    def write_user_fields(self, user_id: int, values: Mapping[str, str]) -> None:
        with self.records.lock:
            self._check_user(user_id)
            self.records.count("write_user_fields")
            stored = self.values.setdefault(user_id, {})
            stored.update({k: v for k, v in values.items() if k in self.user_field_names})
