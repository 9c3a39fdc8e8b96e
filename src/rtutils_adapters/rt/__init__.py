"""Request Tracker 5 through its REST 2.0 API."""

from rtutils_adapters.rt.backend import RTRestBackend
from rtutils_adapters.rt.client import RTClient
from rtutils_adapters.rt.meter import RTUsage

__all__ = ["RTClient", "RTRestBackend", "RTUsage"]
