"""Every environment variable of the service, written once: name, default, parser and help.

``--help``, the README's configuration table (its test), the NixOS module (its test) and
:class:`rtutils_web.settings.Settings` all read :data:`VARIABLES`. A variable's default is
the text it stands for when unset; parsing that text gives the setting's default value, so
``Settings()`` and ``Settings.from_env`` cannot disagree.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from rtutils_core.due import NOTICE_KINDS
from rtutils_core.loans import DEFAULT_DAMAGES
from rtutils_core.loans.due import MAX_SOON_DAYS
from rtutils_core.tags import MAX_DIGITS, MIN_DIGITS
from rtutils_web.http.hosts import host_names
from rtutils_web.http.proxies import parse_trusted_proxies
from rtutils_web.parsers import (
    BACKENDS,
    DEFAULT_WORKING_DIR,
    JOB_QUEUES,
    JOB_WORKERS,
    LOG_FORMATS,
    LOG_LEVELS,
    QR_TARGETS,
    Parser,
    absolute_path,
    api_path,
    catalog_names,
    choice,
    loan_role,
    mapping,
    names,
    notice_kinds,
    number,
    prefix,
    prefix_mapping,
    prefixes,
    printers,
    rate,
    regex,
    required_text,
    roster_columns,
    secret,
    smtp_url,
    store_url,
    text,
    time_of_day,
    url,
    whole,
)


@frozen
class Variable:
    """One environment variable."""

    name: str
    #: The text the variable stands for when unset or blank ("" for none).
    default: str
    parse: Parser
    help: str
    #: The NixOS module's option that sets it; secrets come from the secrets file instead.
    option: str = ""
    secret: bool = False
    #: Set but blank means "nothing" (an empty mapping) rather than the default.
    blank_is_empty: bool = False

    @property
    def shown_default(self) -> str:
        """The default as the docs write it."""
        return self.default or "(none)"

    def read(self, raw: str | None) -> Any:
        """The value of this variable's text (``None``: unset)."""
        value = (raw or "").strip()
        if raw is None or (not value and not self.blank_is_empty):
            value = self.default
        return self.parse(self.name, value)

    @property
    def default_value(self) -> Any:
        return self.parse(self.name, self.default)


_V = Variable
#: Order is the order of ``--help`` and the README's table.
VARIABLES: tuple[Variable, ...] = (
    _V("RTUTILS_BACKEND", "rt", choice(*BACKENDS),
       "Ticket backend: 'rt' (Request Tracker) or 'demo' (built-in data)", "backend"),
    _V("RT_URL", "https://tickets.wc-12.com", url("https://tickets.wc-12.com"),
       "Base URL of Request Tracker (no trailing path)", "rtUrl"),
    _V("API_ENDPOINT", "/REST/2.0", api_path, "Path of RT's REST 2.0 API below RT_URL",
       "apiEndpoint"),
    _V("RT_TOKEN", "", secret, "RT auth token; secret, required for the 'rt' backend",
       secret=True),
    _V("RT_CONNECT_TIMEOUT", "5", number(0.1, 300), "Seconds to wait for a connection to RT",
       "rtConnectTimeout"),
    _V("RT_READ_TIMEOUT", "30", number(0.1, 600), "Seconds to wait for RT to answer",
       "rtReadTimeout"),
    _V("RT_CACHE_SECONDS", "300", number(0, 86400),
       "How long catalog and custom-field metadata is cached", "rtCacheSeconds"),
    _V("RT_SESSIONS", "on", choice("on", "off"),
       "Sign in to RT once per session ('on') or send the token with every request ('off')",
       "rtSessions"),
    _V("PREFIX", "W12-", prefix, "Prefix of new asset tags", "prefix"),
    _V("TAG_DIGITS", "5", whole(MIN_DIGITS, MAX_DIGITS),
       "Digits after the prefix (W12-00001 has 5)", "tagDigits"),
    _V("EXTRA_PREFIXES", "", prefixes,
       "More tag prefixes with their own sequences, comma-separated", "extraPrefixes"),
    _V("PADDING", "4", number(0, 20), "Label padding in mm", "padding"),
    _V("LABEL_WIDTH_MM", "100", number(10, 300), "Width of the default label template in mm",
       "labelWidthMm"),
    _V("LABEL_HEIGHT_MM", "62", number(10, 300), "Height of the default label template in mm",
       "labelHeightMm"),
    _V("ORGANISATION", "", text, "Optional organisation line printed on labels",
       "organisation"),
    _V("QR_TARGET", "rt", choice(*QR_TARGETS),
       "QR code points to the RT asset page ('rt') or this service ('service')", "qrTarget"),
    _V("PUBLIC_URL", "", url("https://rtutils.example.org"),
       "Public base URL of this service; needed when QR_TARGET=service", "publicUrl"),
    _V("TRUSTED_HOSTS", "", host_names,
       "Host names this service answers to, comma-separated ('.example.org': its subdomains"
       " too); other Host headers get 400. Unset: any", "trustedHosts"),
    _V("TEMPLATE_BY_TYPE", "Charger=small,Power Adapter=small", mapping,
       "Label template per asset Type custom field, 'Type=template,...'", "templateByType",
       blank_is_empty=True),
    _V("MAX_BATCH", "2000", whole(1, 100_000), "Most labels in one batch request", "maxBatch"),
    _V("LOAN_ROLE", "Owner", loan_role,
       "Asset role that says who holds a device: Owner or HeldBy", "loanRole"),
    _V("CHECKOUT_STATUS", "in-use", required_text, "Asset status after a check-out",
       "checkoutStatus"),
    _V("CHECKIN_STATUS", "allocated", required_text, "Asset status after a check-in",
       "checkinStatus"),
    _V("REPAIR_QUEUE", "Device Repair", required_text,
       "RT queue of the repair tickets opened at check-in", "repairQueue"),
    _V("DAMAGES", ",".join(DEFAULT_DAMAGES), names,
       "Damages a returned device may be marked with, comma-separated", "damages"),
    _V("DUE_SOON_DAYS", "3", whole(0, MAX_SOON_DAYS),
       "A loan due within this many days (today included) is listed as due soon",
       "dueSoonDays"),
    _V("PRINTERS", "", printers,
       "Label printers 'name=kind,address,model,media;...' (docs/printing.md)", "printers"),
    _V("HOST", "127.0.0.1", text, "Address to listen on", "host"),
    _V("PORT", "5000", whole(1, 65535), "Port to listen on", "port"),
    _V("THREADS", "8", whole(1, 256), "Worker threads of the web server", "threads"),
    _V("WORKING_DIR", DEFAULT_WORKING_DIR, absolute_path,
       "State directory (tag database); the demo uses a fresh temporary one if unset",
       "workingDirectory"),
    _V("LOG_FORMAT", "json", choice(*LOG_FORMATS),
       "'json' (one object per line) or 'console'; console on a terminal", "logFormat"),
    _V("LOG_LEVEL", "INFO", choice(*LOG_LEVELS), "DEBUG, INFO, WARNING, ERROR or CRITICAL",
       "logLevel"),
    _V("SECRET_KEY", "", secret, "Session signing key; secret, required for the 'rt' backend",
       secret=True),
    _V("RTUTILS_API_TOKENS", "", secret, "API tokens 'name:role:token,...'; secret",
       secret=True),
    _V("TRUSTED_PROXIES", "0", parse_trusted_proxies,
       "Reverse proxies whose X-Forwarded-For is believed: a number, or their addresses",
       "trustedProxies"),
    _V("STORE_URL", "", store_url,
       "PostgreSQL URL of the stores shared by several instances; unset: SQLite in WORKING_DIR",
       "storeUrl"),
    _V("STORE_PASSWORD", "", secret, "Password for STORE_URL's user, if it needs one; secret",
       secret=True),
    _V("PREFIX_BY_CATALOG", "", prefix_mapping,
       "Tag prefix per asset catalog, 'Catalog=PREFIX,...'; other catalogs get PREFIX",
       "prefixByCatalog"),
    # The Google Admin sync of Chromebooks (docs/google.md).
    _V("GOOGLE_SERVICE_ACCOUNT_FILE", "", absolute_path,
       "Service-account key file (JSON) for the Google sync; keep it out of the Nix store",
       "googleServiceAccountFile"),
    _V("GOOGLE_ADMIN_SUBJECT", "", text,
       "E-mail address of the Google Workspace admin the service account acts as",
       "googleAdminSubject"),
    _V("GOOGLE_CUSTOMER_ID", "my_customer", text, "Google Workspace customer id",
       "googleCustomerId"),
    _V("GOOGLE_API_URL", "https://admin.googleapis.com", url("https://admin.googleapis.com"),
       "Base URL of the Admin SDK Directory API", "googleApiUrl"),
    _V("GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token",
       url("https://oauth2.googleapis.com/token"), "Google's OAuth token endpoint",
       "googleTokenUrl"),
    _V("GOOGLE_SYNC_CATALOG", "Student Devices", text,
       "RT catalog whose assets the Google sync matches to Chrome OS devices",
       "googleSyncCatalog"),
    _V("GOOGLE_SYNC_DIRECTIONS", "", mapping,
       "Google sync directions that differ from the defaults, 'field=to-google|to-rt|off,...'",
       "googleSyncDirections", blank_is_empty=True),
    _V("JOBS_QUEUE", "sqlite", choice(*JOB_QUEUES),
       "Job queue: 'sqlite' (in WORKING_DIR, one machine) or 'redis' (JOBS_REDIS_URL)",
       "jobsQueue"),
    _V("JOBS_REDIS_URL", "", secret,
       "Redis URL of the job queue, redis://:password@host:6379/0; secret", secret=True),
    _V("JOBS_WORKER", "inside", choice(*JOB_WORKERS),
       "Run background jobs 'inside' the web service or in a 'separate' worker process",
       "jobsWorker"),
    _V("AUTOTAG_INTERVAL", "0", number(0, 86400),
       "Seconds between automatic tag runs over AUTOTAG_CATALOGS; 0 is off",
       "autotagInterval"),
    _V("AUTOTAG_CATALOGS", "", catalog_names,
       "RT catalogs whose untagged assets get tags automatically, comma-separated",
       "autotagCatalogs"),
    _V("AUTOTAG_PRINTER", "", text,
       "Printer that gets the labels of automatically tagged assets; none if empty",
       "autotagPrinter"),
    _V("WEBHOOK_SECRET", "", secret,
       "Secret of POST /webhook/asset-created (header or HMAC); the route is off without it",
       secret=True),
    _V("SERIAL_PATTERN", "", regex,
       "Regular expression every new device's serial number must match in full; any if empty",
       "serialPattern"),
    _V("IMPORT_CONCURRENCY", "4", whole(1, 16),
       "Devices a CSV import creates in RT at the same time", "importConcurrency"),
    _V("JOBS_LEASE", "30", number(2, 3600),
       "Seconds without a sign of life after which a job's worker counts as lost; the job"
       " is then resumed or failed", "jobsLease"),
    # The desk while RT cannot be reached (docs/outbox.md).
    _V("OUTBOX_WARN_AGE", "900", number(1, 604800),
       "Seconds the oldest desk operation may wait in the outbox before /healthz warns",
       "outboxWarnAge"),
    _V("OUTBOX_REPLAY_INTERVAL", "5", number(0.5, 3600),
       "Seconds between checks whether the outbox has operations to replay to RT",
       "outboxReplayInterval"),
    # The student roster and the end-of-year return (docs/students.md).
    _V("ROSTER_COLUMNS", "", roster_columns,
       "Roster CSV headers that differ from the field names, 'field=Header,...'",
       "rosterColumns", blank_is_empty=True),
    _V("RETURNS_CATALOG", "Student Devices", required_text,
       "RT catalog of the devices students hand back at the end of the year",
       "returnsCatalog"),
    _V("STUDENT_ID_FIELD", "Student ID", required_text,
       "RT user custom field that gets the student id", "studentIdField"),
    _V("GRADUATION_YEAR_FIELD", "Graduation Year", required_text,
       "RT user custom field that gets the graduation year", "graduationYearField"),
    _V("USER_FIELDS_RATE", "5/second", rate,
       "Most RT user writes of the user-field sync, e.g. '5/second' or '100/minute'",
       "userFieldsRate"),
    # Audits of rooms and carts (docs/audits.md).
    _V("AUDIT_OVERDUE_DAYS", "365", whole(1, 3650),
       "Days after its last audit that a device is listed as overdue", "auditOverdueDays"),
    _V("AUDIT_LOST_STATUS", "stolen", required_text,
       "Asset status an audit gives a missing device marked lost", "auditLostStatus"),
    _V("AUDIT_QUEUE", "", text,
       "RT queue where each device an audit marks lost gets a ticket with the comment; none if"
       " empty", "auditQueue"),
    _V("AUDIT_WRITE_RATE", "5/second", rate,
       "Most RT asset writes of an audit's Last Audited job, e.g. '5/second'",
       "auditWriteRate"),
    # Notices by e-mail (docs/mail.md).
    _V("SMTP_URL", "", smtp_url,
       "Mail server: smtp://host:587 (STARTTLS) or smtps://host:465; unset: no mail",
       "smtpUrl"),
    _V("SMTP_USER", "", secret, "User that signs in to SMTP_URL, if it needs one; secret",
       secret=True),
    _V("SMTP_PASSWORD", "", secret, "Password of SMTP_USER; secret", secret=True),
    _V("MAIL_FROM", "", text, "Sender address of the notices; needed with SMTP_URL",
       "mailFrom"),
    _V("MAIL_REPLY_TO", "", text, "Reply-To address of the notices (e.g. the IT desk)",
       "mailReplyTo"),
    _V("MAIL_TEMPLATES_DIR", "", absolute_path,
       "Folder of the district's own mail templates, used before the built-in ones",
       "mailTemplatesDir"),
    _V("MAIL_RATE", "60/minute", rate, "Most mails sent, e.g. '60/minute' or '2/second'",
       "mailRate"),
    _V("NOTICES", ",".join(NOTICE_KINDS), notice_kinds,
       "Notices sent, comma-separated: receipt, reminder, overdue, campaign, campaign-summary",
       "notices", blank_is_empty=True),
    _V("NOTICE_REMIND_DAYS", "2", whole(0, 60),
       "Days before the due date the reminder goes (0: on the day)", "noticeRemindDays"),
    _V("NOTICE_REPEAT_DAYS", "7", whole(0, 365),
       "Days between overdue notices while a device stays out (0: one only)",
       "noticeRepeatDays"),
    _V("NOTICES_AT", "", time_of_day,
       "UTC time HH:MM of the job system's nightly reminders and overdue notices; unset: none",
       "noticesAt"),
    _V("SCHOOL_ADDRESS", "", text,
       "Address that gets the return campaign's summary per grade", "schoolAddress"),
)  # fmt: skip
BY_NAME = {v.name: v for v in VARIABLES}
