"""The job operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import (
    ApiFacts,
    json_accepted,
    json_ok,
    operation,
    path_param,
    query_param,
)
from rtutils_web.jobs.schema import MAX_JOBS, STATES


def job_paths(facts: ApiFacts) -> dict[str, Any]:
    """One job, and the list of jobs."""
    job_id = path_param("id", {"type": "string"})
    return {
        "/api/v1/jobs/{id}": {
            "get": operation(
                "getJob",
                "A background job: state, progress, result and error (operator)",
                "jobs",
                [job_id],
                json_ok("Job"),
                errors=(401, 403, 404),
            )
        },
        "/api/v1/google-sync": {
            "post": operation(
                "startGoogleSync",
                "Run the Google Admin sync of Chromebooks in the background (admin)",
                "jobs",
                [],
                json_accepted("Job", "Queued; run by the job worker"),
                errors=(401, 403, 404, 409),
                description=(
                    "Answers 202 with the queued `google-sync` job; its progress is the"
                    " devices written of those to write, its result the counts and the"
                    " refused writes. 409 while a run is queued or running; 404 when the"
                    " Google settings are not set (the sync is off)."
                ),
            )
        },
        "/api/v1/jobs": {
            "get": operation(
                "listJobs",
                "Background jobs, newest first (operator)",
                "jobs",
                [
                    query_param("kind", {"type": "string"}),
                    query_param("state", {"type": "string", "enum": list(STATES)}),
                    query_param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_JOBS}),
                ],
                json_ok("JobList"),
                errors=(400, 401, 403),
            )
        },
    }
