"""Matching Chrome OS devices to RT assets and working out what to write where (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC
from typing import Literal

from attrs import field, frozen

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.errors import InvalidInput
from rtutils_core.google.devices import ChromeDevice, format_mac, normalise_mac, parse_macs
from rtutils_core.google.report import (
    ConflictKind,
    DeviceMatch,
    FieldChange,
    MatchedBy,
    SyncConflict,
    UnmatchedAsset,
    UnmatchedDevice,
)

Direction = Literal["to-google", "to-rt", "off"]
LoanRole = Literal["Owner", "HeldBy"]


@frozen
class SyncField:
    """One fact the sync can carry, which ways it may go, and where it lives on each side."""

    key: str
    google: str  # the Directory API's name for it
    directions: tuple[Direction, ...]  # allowed besides "off"
    default: Direction
    rt_field: str  # the RT custom field by default; "" when RT keeps it elsewhere


#: Every field the sync knows (a declarative table). The asset's Name and the person in the
#: loan role only go to Google: RT is where tags and loans are decided.
SYNC_FIELDS: tuple[SyncField, ...] = (
    SyncField("asset_id", "annotatedAssetId", ("to-google",), "to-google", ""),
    SyncField("user", "annotatedUser", ("to-google",), "to-google", ""),
    SyncField("location", "annotatedLocation", ("to-google", "to-rt"), "to-google", "Location"),
    SyncField("notes", "notes", ("to-google", "to-rt"), "off", "Notes"),
    SyncField("os_version", "osVersion", ("to-rt",), "to-rt", "OS Version"),
    SyncField("last_sync", "lastSync", ("to-rt",), "to-rt", "Last Sync"),
    SyncField(
        "auto_update_expiration",
        "autoUpdateExpiration",
        ("to-rt",),
        "to-rt",
        "Auto Update Expiration",
    ),
    SyncField("most_recent_user", "recentUsers", ("to-rt",), "to-rt", "Most Recent User"),
    SyncField("mac_address", "macAddress", ("to-rt",), "to-rt", "MAC Address"),
)
FIELDS_BY_KEY = {f.key: f for f in SYNC_FIELDS}


def _mapping(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return dict(value or {})


@frozen
class ChromeSyncOptions:
    """How the sync runs; every name has a default that matches the documented RT set-up.

    ``scope`` selects the RT assets that take part (it must name a catalog). ``rt_fields``
    renames RT custom fields by field key (``{"os_version": "Chrome OS"}``) and
    ``directions`` turns fields around or off (``{"location": "to-rt", "notes": "off"}``).
    The ``mac_address`` field's custom field is also the one MAC addresses are matched on.
    """

    scope: AssetQuery
    serial_field: str = "Serial Number"
    loan_role: LoanRole = "Owner"
    org_unit: str | None = None
    rt_fields: Mapping[str, str] = field(factory=dict, converter=_mapping, hash=False)
    directions: Mapping[str, str] = field(factory=dict, converter=_mapping, hash=False)

    def __attrs_post_init__(self) -> None:
        if not self.scope.catalog:
            raise InvalidInput("a Google sync needs a catalog in its scope, e.g. 'Student Devices'")
        if self.loan_role not in ("Owner", "HeldBy"):
            raise InvalidInput(f"the loan role is 'Owner' or 'HeldBy', not {self.loan_role!r}")
        for key in (*self.rt_fields, *self.directions):
            if key not in FIELDS_BY_KEY:
                known = ", ".join(FIELDS_BY_KEY)
                raise InvalidInput(f"unknown sync field {key!r}; known fields: {known}")
        for key, direction in self.directions.items():
            allowed = (*FIELDS_BY_KEY[key].directions, "off")
            if direction not in allowed:
                raise InvalidInput(
                    f"sync field {key!r} can go {' or '.join(map(repr, allowed))},"
                    f" not {direction!r}"
                )
        for key, name in self.rt_fields.items():
            if not name.strip() or not FIELDS_BY_KEY[key].rt_field:
                raise InvalidInput(f"sync field {key!r} cannot be given the RT field {name!r}")
        self._refuse_shared_rt_fields()

    def _refuse_shared_rt_fields(self) -> None:
        # The serial is what matching trusts most: no sync field may overwrite it.
        seen: dict[str, str] = {self.serial_field: "serial"}
        for spec in SYNC_FIELDS:
            if not spec.rt_field or self.direction(spec.key) == "off":
                continue
            name = self.rt_field(spec.key)
            if seen.get(name) == "serial":
                raise InvalidInput(
                    f"sync field {spec.key!r} may not write {name!r}: serials are matched on it"
                )
            if name in seen:
                raise InvalidInput(
                    f"sync fields {seen[name]!r} and {spec.key!r} both write the RT field {name!r}"
                )
            seen[name] = spec.key

    def direction(self, key: str) -> Direction:
        chosen = self.directions.get(key, FIELDS_BY_KEY[key].default)
        return "to-google" if chosen == "to-google" else "to-rt" if chosen == "to-rt" else "off"

    def rt_field(self, key: str) -> str:
        """Where RT keeps the field: a custom field name, ``Name`` or the loan role."""
        if key == "asset_id":
            return "Name"
        if key == "user":
            return self.loan_role
        return self.rt_fields.get(key, FIELDS_BY_KEY[key].rt_field)

    @property
    def mac_field(self) -> str:
        return self.rt_field("mac_address")

    def custom_fields_needed(self) -> tuple[str, ...]:
        """The RT custom fields this configuration reads or writes (checked before a run)."""
        names = [self.serial_field, self.mac_field]
        names += [
            self.rt_field(f.key)
            for f in SYNC_FIELDS
            if f.rt_field and self.direction(f.key) != "off"
        ]
        return tuple(dict.fromkeys(names))


def _rt_value(asset: Asset, key: str, options: ChromeSyncOptions) -> str:
    if key == "asset_id":
        return asset.name.strip()
    if key == "user":
        if options.loan_role == "Owner":
            return asset.owner or ""
        return asset.held_by[0] if asset.held_by else ""
    return asset.cf(options.rt_field(key))


def _google_value(device: ChromeDevice, key: str) -> str:
    readers: Mapping[str, Callable[[ChromeDevice], str]] = {
        "asset_id": lambda d: d.annotated_asset_id,
        "user": lambda d: d.annotated_user,
        "location": lambda d: d.annotated_location,
        "notes": lambda d: d.notes,
        "os_version": lambda d: d.os_version,
        "last_sync": lambda d: (
            d.last_sync.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if d.last_sync else ""
        ),
        "auto_update_expiration": lambda d: (
            d.auto_update_expiration.isoformat() if d.auto_update_expiration else ""
        ),
        "most_recent_user": lambda d: d.most_recent_user,
        "mac_address": lambda d: format_mac(d.mac_address or d.ethernet_mac_address),
    }
    return readers[key](device)


def _same(key: str, rt: str, google: str) -> bool:
    if key == "mac_address":
        # RT may list several addresses in any notation; the device's one being there is enough.
        # A device that reports no MAC says nothing: RT's address is kept, it is a match key.
        mac = normalise_mac(google)
        return not mac or mac in parse_macs(rt)
    return rt == google


def field_changes(
    device: ChromeDevice, asset: Asset, options: ChromeSyncOptions
) -> list[FieldChange]:
    """Every value that differs between the pair, in the direction its field goes."""
    changes = []
    for spec in SYNC_FIELDS:
        direction = options.direction(spec.key)
        if direction == "off":
            continue
        rt, google = _rt_value(asset, spec.key, options), _google_value(device, spec.key)
        if _same(spec.key, rt, google):
            continue
        if direction == "to-google":
            changes.append(
                FieldChange(device.device_id, asset.id, "google", spec.key, spec.google, google, rt)
            )
        else:
            target = options.rt_field(spec.key)
            changes.append(
                FieldChange(device.device_id, asset.id, "rt", spec.key, target, rt, google)
            )
    return changes


@frozen
class SyncPlan:
    """The pairs to bring in line, and everything that cannot be paired."""

    pairs: tuple[tuple[ChromeDevice, Asset, MatchedBy], ...]
    unmatched_devices: tuple[UnmatchedDevice, ...]
    unmatched_assets: tuple[UnmatchedAsset, ...]
    conflicts: tuple[SyncConflict, ...]

    @property
    def matched(self) -> tuple[DeviceMatch, ...]:
        return tuple(
            DeviceMatch(d.device_id, d.serial_number, a.id, a.name, by) for d, a, by in self.pairs
        )


def _index(
    assets: Iterable[Asset], keys: Callable[[Asset], Iterable[str]]
) -> dict[str, list[Asset]]:
    index: dict[str, list[Asset]] = defaultdict(list)
    for asset in assets:
        for key in keys(asset):
            index[key].append(asset)
    return index


class _Matcher:
    """One pass over the devices against indexes of the assets (no backend calls)."""

    def __init__(self, assets: Sequence[Asset], options: ChromeSyncOptions) -> None:
        serial = options.serial_field
        self.by_serial = _index(
            assets, lambda a: [a.cf(serial).strip()] if a.cf(serial).strip() else []
        )
        self.by_mac = _index(assets, lambda a: parse_macs(a.cf(options.mac_field)))
        self.by_name = _index(assets, lambda a: [a.name.strip()])
        self.conflicts: list[SyncConflict] = []
        self.unmatched: list[UnmatchedDevice] = []

    def match(self, device: ChromeDevice) -> tuple[Asset, MatchedBy] | None:
        serial = device.serial_number.strip()
        macs = sorted(device.macs())
        by: MatchedBy
        kind: ConflictKind
        if serial in self.by_serial:
            found, by, kind = self.by_serial[serial], "serial", "serial-on-several-assets"
            what = f"serial {serial!r}"
        else:
            found = list({a.id: a for m in macs for a in self.by_mac.get(m, [])}.values())
            by, kind = "mac", "mac-on-several-assets"
            what = "MAC " + ", ".join(map(format_mac, macs))
        if not found:
            self.unmatched.append(
                UnmatchedDevice(device.device_id, serial, tuple(macs), device.annotated_asset_id)
            )
            return None
        if len(found) > 1:
            ids = sorted(a.id for a in found)
            listed = ", ".join(map(str, ids))
            self.conflicts.append(
                SyncConflict(kind, (device.device_id,), tuple(ids), f"{what} is on assets {listed}")
            )
            return None
        asset = found[0]
        named = device.annotated_asset_id.strip()
        others = [a.id for a in self.by_name.get(named, []) if a.id != asset.id]
        if named and named != asset.name.strip() and others:
            self.conflicts.append(
                SyncConflict(
                    "annotation-names-other-asset",
                    (device.device_id,),
                    (asset.id, *others),
                    f"matched asset {asset.id} by {by}, but the annotation names {named!r}"
                    f" (asset {', '.join(map(str, others))})",
                )
            )
            return None
        return asset, by


def plan_sync(
    devices: Iterable[ChromeDevice], assets: Sequence[Asset], options: ChromeSyncOptions
) -> SyncPlan:
    """Match every device to at most one asset; set aside whatever is ambiguous."""
    matcher = _Matcher(assets, options)
    claims: dict[int, list[tuple[ChromeDevice, Asset, MatchedBy]]] = defaultdict(list)
    for device in devices:
        found = matcher.match(device)
        if found is not None:
            claims[found[0].id].append((device, found[0], found[1]))
    pairs = []
    for asset_id, claimed in sorted(claims.items()):
        if len(claimed) == 1:
            pairs.append(claimed[0])
            continue
        device_ids = [d.device_id for d, _, _ in claimed]
        matcher.conflicts.append(
            SyncConflict(
                "asset-matched-by-several-devices",
                tuple(device_ids),
                (asset_id,),
                f"asset {asset_id} matches {len(device_ids)} devices"
                f" ({', '.join(f'{d.device_id} by {by}' for d, _, by in claimed)})",
            )
        )
    involved = {a for c in matcher.conflicts for a in c.asset_ids} | {a.id for _, a, _ in pairs}
    unmatched_assets = [
        UnmatchedAsset(a.id, a.name, a.cf(options.serial_field))
        for a in sorted(assets, key=lambda a: a.id)
        if a.id not in involved
    ]
    return SyncPlan(
        tuple(sorted(pairs, key=lambda p: p[1].id)),
        tuple(matcher.unmatched),
        tuple(unmatched_assets),
        tuple(matcher.conflicts),
    )
