"""The desk against the real RT behind :class:`tests.rt_outage.OutageProxy`: devices loaded
in twin sets (one for live operations, one for the outbox), a mixed script of desk writes,
and what RT holds of each device afterwards, to compare the two."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import frozen
from tests.rt_harness import STUDENT_DEVICES, RTServer, unique_name
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING

from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets import AssetDraft
from rtutils_web.settings import Settings

#: The devices of one set: who holds each at the start (status in-use), or nobody.
START: tuple[str | None, ...] = (
    None, None, None, None,
    "amara.okafor", "amara.okafor", "amara.okafor", "amara.okafor",
    "li.wei", "li.wei", "li.wei", "li.wei",
)  # fmt: skip

#: A handout morning in twelve writes: check-outs, check-ins with and without damage or a
#: note (repair tickets), and devices that go back and forth in the same outage.
SCRIPT: tuple[tuple[str, int, dict[str, Any]], ...] = (
    ("check-out", 0, {"person": "li.wei"}),
    ("check-out", 1, {"person": "zoe.muller", "due": "2099-06-30"}),
    ("check-in", 4, {}),
    ("check-in", 5, {"condition": "damaged", "damages": ["battery"], "note": "cracked corner"}),
    ("check-in", 6, {"note": "sticker on the lid"}),
    ("check-in", 8, {"condition": "damaged", "damages": ["keyboard"]}),
    ("check-out", 8, {"person": "zoe.muller"}),
    ("check-in", 9, {}),
    ("check-out", 2, {"person": "amara.okafor"}),
    ("check-in", 0, {}),
    ("check-out", 3, {"person": "li.wei"}),
    ("check-in", 10, {"condition": "damaged", "damages": ["broken screen"]}),
)


def load_devices(
    server: RTServer, holders: Sequence[str | None] = START, prefix: str = ""
) -> list[int]:
    """One set of devices in RT with these holders (Owner, status in-use), in order; with
    a ``prefix`` they are named as its tags (three digits, from 1)."""
    base = unique_name("OUT").upper()
    drafts = [
        AssetDraft(
            f"{prefix}{n + 1:03d}" if prefix else f"{base}-{n:02d}",
            STUDENT_DEVICES,
            status="in-use" if holder else "allocated",
            owner=holder,
            custom_fields={"Type": "Chromebook"},
        )
        for n, holder in enumerate(holders)
    ]
    ids = server.insert_assets([(d, ()) for d in drafts])
    return [ids[d.name] for d in drafts]


def settings(folder: Path, rt_url: str, token: str, **more: str) -> Settings:
    """The service against the RT at ``rt_url``, its state in ``folder``."""
    return Settings.from_env(
        {
            "RTUTILS_BACKEND": "rt",
            "RT_URL": rt_url,
            "RT_TOKEN": token,
            "RT_READ_TIMEOUT": "60",
            "RT_CONNECT_TIMEOUT": "5",
            "SECRET_KEY": SECRET_KEY,
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "WORKING_DIR": str(folder),
            **more,
        }
    )


@frozen
class Held:
    """What RT holds of one device, with its own name taken out of its tickets' subjects."""

    owner: str | None
    status: str
    tickets: tuple[str, ...]


def held(server: RTServer, backend: RTRestBackend, asset_id: int) -> Held:
    """The device as RT holds it now, read directly (not through the proxy)."""
    state = backend.read_asset_state(asset_id)
    name = state.asset.name
    subjects = []
    for ticket_id in sorted(state.referred_by):
        data = server._rest_get(f"/ticket/{ticket_id}", {})
        subjects.append(re.sub(re.escape(name), "<tag>", data["Subject"]))
    return Held(state.asset.owner, state.asset.status, tuple(subjects))


def expected_owners(holders: Sequence[str | None] = START) -> list[str | None]:
    """Who holds each device once :data:`SCRIPT` has run on a set that starts as ``holders``."""
    owners = list(holders)
    for kind, slot, body in SCRIPT:
        owners[slot] = body["person"] if kind == "check-out" else None
    return owners
