"""The asset look-ups."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_core.assets.service import AssetService


class Assets(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()

    asset_service = providers.ThreadSafeSingleton(
        AssetService, backend=base.backend, tag_formats=base.settings.provided.tag_formats
    )
