"""PostgreSQL adapters: the stores shared by several service instances."""

from rtutils_adapters.postgres.intake import PostgresIntakeStore
from rtutils_adapters.postgres.jobs import PostgresJobStore
from rtutils_adapters.postgres.loans import PostgresLoanLog
from rtutils_adapters.postgres.print_jobs import PostgresPrintJobStore
from rtutils_adapters.postgres.sessions import PostgresSessionStore
from rtutils_adapters.postgres.tags import PostgresTagStore

__all__ = [
    "PostgresIntakeStore",
    "PostgresJobStore",
    "PostgresLoanLog",
    "PostgresPrintJobStore",
    "PostgresSessionStore",
    "PostgresTagStore",
]
