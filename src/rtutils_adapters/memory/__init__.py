"""In-memory fakes of the ports; they also serve the demo mode."""

from rtutils_adapters.memory.backend import MemoryBackend, load_demo_backend
from rtutils_adapters.memory.loan_log import MemoryLoanLog

__all__ = ["MemoryBackend", "MemoryLoanLog", "load_demo_backend"]
