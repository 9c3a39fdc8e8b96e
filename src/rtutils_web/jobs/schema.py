"""Jobs in the API: one job, a list of them, and the list's filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from attrs import frozen

from rtutils_core.errors import InvalidInput
from rtutils_core.jobs import Job, JobState
from rtutils_web.http.answers import answer_of, list_of, object_schema, prop
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.properties import STRING

STATES: tuple[JobState, ...] = ("queued", "running", "succeeded", "failed", "interrupted")
MAX_JOBS = 500


@frozen
class JobJson:
    """A background job: its state, progress, result and error."""

    id: str = prop(STRING)
    kind: str = prop(STRING)
    state: str = prop({"type": "string", "enum": list(STATES)})
    done: int = prop({"type": "integer", "minimum": 0, "description": "items done so far"})
    total: int | None = prop({"type": ["integer", "null"], "description": "items in all"})
    result: Any = prop({"description": "what the job returned (JSON), once it succeeded"})
    error: str | None = prop({"type": ["string", "null"]})
    created: datetime = prop({"type": "string", "format": "date-time"})
    updated: datetime = prop({"type": "string", "format": "date-time"})
    attempts: int = prop({"type": "integer", "minimum": 0})

    @classmethod
    def of(cls, job: Job) -> JobJson:
        return answer_of(cls, job, done=job.progress.done, total=job.progress.total)


@frozen
class JobListJson:
    """Jobs, newest first."""

    jobs: list[JobJson] = prop(list_of("Job"))
    count: int = prop({"type": "integer", "minimum": 0})

    @classmethod
    def of(cls, jobs: Sequence[Job]) -> JobListJson:
        return cls([JobJson.of(j) for j in jobs], len(jobs))


SCHEMAS: dict[str, Any] = {"Job": object_schema(JobJson), "JobList": object_schema(JobListJson)}


@frozen
class JobFilter:
    kind: str | None = None
    states: tuple[JobState, ...] | None = None
    limit: int = 100


def job_filter(args: Mapping[str, str], *, blank_state: bool = False) -> JobFilter:
    """The list's filters from query arguments; :class:`InvalidInput` names a bad one.

    ``blank_state``: an empty ``state`` means any (the desk form's choice), else it is wrong.
    """
    state = (args.get("state") or "").strip()
    if (state or ("state" in args and not blank_state)) and state not in STATES:
        raise InvalidInput(f"state must be one of {', '.join(STATES)}, not {state!r}")
    limit = whole_number(args["limit"], "limit") if "limit" in args else 100
    if not 1 <= limit <= MAX_JOBS:
        raise InvalidInput(f"limit must be between 1 and {MAX_JOBS}, not {limit}")
    kind = (args.get("kind") or "").strip() or None
    return JobFilter(kind, (state,) if state else None, limit)
