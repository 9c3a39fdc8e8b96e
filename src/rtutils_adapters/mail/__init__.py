"""Mail: the district's SMTP server (smtplib) and the notices' templates (Jinja2)."""

from rtutils_adapters.mail.smtp import SmtpMailer, SmtpServer
from rtutils_adapters.mail.templates import JinjaNoticeRenderer

__all__ = ["JinjaNoticeRenderer", "SmtpMailer", "SmtpServer"]
