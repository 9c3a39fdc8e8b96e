"""Property-based fuzzing of the API against its OpenAPI document (schemathesis).

Runs in process against the demo backend with an admin token and a bounded number of
examples per operation: no 5xx, and every status, header and body as documented.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from tests.web.conftest import TOKEN_SETTING, TOKENS, bearer

from rtutils_web.app import create_app
from rtutils_web.settings import Settings

# Built at import: schemathesis generates one test per operation from the loaded document.
# The demo backend keeps its state in a fresh temporary folder.
APP = create_app(
    Settings.from_env(
        {"RTUTILS_BACKEND": "demo", "RTUTILS_API_TOKENS": TOKEN_SETTING, "EXTRA_PREFIXES": "TEST-"}
    )
)
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
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422]
            }
        },
        "operations": [
            {
                "include-operation-id": "printLabelBatch",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", 400, 401, 403, 404, 409]
                    }
                },
            }
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
