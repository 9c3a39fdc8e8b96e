"""In-memory fakes of the ports; they also serve the demo mode."""

from rtutils_adapters.memory.backend import MemoryBackend, load_demo_backend

__all__ = ["MemoryBackend", "load_demo_backend"]
