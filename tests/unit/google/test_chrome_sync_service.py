"""The Google Admin sync on in-memory fakes: matching, conflicts, directions, writes, reports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.chrome import MemoryChromeDirectory
from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.errors import BackendAuthFailed, InvalidInput, JobConflict
from rtutils_core.google import AnnotationChanges, ChromeDevice, format_mac, parse_macs
from rtutils_core.google.report import (
    ChromeSyncReport,
    DeviceMatch,
    FieldChange,
    UnmatchedAsset,
    UnmatchedDevice,
    report_csv,
    report_json,
)
from rtutils_core.google.service import ChromeSyncService, chrome_sync_job_kind, start_sync
from rtutils_core.google.sync import ChromeSyncOptions
from rtutils_core.jobs.service import JobService

CATALOG = "Student Devices"
SCOPE = AssetQuery(catalog=CATALOG)
#: The custom fields the default options read and write.
FIELDS = ChromeSyncOptions(SCOPE).custom_fields_needed()


def _backend(fields: tuple[str, ...] = FIELDS) -> MemoryBackend:
    backend = MemoryBackend()
    backend.add_catalog(CATALOG, fields)
    backend.add_catalog("Spare Parts", ("Bin",))
    for name in ("li.wei", "amara.okafor"):
        backend.add_user(name)
    return backend


def _asset(backend: MemoryBackend, name: str, owner: str | None = None, **cfs: str) -> int:
    fields = {k.replace("_", " "): v for k, v in cfs.items()}
    return backend.add_asset(AssetDraft(name, CATALOG, "in-use", owner, custom_fields=fields)).id


def _device(device_id: str, serial: str = "", mac: str = "", **values: object) -> ChromeDevice:
    return ChromeDevice(device_id=device_id, serial_number=serial, mac_address=mac, **values)  # type: ignore[arg-type]


def _service(
    backend: MemoryBackend, directory: MemoryChromeDirectory, **options: object
) -> ChromeSyncService:
    return ChromeSyncService(backend, directory, ChromeSyncOptions(SCOPE, **options))  # type: ignore[arg-type]


def test_mac_addresses_in_any_notation_are_one_address() -> None:
    forms = "A0:B1:C2:D3:E4:F5, a0-b1-c2-d3-e4-f5; a0b1.c2d3.e4f5 A0B1C2D3E4F5 nonsense"
    assert parse_macs(forms) == {"a0b1c2d3e4f5"}
    assert format_mac("A0B1C2D3E4F5") == "a0:b1:c2:d3:e4:f5"
    assert format_mac("a0:b1") == ""


def test_matches_by_serial_then_by_mac_and_names_the_rest() -> None:
    backend = _backend()
    by_serial = _asset(backend, "W12-00001", Serial_Number="SN1")
    by_mac = _asset(backend, "W12-00002", MAC_Address="A0-B1-C2-D3-E4-F5")
    lonely = _asset(backend, "W12-00003", Serial_Number="SN-NOT-IN-GOOGLE")
    directory = MemoryChromeDirectory(
        [
            _device("d1", "SN1"),
            _device("d2", "SN-UNKNOWN", "a0b1c2d3e4f5"),
            _device("d3", "SN3", "ffffffffffff"),
        ]
    )
    report = _service(backend, directory).dry_run()
    assert [(m.device_id, m.asset_id, m.matched_by) for m in report.matched] == [
        ("d1", by_serial, "serial"),
        ("d2", by_mac, "mac"),
    ]
    assert [(d.device_id, d.macs) for d in report.unmatched_devices] == [("d3", ("ffffffffffff",))]
    assert [a.asset_id for a in report.unmatched_assets] == [lonely]
    assert report.conflicts == ()


def test_a_serial_is_matched_exactly() -> None:
    backend = _backend()
    _asset(backend, "W12-00001", Serial_Number="sn1")
    report = _service(backend, MemoryChromeDirectory([_device("d1", "SN1")])).dry_run()
    assert report.matched == ()
    assert len(report.unmatched_devices) == 1


def test_conflicts_are_reported_and_left_alone() -> None:
    backend = _backend()
    twin_a = _asset(backend, "W12-00001", Serial_Number="TWIN")
    twin_b = _asset(backend, "W12-00002", Serial_Number="TWIN")
    mac_a = _asset(backend, "W12-00003", MAC_Address="00:11:22:33:44:55")
    mac_b = _asset(backend, "W12-00004", MAC_Address="001122334455")
    named = _asset(backend, "W12-00005", Serial_Number="SN5")
    other = _asset(backend, "W12-00006", Serial_Number="SN6")
    claimed = _asset(backend, "W12-00007", Serial_Number="SN7", MAC_Address="aa:aa:aa:aa:aa:aa")
    directory = MemoryChromeDirectory(
        [
            _device("d-twin", "TWIN"),
            _device("d-mac", "", "001122334455"),
            _device("d-named", "SN5", annotated_asset_id="W12-00006"),
            _device("d-6", "SN6"),
            _device("d-7", "SN7"),
            _device("d-7b", "SN-OTHER", "aaaaaaaaaaaa"),
        ]
    )
    service = _service(backend, directory)
    report = service.dry_run()
    kinds = {c.kind: (c.device_ids, c.asset_ids) for c in report.conflicts}
    assert kinds == {
        "serial-on-several-assets": (("d-twin",), (twin_a, twin_b)),
        "mac-on-several-assets": (("d-mac",), (mac_a, mac_b)),
        "annotation-names-other-asset": (("d-named",), (named, other)),
        "asset-matched-by-several-devices": (("d-7", "d-7b"), (claimed,)),
    }
    assert [m.device_id for m in report.matched] == ["d-6"]
    assert report.unmatched_assets == ()  # assets in a conflict are not "unmatched"
    service.run()
    assert directory.calls.get("update_annotations", 0) == 1  # only d-6
    assert directory.get_device("d-named").annotated_asset_id == "W12-00006"


def _one_pair(**device_values: object) -> tuple[MemoryBackend, MemoryChromeDirectory, int]:
    backend = _backend()
    asset_id = _asset(
        backend,
        "W12-00042",
        "li.wei",
        Serial_Number="SN42",
        Location="Room 12",
        OS_Version="120.0",
        MAC_Address="A0:B1:C2:D3:E4:F5",
    )
    values = {
        "annotated_asset_id": "old-tag",
        "os_version": "126.0.6478.132",
        "last_sync": datetime(2026, 11, 29, 7, 45, 12, 500000, tzinfo=UTC),
        "auto_update_expiration": date(2029, 6, 1),
        "most_recent_user": "li.wei@students.example.org",
        **device_values,
    }
    directory = MemoryChromeDirectory([_device("d42", "SN42", "a0b1c2d3e4f5", **values)])
    return backend, directory, asset_id


def test_writes_what_differs_each_way_and_a_second_run_writes_nothing() -> None:
    backend, directory, asset_id = _one_pair()
    service = _service(backend, directory)
    report = service.dry_run()
    assert {(c.side, c.target, c.before, c.after) for c in report.changes} == {
        ("google", "annotatedAssetId", "old-tag", "W12-00042"),
        ("google", "annotatedUser", "", "li.wei"),
        ("google", "annotatedLocation", "", "Room 12"),
        ("rt", "OS Version", "120.0", "126.0.6478.132"),
        ("rt", "Last Sync", "", "2026-11-29T07:45:12Z"),
        ("rt", "Auto Update Expiration", "", "2029-06-01"),
        ("rt", "Most Recent User", "", "li.wei@students.example.org"),
    }  # the MAC is the same address in another notation: not a change
    assert directory.calls.get("update_annotations", 0) == 0
    assert backend.calls.get("update_asset", 0) == 0

    progress: list[tuple[int, int]] = []
    assert service.run(progress=lambda done, total: progress.append((done, total))).failures == ()
    assert progress == [(0, 1), (1, 1)]
    device = directory.get_device("d42")
    assert (device.annotated_asset_id, device.annotated_user, device.annotated_location) == (
        "W12-00042",
        "li.wei",
        "Room 12",
    )
    asset = backend.get_asset(asset_id)
    assert asset.cf("Last Sync") == "2026-11-29T07:45:12Z"
    assert asset.cf("MAC Address") == "A0:B1:C2:D3:E4:F5"
    assert (directory.calls["update_annotations"], backend.calls["update_asset"]) == (1, 1)

    again = service.run()
    assert again.changes == ()
    assert (directory.calls["update_annotations"], backend.calls["update_asset"]) == (1, 1)


def test_a_device_without_a_mac_leaves_the_rt_address_alone() -> None:
    backend, _, _ = _one_pair()
    directory = MemoryChromeDirectory([_device("d42", "SN42", "", os_version="120.0")])
    report = _service(backend, directory, directions={"asset_id": "off", "user": "off"}).dry_run()
    assert [c.target for c in report.changes] == ["annotatedLocation"]


def test_reads_rt_in_bulk_never_one_asset_at_a_time() -> None:
    backend, directory, _ = _one_pair()
    _service(backend, directory).dry_run()
    assert backend.calls.get("get_asset", 0) == 0
    assert backend.calls["search_assets"] == 1


def test_directions_and_names_are_options() -> None:
    backend, directory, asset_id = _one_pair(annotated_location="Library")
    options = {
        "loan_role": "HeldBy",
        "directions": {"location": "to-rt", "os_version": "off", "last_sync": "off"},
        "rt_fields": {"most_recent_user": "Last User"},
    }
    backend = _renamed_fields(backend)
    report = _service(backend, directory, **options).dry_run()
    targets = {(c.side, c.target, c.after) for c in report.changes}
    assert ("rt", "Location", "Library") in targets
    assert ("google", "annotatedUser", "") not in targets  # nobody holds it; Google has ''
    assert not {t for t in targets if t[1] in ("OS Version", "Last Sync")}
    assert ("rt", "Last User", "li.wei@students.example.org") in targets
    assert backend.get_asset(asset_id).cf("Location") == "Room 12"


def _renamed_fields(backend: MemoryBackend) -> MemoryBackend:
    """The same assets in a catalog that calls "Most Recent User" "Last User"."""
    copy = _backend((*FIELDS, "Last User"))
    for asset in backend.iter_assets(SCOPE):
        draft = AssetDraft(
            asset.name, CATALOG, asset.status, asset.owner, custom_fields=asset.custom_fields
        )
        copy.add_asset(draft, asset.held_by)
    return copy


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"directions": {"asset_id": "to-rt"}}, "'asset_id' can go 'to-google' or 'off'"),
        ({"directions": {"os_version": "to-google"}}, "'os_version' can go 'to-rt' or 'off'"),
        ({"directions": {"colour": "off"}}, "unknown sync field 'colour'"),
        ({"rt_fields": {"user": "Person"}}, "'user' cannot be given the RT field"),
        ({"loan_role": "Contact"}, "'Owner' or 'HeldBy'"),
        (
            {"rt_fields": {"most_recent_user": "Location"}},
            "'location' and 'most_recent_user' both write the RT field 'Location'",
        ),
        (
            {"rt_fields": {"os_version": "Serial Number"}},
            "'os_version' may not write 'Serial Number': serials are matched on it",
        ),
    ],
)
def test_bad_options_are_refused_with_the_reason(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        ChromeSyncOptions(SCOPE, **options)  # type: ignore[arg-type]


def test_a_scope_without_a_catalog_is_refused() -> None:
    with pytest.raises(InvalidInput, match="needs a catalog"):
        ChromeSyncOptions(AssetQuery())


def test_a_custom_field_missing_from_the_catalog_stops_before_anything_is_read() -> None:
    backend = _backend(fields=("Serial Number", "MAC Address"))
    directory = MemoryChromeDirectory([_device("d1", "SN1")])
    with pytest.raises(InvalidInput, match="'Location' is not applied to catalog"):
        _service(backend, directory).dry_run()
    assert directory.calls == {}
    report = _service(
        backend,
        directory,
        directions={
            k: "off"
            for k in ("location", "os_version", "last_sync", "auto_update_expiration")
            + ("most_recent_user", "mac_address")
        },
    ).dry_run()
    assert report.unmatched_devices[0].device_id == "d1"


class _RefusingDirectory(MemoryChromeDirectory):
    def iter_devices(self, org_unit: str | None = None) -> Iterator[ChromeDevice]:
        raise BackendAuthFailed("Google refused ... GOOGLE_SERVICE_ACCOUNT_FILE")


def test_refused_credentials_stop_the_run_before_anything_is_written() -> None:
    backend, _, _ = _one_pair()
    with pytest.raises(BackendAuthFailed, match="GOOGLE_SERVICE_ACCOUNT_FILE"):
        _service(backend, _RefusingDirectory()).run()
    assert backend.calls.get("update_asset", 0) == 0
    assert backend.calls.get("search_assets", 0) == 0


def test_a_refused_write_is_reported_and_the_run_goes_on() -> None:
    backend, directory, asset_id = _one_pair()
    backend.add_user("someone.with.a.very.long.name" + "x" * 100)
    backend.update_asset(asset_id, AssetChanges(owner="someone.with.a.very.long.name" + "x" * 100))
    report = _service(backend, directory).run()
    assert [(f.side, f.code) for f in report.failures] == [("google", "invalid_input")]
    assert "annotatedUser takes at most 100" in report.failures[0].message
    assert backend.get_asset(asset_id).cf("OS Version") == "126.0.6478.132"  # RT side written


def test_the_report_as_json_and_csv() -> None:
    backend, directory, asset_id = _one_pair()
    _asset(backend, "W12-00099", Serial_Number="RT-ONLY")
    directory.add_device(_device("d-lost", "NOWHERE", "ffffffffffff"))
    report = _service(backend, directory).dry_run()

    document = json.loads(report_json(report))
    assert document["summary"] == {
        "matched": 1,
        "unmatched_devices": 1,
        "unmatched_assets": 1,
        "conflicts": 0,
        "google_changes": 3,
        "rt_changes": 4,
        "devices_changed_in_google": 1,
        "assets_changed_in_rt": 1,
        "failures": 0,
    }
    assert document["dry_run"] is True
    assert document["matched"][0] == {
        "device_id": "d42",
        "serial": "SN42",
        "asset_id": asset_id,
        "asset_name": "W12-00042",
        "matched_by": "serial",
    }

    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [r["record"] for r in rows] == ["matched", "unmatched-device", "unmatched-asset"] + [
        "change"
    ] * 7
    change = next(r for r in rows if r["target"] == "OS Version")
    assert (change["side"], change["before"], change["after"]) == ("rt", "120.0", "126.0.6478.132")
    assert isinstance(report.changes[0], FieldChange)


def test_annotation_changes_know_their_limits() -> None:
    assert AnnotationChanges().is_empty()
    with pytest.raises(InvalidInput, match="annotatedLocation takes at most 200"):
        AnnotationChanges(annotated_location="x" * 201)


def test_a_real_run_is_a_job_with_progress_and_one_runs_at_a_time() -> None:
    backend, directory, _ = _one_pair()
    service = _service(backend, directory)
    jobs = JobService(MemoryJobStore(), InlineJobQueue())
    jobs.register(chrome_sync_job_kind(lambda: service))
    job = start_sync(jobs)
    with pytest.raises(JobConflict, match=f"a Google sync is queued already \\(job {job.id}\\)"):
        start_sync(jobs)
    jobs.queue.run_pending(jobs)  # type: ignore[attr-defined]
    done = jobs.get(job.id)
    assert (done.state, done.progress.done, done.progress.total) == ("succeeded", 1, 1)
    assert done.result["summary"]["matched"] == 1  # type: ignore[index, call-overload]
    assert done.result["failures"] == []  # type: ignore[index, call-overload]
    again = start_sync(jobs, here_as="shell")  # run here: finished when it returns
    assert (again.state, again.progress.total, again.worker) == ("succeeded", 0, "shell")


def test_the_csv_report_never_hands_a_spreadsheet_a_formula() -> None:
    report = ChromeSyncReport(
        dry_run=True,
        matched=(DeviceMatch("d1", '=HYPERLINK("x")', 7, "+cmd|' /C calc'!A0", "serial"),),
        unmatched_devices=(UnmatchedDevice("d2", "@SUM(1)", ("-1",)),),
        unmatched_assets=(UnmatchedAsset(8, "\tW12-00008", "=1+1"),),
        conflicts=(),
        changes=(FieldChange("d1", 7, "rt", "os_version", "OS Version", "=1", "-2"),),
    )
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    cells = [value for row in rows for value in row.values() if value]
    assert '\'=HYPERLINK("x")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1)" in cells and "'\tW12-00008" in cells and "'=1" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
