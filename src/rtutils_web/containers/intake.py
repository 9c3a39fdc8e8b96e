"""The intake desk: new devices one at a time, with their tags."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.stores import open_intake_store
from rtutils_core.intake.service import IntakeService
from rtutils_web.containers.base import feature_store


class Intake(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    tags = providers.DependenciesContainer()

    intake_store = feature_store(open_intake_store, base)
    intake_service = providers.ThreadSafeSingleton(
        IntakeService,
        backend=base.backend,
        searches=base.intake_search_port,
        tags=tags.tag_store,
        formats=base.settings.provided.tag_formats,
        store=intake_store,
        options=base.settings.provided.intake_options,
        prefix_by_catalog=base.settings.provided.prefix_by_catalog,
    )
