"""Reading a write back: RT answers a PUT with 200 even when it did not apply a change."""

from __future__ import annotations

from rtutils_core.assets import Asset, AssetChanges


def unapplied(changes: AssetChanges, asset: Asset) -> list[str]:
    """The parts of ``changes`` that ``asset`` does not show."""
    missing = []
    if changes.name is not None and asset.name != changes.name:
        missing.append("name")
    if changes.status is not None and asset.status.casefold() != changes.status.casefold():
        missing.append("status")
    if changes.owner is not None and asset.owner != (changes.owner or None):
        missing.append("owner")
    if changes.held_by is not None and set(asset.held_by) != set(changes.held_by):
        missing.append("holders")
    for name, value in (changes.custom_fields or {}).items():
        if asset.cf(name) != value:
            missing.append(f"custom field {name!r}")
    return missing
