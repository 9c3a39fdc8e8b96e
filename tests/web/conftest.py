from __future__ import annotations

import pytest

from rtutils_web.app import create_app


@pytest.fixture
def app(demo_settings):
    return create_app(demo_settings)


@pytest.fixture
def client(app):
    return app.test_client()
