"""RT users' custom fields in memory (the ``UserFieldBackend`` port of ``MemoryBackend``)."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from rtutils_core.assets import User
from rtutils_core.errors import UserNotFound


class MemoryUserFieldMethods:
    """Custom field values per user id; fields not in ``user_field_names`` are not stored,
    as RT ignores a field not applied to users."""

    _lock: threading.RLock
    _users: dict[str, User]
    calls: dict[str, int]
    user_field_names: frozenset[str] = frozenset({"Student ID", "Graduation Year"})

    def _user_values(self) -> dict[int, dict[str, str]]:
        if not hasattr(self, "_user_field_values"):
            self._user_field_values: dict[int, dict[str, str]] = {}
        return self._user_field_values

    def _check_user(self, user_id: int) -> None:
        if not any(u.id == user_id for u in self._users.values()):
            raise UserNotFound(f"no user {user_id} in RT")

    def read_user_fields(self, user_id: int) -> Mapping[str, str]:
        with self._lock:
            self._check_user(user_id)
            self.calls["read_user_fields"] = self.calls.get("read_user_fields", 0) + 1
            return dict(self._user_values().get(user_id, {}))

    def write_user_fields(self, user_id: int, values: Mapping[str, str]) -> None:
        with self._lock:
            self._check_user(user_id)
            self.calls["write_user_fields"] = self.calls.get("write_user_fields", 0) + 1
            stored = self._user_values().setdefault(user_id, {})
            stored.update({k: v for k, v in values.items() if k in self.user_field_names})
