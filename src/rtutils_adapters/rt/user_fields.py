"""``RTUserFields``: RT users' custom fields (``GET``/``PUT /user/{id}``), the
:class:`~rtutils_core.students.ports.UserFieldBackend` port."""

from __future__ import annotations

from collections.abc import Mapping

from rtutils_adapters.rt import wire
from rtutils_adapters.rt.client import RTClient
from rtutils_core.errors import UserNotFound


class RTUserFields:
    """Users' custom fields through ``client``, the HTTP client the other parts share."""

    def __init__(self, client: RTClient) -> None:
        self.client = client

    def read_user_fields(self, user_id: int) -> Mapping[str, str]:
        what = f"user {user_id}"
        reply = self.client.get(
            f"/user/{int(user_id)}", what=what, on_404=UserNotFound(f"no user {user_id} in RT")
        )
        return wire.user_field_values(reply.data, what)

    def write_user_fields(self, user_id: int, values: Mapping[str, str]) -> None:
        # RT answers 200 with messages even when it refused a field: the caller reads back.
        self.client.put(
            f"/user/{int(user_id)}",
            {"CustomFields": dict(values)},
            what=f"the custom fields of user {user_id}",
            on_404=UserNotFound(f"no user {user_id} in RT"),
        )
