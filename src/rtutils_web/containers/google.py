"""The Google Admin sync of Chromebooks and its ``google-sync`` job kind."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.google import GoogleAdminDirectory
from rtutils_core.errors import ConfigError
from rtutils_core.google.ports import ChromeDeviceDirectory
from rtutils_core.google.service import ChromeSyncService, chrome_sync_job_kind
from rtutils_web.settings import Settings


def _google_directory(settings: Settings) -> ChromeDeviceDirectory:
    """The Admin SDK directory; only built when the Google sync runs."""
    if settings.google_service_account_file is None or not settings.google_admin_subject:
        raise ConfigError(
            "the Google sync needs GOOGLE_SERVICE_ACCOUNT_FILE (the service-account key file)"
            " and GOOGLE_ADMIN_SUBJECT (the admin it acts as)"
        )
    return GoogleAdminDirectory.from_key_file(
        settings.google_service_account_file,
        settings.google_admin_subject,
        settings.google_customer_id,
        token_url=settings.google_token_url,
        api_url=settings.google_api_url,
    )


class Google(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()

    google_directory = providers.Singleton(_google_directory, base.settings)
    chrome_sync_service = providers.Singleton(
        ChromeSyncService,
        backend=base.backend,
        directory=google_directory,
        options=base.settings.provided.google_sync_options,
    )
    #: The service (and its settings' check) comes when a sync job runs.
    job_kind = providers.ThreadSafeSingleton(chrome_sync_job_kind, chrome_sync_service.provider)
