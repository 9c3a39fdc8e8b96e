"""The ChromeDeviceDirectory contract: the in-memory fake and the Google adapter on the stand-in.

The Google side runs the real adapter (google-auth's service-account flow, urllib3 retries)
against the loopback stand-in of tests/google_standin.py, which checks the bearer token on
every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import attrs
import pytest
from attrs import define
from tests.google_standin import (
    ADMIN,
    DirectoryStandIn,
    new_key_pair,
    standin_directory,
    write_key_file,
)

from rtutils_adapters.memory.chrome import MemoryChromeDirectory
from rtutils_core.errors import (
    BackendAuthFailed,
    BackendUnavailable,
    ConfigError,
    DeviceNotFound,
    InvalidInput,
)
from rtutils_core.google import AnnotationChanges, ChromeDevice
from rtutils_core.google.ports import ChromeDeviceDirectory

FULL = ChromeDevice(
    device_id="dev-full",
    serial_number="5CD123FULL",
    mac_address="a0b1c2d3e4f5",
    ethernet_mac_address="001122334455",
    annotated_asset_id="W12-00001",
    annotated_user="li.wei",
    annotated_location="Room 12",
    notes="cracked hinge",
    os_version="126.0.6478.132",
    last_sync=datetime(2026, 11, 29, 7, 45, 12, tzinfo=UTC),
    auto_update_expiration=date(2029, 6, 1),
    most_recent_user="li.wei@students.example.org",
    org_unit_path="/Students/Grade 5",
    status="ACTIVE",
    model="HP Chromebook 11 G9 EE",
)
UNITS = ("/Students/Grade 5", "/Students/Grade 6", "/Staff", "/Students")


def _devices() -> list[ChromeDevice]:
    extra = [
        ChromeDevice(device_id=f"dev-{i}", serial_number=f"SN{i:03d}", org_unit_path=UNITS[i % 4])
        for i in range(1, 7)
    ]
    return [FULL, *extra]


@define
class World:
    kind: str
    directory: ChromeDeviceDirectory
    list_pages: Callable[[], int]
    updates: Callable[[], int]


@pytest.fixture(params=["memory", "google"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    if request.param == "memory":
        fake = MemoryChromeDirectory(_devices(), page_size=3)
        yield World(
            "memory",
            fake,
            lambda: fake.calls.get("list_page", 0),
            lambda: fake.calls.get("update_annotations", 0),
        )
        return
    standin: DirectoryStandIn = request.getfixturevalue("google_standin")
    for device in _devices():
        standin.add(device)
    directory = standin_directory(standin, request.getfixturevalue("google_key_file"), page_size=3)
    yield World("google", directory, lambda: standin.counts["list"], lambda: len(standin.patches))
    directory.close()


def test_lists_every_device_page_after_page(world: World) -> None:
    devices = list(world.directory.iter_devices())
    assert sorted(d.device_id for d in devices) == sorted(d.device_id for d in _devices())
    assert world.list_pages() == 3  # ceil(7 / 3)


def test_lists_an_org_unit_with_its_children(world: World) -> None:
    grade5 = {d.device_id for d in world.directory.iter_devices("/Students/Grade 5")}
    assert grade5 == {"dev-full", "dev-4"}
    students = {d.device_id for d in world.directory.iter_devices("Students")}
    assert students == {"dev-full", "dev-1", "dev-3", "dev-4", "dev-5"}


def test_reads_every_field_of_a_device(world: World) -> None:
    assert world.directory.get_device("dev-full") == FULL
    listed = next(d for d in world.directory.iter_devices() if d.device_id == "dev-full")
    assert listed == FULL


def test_an_unknown_device_is_device_not_found(world: World) -> None:
    with pytest.raises(DeviceNotFound, match="no-such"):
        world.directory.get_device("no-such")
    with pytest.raises(DeviceNotFound, match="no-such"):
        world.directory.update_annotations("no-such", AnnotationChanges(notes="x"))


def test_updates_only_the_annotations_given(world: World) -> None:
    after = world.directory.update_annotations(
        "dev-full", AnnotationChanges(annotated_asset_id="W12-00099", annotated_user="")
    )
    assert after == attrs.evolve(FULL, annotated_asset_id="W12-00099", annotated_user="")
    assert world.directory.get_device("dev-full") == after
    assert world.updates() == 1


def test_too_long_annotations_are_refused_before_sending(world: World) -> None:
    with pytest.raises(InvalidInput, match="annotatedUser takes at most 100"):
        world.directory.update_annotations("dev-full", AnnotationChanges(annotated_user="x" * 101))
    assert world.updates() == 0


# -- the Google adapter only: faults, retries and credentials -----------------------------


def test_429_with_retry_after_and_503_are_retried_and_the_list_finishes(
    google_standin: DirectoryStandIn, google_key_file: Path
) -> None:
    for device in _devices():
        google_standin.add(device)
    google_standin.faults += [(429, {"Retry-After": "1"}), (503, {})]
    directory = standin_directory(google_standin, google_key_file, page_size=3)
    started = time.monotonic()
    assert len(list(directory.iter_devices())) == 7
    assert time.monotonic() - started >= 1.0  # the Retry-After was waited for
    statuses = [status for _, _, status in google_standin.seen if status != 200]
    assert statuses == [429, 503]
    assert google_standin.counts["list"] == 3


def test_a_patch_is_retried_after_a_503(
    google_standin: DirectoryStandIn, google_key_file: Path
) -> None:
    google_standin.add(FULL)
    directory = standin_directory(google_standin, google_key_file)
    directory.get_device("dev-full")  # token fetched
    google_standin.faults.append((503, {}))
    after = directory.update_annotations("dev-full", AnnotationChanges(notes="ok"))
    assert after.notes == "ok"
    assert google_standin.patches == [("dev-full", {"notes": "ok"})]


def test_a_lasting_outage_is_backend_unavailable(
    google_standin: DirectoryStandIn, google_key_file: Path
) -> None:
    google_standin.faults += [(503, {})] * 10
    directory = standin_directory(google_standin, google_key_file, retries=2)
    with pytest.raises(BackendUnavailable, match="503"):
        list(directory.iter_devices())


def test_every_request_carries_the_token_from_the_jwt_flow(
    google_standin: DirectoryStandIn, google_directory: ChromeDeviceDirectory
) -> None:
    google_standin.add(FULL)
    google_directory.get_device("dev-full")
    google_directory.update_annotations("dev-full", AnnotationChanges(notes="n"))
    assert google_standin.counts["token"] == 1
    assert google_standin.counts["unauthorised"] == 0


def test_a_key_google_does_not_know_is_a_clear_error_and_nothing_is_written(
    google_standin: DirectoryStandIn, tmp_path: Path
) -> None:
    pem, _ = new_key_pair()  # a key the stand-in (like Google) has never seen
    google_standin.add(FULL)
    key_file = write_key_file(tmp_path / "stale.json", pem, google_standin.token_url)
    directory = standin_directory(google_standin, key_file)
    with pytest.raises(BackendAuthFailed, match="GOOGLE_SERVICE_ACCOUNT_FILE") as caught:
        directory.update_annotations("dev-full", AnnotationChanges(notes="x"))
    assert "invalid_grant" in str(caught.value)
    assert google_standin.patches == []
    assert google_standin.counts["unauthorised"] == 0  # no request went out without a token


def test_an_admin_without_delegation_names_the_subject_setting(
    google_standin: DirectoryStandIn, google_key_file: Path
) -> None:
    directory = standin_directory(google_standin, google_key_file, subject="teacher@example.org")
    with pytest.raises(BackendAuthFailed, match="GOOGLE_ADMIN_SUBJECT"):
        list(directory.iter_devices())
    assert google_standin.counts["list"] == 0


@pytest.mark.parametrize(
    ("content", "setting"),
    [
        (None, "GOOGLE_SERVICE_ACCOUNT_FILE: cannot read"),
        ("{not json", "GOOGLE_SERVICE_ACCOUNT_FILE: .* is not a service-account key"),
        ('{"type": "authorized_user"}', "is not a service-account key"),
        (
            '{"type": "service_account", "client_email": "a@b", "private_key": "nope"}',
            "GOOGLE_SERVICE_ACCOUNT_FILE: the private key .* cannot be loaded",
        ),
    ],
)
def test_a_bad_key_file_is_a_config_error_naming_the_setting(
    google_standin: DirectoryStandIn, tmp_path: Path, content: str | None, setting: str
) -> None:
    key_file = tmp_path / "key.json"
    if content is not None:
        key_file.write_text(content)
    with pytest.raises(ConfigError, match=setting) as caught:
        standin_directory(google_standin, key_file)
    assert "nope" not in str(caught.value)
    assert google_standin.counts["token"] == 0


def test_a_subject_that_is_no_address_is_a_config_error(
    google_standin: DirectoryStandIn, google_key_file: Path
) -> None:
    with pytest.raises(ConfigError, match="GOOGLE_ADMIN_SUBJECT"):
        standin_directory(google_standin, google_key_file, subject="admin")
    assert ADMIN in google_standin.admins
