"""Background jobs on huey: the queue that carries job ids, and the worker that runs them."""

from rtutils_adapters.jobs.queue import HueyJobQueue, redis_huey, sqlite_huey
from rtutils_adapters.jobs.worker import JobWorker, run_worker

__all__ = ["HueyJobQueue", "JobWorker", "redis_huey", "run_worker", "sqlite_huey"]
