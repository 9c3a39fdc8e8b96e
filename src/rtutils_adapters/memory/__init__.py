"""In-memory fakes of the ports; they also serve the demo mode."""

from rtutils_adapters.memory.backend import MemoryBackend, load_demo_backend
from rtutils_adapters.memory.intake import MemoryIntakeStore

__all__ = ["MemoryBackend", "MemoryIntakeStore", "load_demo_backend"]
