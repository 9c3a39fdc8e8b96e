"""Background jobs: the job record and its context, the store and queue ports, the job service."""

from rtutils_core.jobs.ports import JobQueue, JobStore
from rtutils_core.jobs.values import (
    CLAIMABLE,
    FINISHED,
    Job,
    JobCancelled,
    JobContext,
    JobEnd,
    JobFunction,
    JobKind,
    JobReport,
    JobState,
    JsonValue,
    Progress,
    Schedule,
    check_json,
)

__all__ = [
    "CLAIMABLE",
    "FINISHED",
    "Job",
    "JobCancelled",
    "JobContext",
    "JobEnd",
    "JobFunction",
    "JobKind",
    "JobQueue",
    "JobReport",
    "JobState",
    "JobStore",
    "JsonValue",
    "Progress",
    "Schedule",
    "check_json",
]
