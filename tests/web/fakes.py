"""Fakes for the web tests: a backend that fails the way a real RT can."""

from __future__ import annotations

from rtutils_adapters.memory import MemoryBackend, load_demo_backend
from rtutils_core.errors import RtutilsError


class FailingBackend:
    """The demo backend, except that every asset read raises ``error`` (RT down, slow, ...)."""

    def __init__(self, error: RtutilsError, base: MemoryBackend | None = None) -> None:
        self.error = error
        self.base = base or load_demo_backend()

    def __getattr__(self, name: str):
        return getattr(self.base, name)

    def get_asset(self, asset_id: int):
        raise self.error

    def search_assets(self, query, page: int = 1, per_page: int = 100):
        raise self.error

    def iter_assets(self, query, *, people=True):
        raise self.error
