"""Settings: one frozen object, built once from the environment and validated at start-up.

The variables themselves (names, defaults, parsers, help) are in :mod:`rtutils_web.variables`;
their names are a contract with the NixOS module (``nix/module.nix``). The core never sees
this object: the container hands each service the small option values it needs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from attrs import Factory, field, fields, frozen

from rtutils_adapters.rt.address import without_credentials
from rtutils_core.assets import AssetQuery
from rtutils_core.audits import AuditOptions
from rtutils_core.due import NoticeOptions
from rtutils_core.errors import ConfigError, InvalidInput
from rtutils_core.google.sync import ChromeSyncOptions
from rtutils_core.intake import IntakeOptions
from rtutils_core.labels import LabelOptions
from rtutils_core.loans import LoanOptions
from rtutils_core.outbox import OutboxOptions
from rtutils_core.printing.printers import PrinterConfig
from rtutils_core.returns import CampaignOptions
from rtutils_core.secrets import Secret
from rtutils_core.students import RosterColumns
from rtutils_core.students.user_fields import UserFieldOptions
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_web.access.tokens import refuse_weak_secret
from rtutils_web.http.proxies import ProxyTrust
from rtutils_web.variables import BY_NAME, VARIABLES, Variable

__all__ = ["VARIABLES", "Secret", "Settings", "Variable"]


_VARIABLE = "variable"


def _default(name: str) -> Any:
    return BY_NAME[name].default_value


def tag_formats(
    prefix: str, digits: int, extra: tuple[str, ...], by_catalog: tuple[str, ...] = ()
) -> TagFormats:
    """The formats of PREFIX, TAG_DIGITS, EXTRA_PREFIXES and the prefixes of
    PREFIX_BY_CATALOG (each prefix once)."""
    others = tuple(dict.fromkeys(p for p in (*extra, *by_catalog) if p != prefix))
    return TagFormats(TagFormat(prefix, digits), tuple(TagFormat(p, digits) for p in others))


def setting(variable: str, **kwargs: Any) -> Any:
    """A settings field read from ``variable``; its default is the variable's."""
    if "default" not in kwargs and "factory" not in kwargs:
        kwargs["default"] = _default(variable)
    return field(metadata={_VARIABLE: variable}, **kwargs)


def _working_dir_default(settings: Settings) -> Path | None:
    # The demo gets a fresh temporary directory (see the container) unless one is given.
    return None if settings.backend == "demo" else _default("WORKING_DIR")


@frozen
class Settings:
    """Every setting of the service. Build it with :meth:`from_env`; defaults are the table's."""

    backend: str = setting("RTUTILS_BACKEND")
    rt_url: str = setting("RT_URL")
    api_endpoint: str = setting("API_ENDPOINT")
    rt_token: Secret = setting("RT_TOKEN")
    rt_connect_timeout: float = setting("RT_CONNECT_TIMEOUT")
    rt_read_timeout: float = setting("RT_READ_TIMEOUT")
    rt_cache_seconds: float = setting("RT_CACHE_SECONDS")
    rt_sessions: str = setting("RT_SESSIONS")
    #: From PREFIX, TAG_DIGITS and EXTRA_PREFIXES.
    tag_formats: TagFormats = tag_formats(
        _default("PREFIX"), _default("TAG_DIGITS"), _default("EXTRA_PREFIXES")
    )
    padding_mm: float = setting("PADDING")
    label_width_mm: float = setting("LABEL_WIDTH_MM")
    label_height_mm: float = setting("LABEL_HEIGHT_MM")
    organisation: str = setting("ORGANISATION")
    qr_target: str = setting("QR_TARGET")
    public_url: str = setting("PUBLIC_URL")
    trusted_hosts: tuple[str, ...] = setting("TRUSTED_HOSTS")
    template_by_type: Mapping[str, str] = setting(
        "TEMPLATE_BY_TYPE", factory=lambda: _default("TEMPLATE_BY_TYPE"), hash=False
    )
    max_batch: int = setting("MAX_BATCH")
    loan_role: str = setting("LOAN_ROLE")
    checkout_status: str = setting("CHECKOUT_STATUS")
    checkin_status: str = setting("CHECKIN_STATUS")
    repair_queue: str = setting("REPAIR_QUEUE")
    damages: tuple[str, ...] = setting("DAMAGES")
    printers: Mapping[str, PrinterConfig] = setting(
        "PRINTERS", factory=lambda: _default("PRINTERS"), hash=False
    )
    host: str = setting("HOST")
    port: int = setting("PORT")
    threads: int = setting("THREADS")
    working_dir: Path | None = setting(
        "WORKING_DIR", default=Factory(_working_dir_default, takes_self=True)
    )
    log_format: str = setting("LOG_FORMAT")
    log_level: str = setting("LOG_LEVEL")
    secret_key: Secret = setting("SECRET_KEY")
    api_tokens: Secret = setting("RTUTILS_API_TOKENS")
    #: PostgreSQL tag store ("" for SQLite in WORKING_DIR) and its password.
    store_url: str = setting("STORE_URL")
    store_password: Secret = setting("STORE_PASSWORD")
    #: Catalog name -> tag prefix (each one also in ``tag_formats``).
    prefix_by_catalog: Mapping[str, str] = setting("PREFIX_BY_CATALOG", factory=dict, hash=False)
    google_service_account_file: Path | None = setting("GOOGLE_SERVICE_ACCOUNT_FILE")
    google_admin_subject: str = setting("GOOGLE_ADMIN_SUBJECT")
    google_customer_id: str = setting("GOOGLE_CUSTOMER_ID")
    google_api_url: str = setting("GOOGLE_API_URL")
    google_token_url: str = setting("GOOGLE_TOKEN_URL")
    google_sync_catalog: str = setting("GOOGLE_SYNC_CATALOG")
    google_sync_directions: Mapping[str, str] = setting(
        "GOOGLE_SYNC_DIRECTIONS", factory=dict, hash=False
    )
    trusted_proxies: ProxyTrust = setting("TRUSTED_PROXIES")
    jobs_queue: str = setting("JOBS_QUEUE")
    jobs_redis_url: Secret = setting("JOBS_REDIS_URL")
    jobs_worker: str = setting("JOBS_WORKER")
    autotag_interval: float = setting("AUTOTAG_INTERVAL")
    autotag_catalogs: tuple[str, ...] = setting("AUTOTAG_CATALOGS")
    autotag_printer: str = setting("AUTOTAG_PRINTER")
    webhook_secret: Secret = setting("WEBHOOK_SECRET")
    #: What every new device's serial must match ("" for any) and the CSV import's width.
    serial_pattern: str = setting("SERIAL_PATTERN")
    import_concurrency: int = setting("IMPORT_CONCURRENCY")
    jobs_lease: float = setting("JOBS_LEASE")
    outbox_warn_age: float = setting("OUTBOX_WARN_AGE")
    outbox_replay_interval: float = setting("OUTBOX_REPLAY_INTERVAL")
    roster_columns: Mapping[str, str] = setting("ROSTER_COLUMNS", factory=dict, hash=False)
    returns_catalog: str = setting("RETURNS_CATALOG")
    student_id_field: str = setting("STUDENT_ID_FIELD")
    graduation_year_field: str = setting("GRADUATION_YEAR_FIELD")
    user_fields_rate: str = setting("USER_FIELDS_RATE")
    audit_overdue_days: int = setting("AUDIT_OVERDUE_DAYS")
    audit_lost_status: str = setting("AUDIT_LOST_STATUS")
    audit_queue: str = setting("AUDIT_QUEUE")
    audit_write_rate: str = setting("AUDIT_WRITE_RATE")
    due_soon_days: int = setting("DUE_SOON_DAYS")
    smtp_url: str = setting("SMTP_URL")
    smtp_user: Secret = setting("SMTP_USER")
    smtp_password: Secret = setting("SMTP_PASSWORD")
    mail_from: str = setting("MAIL_FROM")
    mail_reply_to: str = setting("MAIL_REPLY_TO")
    mail_templates_dir: Path | None = setting("MAIL_TEMPLATES_DIR")
    mail_rate: str = setting("MAIL_RATE")
    notices: tuple[str, ...] = setting("NOTICES")
    notice_remind_days: int = setting("NOTICE_REMIND_DAYS")
    notice_repeat_days: int = setting("NOTICE_REPEAT_DAYS")
    notices_at: str = setting("NOTICES_AT")
    school_address: str = setting("SCHOOL_ADDRESS")

    @property
    def api_url(self) -> str:
        """Where RT's REST 2.0 API lives, e.g. ``https://rt.example.org/REST/2.0``."""
        return self.rt_url + self.api_endpoint

    @property
    def rt_url_shown(self) -> str:
        """``RT_URL`` as it may be shown, logged or printed: without any user:password@."""
        return without_credentials(self.rt_url)

    @property
    def prefix(self) -> str:
        return self.tag_formats.default.prefix

    @property
    def is_demo(self) -> bool:
        return self.backend == "demo"

    @property
    def label_options(self) -> LabelOptions:
        """What the label service needs of the settings."""
        return LabelOptions(
            tag_formats=self.tag_formats,
            width_mm=self.label_width_mm,
            height_mm=self.label_height_mm,
            padding_mm=self.padding_mm,
            organisation=self.organisation,
            qr_target=self.qr_target,
            public_url=self.public_url,
            rt_url=self.rt_url_shown,
            template_by_type=self.template_by_type,
        )

    @property
    def loan_options(self) -> LoanOptions:
        """What the loan desk needs of the settings."""
        try:
            return LoanOptions(
                role=self.loan_role,  # type: ignore[arg-type]  # checked by its parser
                checkout_status=self.checkout_status,
                checkin_status=self.checkin_status,
                repair_queue=self.repair_queue,
                damages=self.damages,
                due_soon_days=self.due_soon_days,
            )
        except InvalidInput as exc:
            raise ConfigError(f"CHECKOUT_STATUS / CHECKIN_STATUS: {exc.message}") from None

    @property
    def notice_options(self) -> NoticeOptions:
        """What the notices need of the settings."""
        return NoticeOptions(
            kinds=self.notices,
            remind_days=self.notice_remind_days,
            repeat_days=self.notice_repeat_days,
            school_address=self.school_address,
            organisation=self.organisation,
        )

    @property
    def mail_is_set_up(self) -> bool:
        return bool(self.smtp_url and self.mail_from)

    @property
    def intake_options(self) -> IntakeOptions:
        """What the intake desk needs of the settings."""
        return IntakeOptions(serial_pattern=self.serial_pattern or None)

    @property
    def outbox_options(self) -> OutboxOptions:
        """How the outbox runs: its lease outlasts the slowest operation's RT requests."""
        return OutboxOptions(
            lease=max(self.jobs_lease, 4 * self.rt_read_timeout),
            warn_after=self.outbox_warn_age,
            retry_live_after=max(5.0, self.rt_connect_timeout),
        )

    @property
    def campaign_options(self) -> CampaignOptions:
        """What the end-of-year return campaign needs of the settings."""
        return CampaignOptions(catalog=self.returns_catalog)

    @property
    def roster_mapping(self) -> RosterColumns:
        """The roster file's headers: ROSTER_COLUMNS over the field names."""
        return RosterColumns.with_overrides(self.roster_columns)

    @property
    def user_field_options(self) -> UserFieldOptions:
        """The RT user custom fields the student sync writes."""
        return UserFieldOptions(self.student_id_field, self.graduation_year_field)

    @property
    def audit_options(self) -> AuditOptions:
        """What audits need of the settings; a person's devices follow LOAN_ROLE."""
        return AuditOptions(
            lost_status=self.audit_lost_status,
            queue=self.audit_queue,
            person_role="held_by" if self.loan_role == "HeldBy" else "owner",
            overdue_days=self.audit_overdue_days,
        )

    @property
    def google_sync_options(self) -> ChromeSyncOptions:
        """What the Google sync needs of the settings (checked at start-up)."""
        try:
            return ChromeSyncOptions(
                AssetQuery(catalog=self.google_sync_catalog),
                # The loan desk's role: the person holding the device goes into annotatedUser.
                loan_role="HeldBy" if self.loan_role == "HeldBy" else "Owner",
                directions=self.google_sync_directions,
            )
        except InvalidInput as error:
            raise ConfigError(
                f"GOOGLE_SYNC_DIRECTIONS or GOOGLE_SYNC_CATALOG: {error.message}"
            ) from None

    @property
    def throttle_redis_url(self) -> str:
        """The service's Redis, where the counts of failed credentials are kept when it has
        one ("" without): every instance then counts the same failures."""
        if self.jobs_queue == "redis" and self.jobs_redis_url:
            return self.jobs_redis_url.reveal()
        return ""

    @property
    def jobs_queue_warning(self) -> str:
        """What start-up warns of the job queue ("" for nothing): with STORE_URL, the stores
        are shared but a SQLite queue is each instance's own."""
        if not (self.store_url and self.jobs_queue == "sqlite"):
            return ""
        return (
            "STORE_URL is set but JOBS_QUEUE=sqlite: each instance queues its jobs in its own"
            " WORKING_DIR, and a job queued on an instance that stops waits until it is back;"
            " set JOBS_QUEUE=redis (with JOBS_REDIS_URL) for one queue shared by all"
        )

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for log redaction."""
        return (
            tuple(
                s.reveal()
                for s in (
                    self.rt_token,
                    self.secret_key,
                    self.api_tokens,
                    self.store_password,
                    self.jobs_redis_url,
                    self.webhook_secret,
                    self.smtp_user,
                    self.smtp_password,
                )
                if s
            )
            + tuple(
                part.rsplit(":", 1)[-1]
                for part in self.api_tokens.reveal().split(",")
                if part.count(":") >= 2
            )
            + tuple(p for p in (urlsplit(self.rt_url).password,) if p)
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the environment; raise :class:`ConfigError` naming the variable."""
        env = os.environ if environ is None else environ
        values = {v.name: v.read(env.get(v.name)) for v in VARIABLES}
        backend = values["RTUTILS_BACKEND"]
        if backend == "rt" and not values["RT_TOKEN"]:
            raise ConfigError(
                "RT_TOKEN is required when RTUTILS_BACKEND=rt (set it in the secrets file),"
                " or use the demo backend with RTUTILS_BACKEND=demo"
            )
        if values["QR_TARGET"] == "service" and not values["PUBLIC_URL"]:
            raise ConfigError("PUBLIC_URL is required when QR_TARGET=service")
        if backend == "rt" and not values["SECRET_KEY"]:
            raise ConfigError(
                "SECRET_KEY is required when RTUTILS_BACKEND=rt (set it in the secrets file)"
            )
        if backend == "rt":
            refuse_weak_secret(values["SECRET_KEY"].reveal(), "SECRET_KEY")
        if values["WEBHOOK_SECRET"]:
            refuse_weak_secret(values["WEBHOOK_SECRET"].reveal(), "WEBHOOK_SECRET")
        if values["JOBS_QUEUE"] == "redis" and not values["JOBS_REDIS_URL"]:
            raise ConfigError(
                "JOBS_REDIS_URL is required when JOBS_QUEUE=redis (set it in the secrets file)"
            )
        if values["AUTOTAG_INTERVAL"] and not values["AUTOTAG_CATALOGS"]:
            raise ConfigError(
                "AUTOTAG_CATALOGS must name the catalogs when AUTOTAG_INTERVAL is set"
            )
        printer = values["AUTOTAG_PRINTER"]
        if printer and printer not in values["PRINTERS"]:
            known = ", ".join(values["PRINTERS"]) or "none configured"
            raise ConfigError(
                f"AUTOTAG_PRINTER names the printer {printer!r}, which PRINTERS does not list"
                f" (printers: {known})"
            )
        if values["SMTP_URL"] and "@" not in values["MAIL_FROM"]:
            raise ConfigError("MAIL_FROM must be the sender's e-mail address when SMTP_URL is set")
        if values["NOTICES_AT"] and not values["SMTP_URL"]:
            raise ConfigError("NOTICES_AT needs SMTP_URL: the notices go through a mail server")
        if not env.get("WORKING_DIR", "").strip() and backend == "demo":
            values["WORKING_DIR"] = None
        formats = tag_formats(
            values["PREFIX"],
            values["TAG_DIGITS"],
            values["EXTRA_PREFIXES"],
            tuple(values["PREFIX_BY_CATALOG"].values()),
        )
        read = {f.name: values[f.metadata[_VARIABLE]] for f in fields(cls) if f.metadata}
        settings = cls(tag_formats=formats, **read)
        settings.google_sync_options  # noqa: B018 (a bad direction stops start-up, named)
        return settings
