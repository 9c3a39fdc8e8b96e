"""Property-based fuzzing of the API against its OpenAPI document (schemathesis).

Runs in process against the demo backend with an admin token and a bounded number of
examples per operation: no 5xx, and every status, header and body as documented.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from tests.web.conftest import TOKEN_SETTING, TOKENS, bearer

from rtutils_core.assets import AssetDraft
from rtutils_web.access.throttle import AuthThrottle
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

# Built at import: schemathesis generates one test per operation from the loaded document.
# The demo backend keeps its state in a fresh temporary folder.
APP = create_app(
    Settings.from_env(
        {"RTUTILS_BACKEND": "demo", "RTUTILS_API_TOKENS": TOKEN_SETTING, "EXTRA_PREFIXES": "TEST-"}
    )
)
# Schemathesis sends wrong tokens on purpose; from one address that would soon be throttled
# (429, documented, and tested in test_sign_out_and_throttle.py) and hide every other answer.
APP.extensions["rtutils_throttle"] = AuthThrottle("1000000/minute")
# The token goes through the document's security scheme, so that schemathesis also sends
# requests without it (and expects them refused).
# A request over a documented size limit is refused with 413, which is a rejection too.
# Custom field names in a batch's search are checked against the backend's catalogs at run
# time (a name applied to no catalog is 400, as documented), which no static schema states.
CONFIG = SchemathesisConfig.from_dict(
    {
        "auth": {"openapi": {"bearerAuth": {"bearer": TOKENS["admin"]}}},
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429]
            }
        },
        "operations": [
            {
                "include-operation-id": "printLabelBatch",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 429]
                    }
                },
            },
            # A device's catalog and Select choices are the backend's, checked at run time
            # (400 naming the field); a key sent again with another body is 422.
            {
                "include-operation-id": "receiveDevice",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 422, 429]
                    }
                },
            },
            # Any string is a schema-valid file, but only text with the required header
            # columns is an import (400 otherwise, naming what is missing).
            {
                "include-operation-id": "submitImport",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", 400, 401, 403, 413, 415, 429]
                    }
                },
            },
            # A roster file's content and a manual check-in's device are checked at run time
            # (bad rows, a device the student does not hold), which no static schema states.
            *(
                {
                    "include-operation-id": operation_id,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 429]
                        }
                    },
                }
                for operation_id in ("importRoster", "recordManualCheckIn", "undoManualCheckIn")
            ),
            # A student id may be any text, so a GET of /students/user-fields-sync is the
            # student lookup (404): the Allow header rightly lists GET beside the sync's POST.
            {
                "include-operation-id": "syncStudentUserFields",
                "checks": {"allow_header_conformance": {"enabled": False}},
            },
            # The loan log refuses a range whose since is after its until; a check-in's report
            # is checked against the configured damages (a damaged device needs one or a
            # note); only a check-in with a report has a ticket to open; a person to check out
            # to is a name or address without control characters: 400, documented (as is a
            # search text with them).
            {
                "include-operation-id": [
                    "listLoans",
                    "exportLoans",
                    "checkIn",
                    "checkOut",
                    "reopenLoanTicket",
                    "search",
                ],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 429]
                    }
                },
            },
        ],
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", APP, config=CONFIG, headers=bearer("admin")
)


STATUSES: dict[str, set[int]] = {}


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case):
    response = case.call_and_validate()
    if case.meta is not None and case.meta.generation.mode.is_positive:
        # Valid requests carry the admin token: nothing documented may be refused for it.
        assert response.status_code not in (401, 403), response.text
    STATUSES.setdefault(case.operation.label, set()).add(response.status_code)


def test_the_fuzzing_reached_every_operation_with_a_success():
    """Runs after the fuzz test (file order): each operation answered 2xx at least once."""
    if not STATUSES:
        pytest.skip("run together with test_api_conforms_to_its_document")
    for label, seen in STATUSES.items():
        assert any(200 <= s < 300 for s in seen), (label, seen)
    assert len(STATUSES) == len(list(schema.get_all_operations()))


# -- the classes of input that once answered 500, against every operation -----------------

# Names a backend may hand back: control characters and line separators end up in headers
# and pages if anything forgets to clean them.
ODD_NAMES = (
    "W12-00901\n",
    "W12-00902\t",
    "W12-00903\u2028",
    "W12-00904\x00",
    "Zoë\r\nSet-Cookie: x",
)
for _odd in ODD_NAMES:
    APP.extensions["rtutils"].backend().create_asset(
        AssetDraft(name=_odd, catalog="Student Devices")
    )

EDGE_VALUES = (
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-23:59",
    "W12-" + "9" * 4400,
    str(10**400),
    "-" + "9" * 30,
    "W12-00903\u2028",
    "a\r\nb",
    "%00",
    "",
)
EDGE_BODIES = (
    "[" * 1000 + "]" * 1000,
    '{"tags":' * 500 + "[]" + "}" * 500,
    '{"asset_ids": [' + "9" * 5000 + "]}",
    '{"tags": ["W12-00903\\u2028", "W12-00901\\n"]}',
    '{"next": 1e400}',
    '{"prefix": "' + "W" * 100_000 + '"}',
)


def _operations() -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    for operation in schema.get_all_operations():
        op = operation.ok()
        names = tuple(p.name for p in op.query) if hasattr(op, "query") else ()
        found.append((op.method.upper(), op.path, names))
    return found


def _concrete(path: str, value: str) -> str:
    from urllib.parse import quote

    return re.sub(r"\{[^}]+\}", quote(value, safe="") or "x", path)


@pytest.mark.parametrize("value", EDGE_VALUES)
def test_edge_values_in_paths_and_queries_never_answer_5xx(value):
    from urllib.parse import quote

    client = APP.test_client()
    seen: set[int] = set()
    for method, path, names in _operations():
        url = _concrete(path, value)
        queries = [""] + [f"?{n}={quote(value, safe='')}" for n in names]
        for query in queries:
            answer = client.open(f"{url}{query}", method=method, headers=bearer("admin"))
            assert answer.status_code < 500, (method, url, query, answer.get_data(as_text=True))
            seen.add(answer.status_code)
    assert seen - {404}, "the edge values must reach the views, not only the router"


@pytest.mark.parametrize("body", EDGE_BODIES, ids=lambda b: b[:20])
def test_edge_bodies_never_answer_5xx(body):
    client = APP.test_client()
    for method, path, _ in _operations():
        if method not in ("POST", "PUT"):
            continue
        answer = client.open(
            _concrete(path, "1"),
            method=method,
            data=body,
            headers={**bearer("admin"), "Content-Type": "application/json"},
        )
        assert answer.status_code < 500, (method, path, answer.get_data(as_text=True)[:200])


def test_names_with_control_characters_come_back_safely():
    client = APP.test_client()
    found = client.get("/api/v1/assets?per_page=100", headers=bearer("admin")).get_json()
    names = {a["name"] for a in found["items"]}
    assert set(ODD_NAMES) <= names  # JSON carries them as they are, escaped
    for odd in ODD_NAMES:
        tag = odd[:9]
        answer = client.get(f"/api/v1/labels/{tag}.pdf", headers=bearer("admin"))
        assert answer.status_code < 500
        if answer.status_code == 200:
            assert answer.headers["Content-Disposition"].isprintable()
