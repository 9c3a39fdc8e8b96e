"""In-memory fakes of the ports; they also serve the demo mode."""

from rtutils_adapters.memory.backend import MemoryBackend, load_demo_backend
from rtutils_adapters.memory.intake import MemoryIntakeStore
from rtutils_adapters.memory.loan_log import MemoryLoanLog
from rtutils_adapters.memory.print_jobs import MemoryPrintJobStore
from rtutils_adapters.memory.roster import demo_roster_csv

__all__ = [
    "MemoryBackend",
    "MemoryIntakeStore",
    "MemoryLoanLog",
    "MemoryPrintJobStore",
    "demo_roster_csv",
    "load_demo_backend",
]
