"""Kept so that ``from rtutils_core.settings import Secret`` goes on working.

The core reads no settings: the service's settings and the environment belong to the web
shell (:mod:`rtutils_web.settings`), and core services take small option values instead.
"""

from rtutils_core.secrets import Secret

__all__ = ["Secret"]
