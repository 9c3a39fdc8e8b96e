"""The old tool's asset-created webhook: authentication, idempotent tagging, its answer."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import UTC, datetime

import pytest

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import AssetNotFound, InvalidInput
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.service import TagService
from rtutils_core.tags.webhooks import asset_created, check_timestamp, is_authentic

SECRET = "correct horse battery staple"
BODY = b'{"asset_id": 7, "event": "asset_created", "timestamp": "2025-03-01T08:00:00Z"}'


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("given", "signature", "expected"),
    [
        (SECRET, None, True),
        (None, sign(BODY), True),
        (None, sign(BODY).upper().replace("SHA256=", "sha256="), True),
        ("wrong", None, False),
        (None, sign(BODY, "wrong"), False),
        (None, sign(BODY + b" "), False),
        (None, None, False),
        ("", "", False),
    ],
)
def test_a_request_is_authentic_with_the_secret_or_an_hmac_of_its_body(given, signature, expected):
    assert is_authentic(SECRET, BODY, given_secret=given, signature=signature) is expected


def test_without_a_configured_secret_nothing_is_authentic():
    assert not is_authentic("", BODY, given_secret="", signature=sign(BODY, ""))


@pytest.fixture
def tags() -> TagService:
    backend = MemoryBackend()
    backend.add_catalog("Devices")
    backend.add_asset(AssetDraft(name="Chromebook 3", catalog="Devices"))
    return TagService(backend, MemoryTagStore(), TagFormats(TagFormat("W12-", 5)))


def test_the_asset_gets_its_tag_and_the_answer_has_the_old_shape(tags):
    answer = asset_created(tags, {"asset_id": 1, "event": "asset_created"}).as_json()
    assert answer == {
        "message": "asset 1 tagged W12-00001",
        "asset_id": 1,
        "asset_tag": "W12-00001",
        "previous_name": "Chromebook 3",
    }
    again = asset_created(tags, {"asset_id": "1"})
    assert (again.asset_tag, again.message) == ("W12-00001", "asset 1 carries W12-00001 already")


def test_five_posts_at_once_give_one_tag_and_five_answers_naming_it(tags):
    answers, barrier = [], threading.Barrier(5)

    def post() -> None:
        barrier.wait()
        answers.append(asset_created(tags, {"asset_id": 1}))

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.asset_tag for a in answers] == ["W12-00001"] * 5
    assert tags.backend.get_asset(1).name == "W12-00001"
    assert [e.state for e in tags.store.events()].count("assigned") == 1


@pytest.mark.parametrize(
    "payload", [[], {"asset_id": 0}, {"asset_id": "x"}, {"asset_id": True}, {}, {"asset_id": 1.5}]
)
def test_a_bad_body_is_invalid_input_naming_the_problem(tags, payload):
    with pytest.raises(InvalidInput, match="asset_id|JSON object"):
        asset_created(tags, payload)


def test_an_unknown_asset_is_asset_not_found_and_nothing_is_reserved(tags):
    with pytest.raises(AssetNotFound):
        asset_created(tags, {"asset_id": 99})
    assert tags.store.events() == []


NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "payload",
    [
        {"asset_id": 7},
        {"asset_id": 7, "timestamp": "2025-03-01T08:00:00Z"},
        {"asset_id": 7, "timestamp": "2025-03-01T08:04:59+00:00"},
        {"asset_id": 7, "timestamp": "2025-03-01T09:55:00+02:00"},
        {"asset_id": 7, "timestamp": "2025-03-01T07:56:00"},  # no zone: UTC
        [7],
    ],
)
def test_a_fresh_or_absent_timestamp_passes(payload):
    check_timestamp(payload, NOW)


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        ("2025-03-01T08:05:01Z", "300 s away"),
        ("2025-02-28T08:00:00Z", "300 s away"),
        ("0001-01-01T00:00:00+14:00", "300 s away"),
        ("yesterday", "must be a time"),
        (1740816000, "must be a time"),
    ],
)
def test_a_stale_or_unreadable_timestamp_is_refused(stamp, reason):
    with pytest.raises(InvalidInput, match=reason):
        check_timestamp({"asset_id": 7, "timestamp": stamp}, NOW)
