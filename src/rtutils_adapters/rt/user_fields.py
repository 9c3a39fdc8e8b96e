"""RT users' custom fields (``GET``/``PUT /user/{id}``), the ``UserFieldBackend`` port."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rtutils_adapters.rt.client import RTClient
from rtutils_core.errors import UntrustworthyResult, UserNotFound


class RTUserFieldMethods:
    """The :class:`~rtutils_core.students.ports.UserFieldBackend` methods of ``RTRestBackend``."""

    client: RTClient

    def read_user_fields(self, user_id: int) -> Mapping[str, str]:
        what = f"user {user_id}"
        reply = self.client.get(
            f"/user/{int(user_id)}", what=what, on_404=UserNotFound(f"no user {user_id} in RT")
        )
        return _custom_fields(reply.data, what)

    def write_user_fields(self, user_id: int, values: Mapping[str, str]) -> None:
        # RT answers 200 with messages even when it refused a field: the caller reads back.
        self.client.put(
            f"/user/{int(user_id)}",
            {"CustomFields": dict(values)},
            what=f"the custom fields of user {user_id}",
            on_404=UserNotFound(f"no user {user_id} in RT"),
        )


def _custom_fields(data: Any, what: str) -> dict[str, str]:
    """RT's ``CustomFields`` list (``[{"name": ..., "values": [...]}, ...]``) as a mapping."""
    listed = data.get("CustomFields", []) if isinstance(data, Mapping) else None
    if not isinstance(listed, list):
        raise UntrustworthyResult(f"RT answered {what} without a list of custom fields")
    found: dict[str, str] = {}
    for item in listed:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            values = item.get("values") or []
            found[item["name"]] = str(values[0]) if isinstance(values, list) and values else ""
    return found
