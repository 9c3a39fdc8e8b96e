"""Google Admin: Chrome OS devices through the Admin SDK Directory API."""

from rtutils_adapters.google.credentials import service_account_credentials
from rtutils_adapters.google.directory import GoogleAdminDirectory

__all__ = ["GoogleAdminDirectory", "service_account_credentials"]
