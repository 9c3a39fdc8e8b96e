"""The one search both doors answer (the API's JSON and the results page)."""

from __future__ import annotations

from rtutils_web import services
from rtutils_web.access.auth import current_principal
from rtutils_web.search.schema import FoundDeviceJson, SearchJson


def may_see_people() -> bool:
    """Holders and people are student data: operators and above."""
    principal = current_principal()
    return principal is not None and principal.may("operator")


def search(text: str) -> SearchJson:
    """What ``text`` names, as much as the caller's role may see."""
    shown = may_see_people()
    result = services.scans().search(text, with_people=shown)
    options = services.loans().options
    devices = [
        FoundDeviceJson.of(
            how,
            asset,
            services.assets().url(asset.id),
            list(options.holders(asset)) if shown else None,
        )
        for how, asset in result.devices
    ]
    return SearchJson.of(result, devices, shown)
