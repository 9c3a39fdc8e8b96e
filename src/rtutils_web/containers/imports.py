"""CSV imports of new devices: the importer, its files and the ``import`` job kind
(submitting imports is the jobs container's :class:`~rtutils_core.imports.jobs.ImportJobs`)."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.stores import open_import_files
from rtutils_core.imports.importer import IntakeImport
from rtutils_core.imports.jobs import ImportRunner
from rtutils_web.containers.base import feature_store


class Imports(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    intake = providers.DependenciesContainer()

    intake_import = providers.ThreadSafeSingleton(
        IntakeImport,
        service=intake.intake_service,
        concurrency=base.settings.provided.import_concurrency,
    )
    import_files = feature_store(open_import_files, base)
    import_runner = providers.ThreadSafeSingleton(
        ImportRunner, importer=intake_import, files=import_files
    )
    job_kind = import_runner.provided.job_kind.call()
