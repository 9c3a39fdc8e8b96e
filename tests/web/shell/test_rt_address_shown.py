"""The RT address is shown without its ``user:password@`` wherever a message is built from it."""

from __future__ import annotations

import pytest
from tests.conftest import free_port
from tests.web.conftest import RT_TOKEN, SECRET_KEY, TOKEN_SETTING, bearer
from tests.web.shell.test_cli import run_cli

from rtutils_web.app import create_app
from rtutils_web.settings import Settings

PASSWORD = "hunter2" + "rtpassword"


def unreachable_rt(port: int) -> str:
    """An RT address with credentials where nothing listens."""
    return f"http://desk:{PASSWORD}@127.0.0.1:{port}"


@pytest.fixture
def rt_down(tmp_path):
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "rt",
            "RT_URL": unreachable_rt(free_port()),
            "RT_TOKEN": RT_TOKEN,
            "RT_RETRIES": "0",
            "SECRET_KEY": SECRET_KEY,
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "WORKING_DIR": str(tmp_path / "state"),
        }
    )
    return create_app(settings).test_client()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/assets/1",
        "/lookup?tag=W12-00001",
        "/api/v1/assets/1",
        "/api/v1/labels/W12-00001.pdf",
        "/api/v1/people/amara.okafor",
    ],
)
def test_an_unreachable_rt_is_named_without_its_credentials(rt_down, path):
    answer = rt_down.get(path, headers=bearer("operator"))
    body = answer.get_data(as_text=True)
    assert answer.status_code == 503, body
    assert "could not be reached" in body and "127.0.0.1:" in body
    assert PASSWORD not in body and "desk:" not in body


def test_the_start_up_line_names_rt_without_its_credentials(tmp_path):
    out = run_cli(
        "check-config",
        env={
            "RTUTILS_BACKEND": "rt",
            "RT_URL": unreachable_rt(free_port()),
            "RT_TOKEN": RT_TOKEN,
            "RT_RETRIES": "0",
            "SECRET_KEY": SECRET_KEY,
            "WORKING_DIR": str(tmp_path / "state"),
        },
    )
    assert out.returncode == 2
    assert "could not be reached" in out.stderr
    assert PASSWORD not in out.stdout + out.stderr
