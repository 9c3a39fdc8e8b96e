"""The README's configuration section, generated from :data:`VARIABLES` and grouped by feature.

``python -m rtutils_web.config_docs`` prints it; ``tests/web/shell/test_readme.py`` checks
that the README holds exactly that text, and that every variable is in exactly one group,
so the table can neither drift from the settings nor split again.
"""

from __future__ import annotations

from rtutils_web.variables import BY_NAME, VARIABLES, Variable

#: (heading, variables in the order shown). Every variable is in exactly one group.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Request Tracker", (
        "RTUTILS_BACKEND", "RT_URL", "API_ENDPOINT", "RT_TOKEN", "RT_CONNECT_TIMEOUT",
        "RT_READ_TIMEOUT", "RT_CACHE_SECONDS", "RT_SESSIONS",
    )),
    ("Web server, sign-in and logs", (
        "HOST", "PORT", "THREADS", "SECRET_KEY", "RTUTILS_API_TOKENS", "TRUSTED_PROXIES",
        "TRUSTED_HOSTS", "LOG_FORMAT", "LOG_LEVEL",
    )),
    ("Stores", ("WORKING_DIR", "STORE_URL", "STORE_PASSWORD")),
    ("Asset tags", (
        "PREFIX", "TAG_DIGITS", "EXTRA_PREFIXES", "PREFIX_BY_CATALOG", "AUTOTAG_INTERVAL",
        "AUTOTAG_CATALOGS", "AUTOTAG_PRINTER", "WEBHOOK_SECRET",
    )),
    ("Labels and printing", (
        "PADDING", "LABEL_WIDTH_MM", "LABEL_HEIGHT_MM", "ORGANISATION", "QR_TARGET",
        "PUBLIC_URL", "TEMPLATE_BY_TYPE", "MAX_BATCH", "PRINTERS",
    )),
    ("Receiving devices", ("SERIAL_PATTERN", "IMPORT_CONCURRENCY")),
    ("The loan desk", (
        "LOAN_ROLE", "CHECKOUT_STATUS", "CHECKIN_STATUS", "REPAIR_QUEUE", "DAMAGES",
        "DUE_SOON_DAYS",
    )),
    ("The desk while RT cannot be reached", ("OUTBOX_WARN_AGE", "OUTBOX_REPLAY_INTERVAL")),
    ("Students and the return campaign", (
        "ROSTER_COLUMNS", "RETURNS_CATALOG", "STUDENT_ID_FIELD", "GRADUATION_YEAR_FIELD",
        "USER_FIELDS_RATE",
    )),
    ("Audits", ("AUDIT_OVERDUE_DAYS", "AUDIT_LOST_STATUS", "AUDIT_QUEUE", "AUDIT_WRITE_RATE")),
    ("Notices by e-mail", (
        "SMTP_URL", "SMTP_USER", "SMTP_PASSWORD", "MAIL_FROM", "MAIL_REPLY_TO",
        "MAIL_TEMPLATES_DIR", "MAIL_RATE", "NOTICES", "NOTICE_REMIND_DAYS", "NOTICE_REPEAT_DAYS",
        "NOTICES_AT", "SCHOOL_ADDRESS",
    )),
    ("Background jobs", ("JOBS_QUEUE", "JOBS_REDIS_URL", "JOBS_WORKER", "JOBS_LEASE")),
    ("Google Admin sync", (
        "GOOGLE_SERVICE_ACCOUNT_FILE", "GOOGLE_ADMIN_SUBJECT", "GOOGLE_CUSTOMER_ID",
        "GOOGLE_API_URL", "GOOGLE_TOKEN_URL", "GOOGLE_SYNC_CATALOG", "GOOGLE_SYNC_DIRECTIONS",
    )),
)  # fmt: skip

BEGIN = "<!-- configuration: generated from src/rtutils_web/variables.py by config_docs.py -->"
END = "<!-- end of configuration -->"


def ungrouped() -> list[str]:
    """Variables in no group, or in more than one (the README test wants none)."""
    named = [name for _heading, names in GROUPS for name in names]
    return sorted(
        {v.name for v in VARIABLES if named.count(v.name) != 1} | (set(named) - set(BY_NAME))
    )


def _row(variable: Variable) -> str:
    default = f"`{variable.default}`" if variable.default else "none"
    meaning = variable.help.replace("|", "\\|")
    return f"| `{variable.name}` | {default} | {meaning} |"


def configuration_markdown() -> str:
    """The README's configuration tables, one per group, between the markers."""
    parts = [BEGIN]
    for heading, names in GROUPS:
        parts += ["", f"### {heading}", "", "| variable | default | meaning |", "|---|---|---|"]
        parts += [_row(BY_NAME[name]) for name in names if name in BY_NAME]
    parts += ["", END]
    return "\n".join(parts)


if __name__ == "__main__":
    print(configuration_markdown())
