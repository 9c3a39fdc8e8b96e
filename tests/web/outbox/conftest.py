"""The outbox's web tests: the demo's backend behind a switch that makes RT unreachable."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from tests.unit.outbox.outbox_world import AwayBackend

from rtutils_adapters.memory import load_demo_backend
from rtutils_web.app import create_app
from rtutils_web.container import build_container


@pytest.fixture
def rt(web_settings):
    """The demo's backend, unreachable while ``rt.away`` is set."""
    return AwayBackend(load_demo_backend())


def build_app(settings, rt):
    """The app on ``settings`` with ``rt`` for its backend."""
    container = build_container(settings)
    container.base.backend.override(providers.Object(rt))
    built = create_app(container=container)
    container.jobs.job_service()  # the demo's tag service syncs with RT as it is built
    return built


@pytest.fixture
def app(web_settings, rt):
    return build_app(web_settings, rt)
