"""The ``request-tracker-utils`` command: serve the app, check the settings, administer tags."""

from rtutils_web.cli.main import main

__all__ = ["main"]
