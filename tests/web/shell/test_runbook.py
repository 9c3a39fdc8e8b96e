"""What the NixOS runbook tells an operator to expect is what the service really prints."""

from __future__ import annotations

import json
import re

import pytest
from tests.conftest import ROOT
from tests.web.conftest import SECRET_KEY

from rtutils_core.errors import ConfigError
from rtutils_web.settings import Settings

RUNBOOK = (ROOT / "docs" / "deployment" / "nixos.md").read_text(encoding="utf-8")


def _compact(response) -> str:
    return response.get_data(as_text=True).strip()


def test_the_checklist_quotes_the_real_healthz_and_readyz_answers(client):
    assert f"prints `{_compact(client.get('/healthz'))}`" in RUNBOOK
    # The checklist is for the RT backend; the app under test serves the demo.
    ready = _compact(client.get("/readyz")).replace('"demo"', '"rt"')
    assert f"prints `{ready}`" in RUNBOOK


def test_the_quoted_configuration_error_is_the_real_one():
    quoted = re.search(r"`request-tracker-utils: configuration error: ([^`]*?) \.\.\.`", RUNBOOK)
    assert quoted, "the runbook no longer quotes a configuration error"
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"RTUTILS_BACKEND": "rt", "SECRET_KEY": SECRET_KEY})
    assert raised.value.message.startswith(quoted.group(1))


def test_the_quoted_log_lines_have_the_real_fields(client, log_lines):
    examples = [json.loads(line) for line in re.findall(r"^\s*(\{\"[^\n]*\})$", RUNBOOK, re.M)]
    assert {e["event"] for e in examples} == {"starting", "request"}
    client.get("/healthz")
    (request_line,) = log_lines("request")
    for example in examples:
        if example["event"] == "request":
            assert set(example) == set(request_line)
