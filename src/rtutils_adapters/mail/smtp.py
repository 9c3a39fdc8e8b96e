"""The district's mail server over SMTP, with the standard library's ``smtplib`` and ``email``.

``SMTP_URL`` is ``smtp://host[:587]`` (STARTTLS, required except on a loopback address, where
a local relay may not offer it) or ``smtps://host[:465]`` (TLS from the start). A user and
password (the secrets file) sign in; never without TLS off loopback. One connection is kept
between the mails of a run and closed at its end.

The server's answer decides: 4xx or no connection is :class:`MailDeferred` (try later),
5xx is :class:`MailRejected` (keep the reason). Messages carry the server's code and
words with any address in them blanked: they end up in the notice log and job results.
"""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from attrs import frozen

from rtutils_core.due import OutgoingMail
from rtutils_core.errors import ConfigError, MailDeferred, MailRejected
from rtutils_core.secrets import Secret

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
TIMEOUT = 30.0
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@frozen
class SmtpServer:
    """Where the mail server is: ``SMTP_URL`` read and checked."""

    scheme: str
    host: str
    port: int

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url.strip())
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ConfigError(
                "SMTP_URL must be smtp://host[:port] (STARTTLS) or smtps://host[:port] (TLS),"
                f" not {url!r}"
            )
        if parts.username or parts.password or parts.path.strip("/") or parts.query:
            raise ConfigError(
                "SMTP_URL names the server only: put the user and password in SMTP_USER and"
                " SMTP_PASSWORD (the secrets file)"
            )
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ConfigError(f"SMTP_URL has a bad port: {url!r}") from None
        return cls(parts.scheme, parts.hostname, port)

    @property
    def is_loopback(self) -> bool:
        return _is_loopback(self.host)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def _words(code: int, text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {_ADDRESS.sub('<address>', ' '.join(raw.split()))}".strip()


class SmtpMailer:
    """A :class:`~rtutils_core.due.ports.Mailer` over SMTP."""

    def __init__(
        self,
        server: SmtpServer,
        sender: str,
        *,
        reply_to: str = "",
        user: str = "",
        password: Secret | None = None,
        tls: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        if "@" not in sender:
            raise ConfigError(f"MAIL_FROM must be an e-mail address, not {sender!r}")
        self.server = server
        self.sender = sender
        self.reply_to = reply_to
        self._user = user
        self._password = password or Secret("")
        self._tls = tls or ssl.create_default_context()
        self._timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        where = str(self.server)
        try:
            if self.server.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.server.host, self.server.port, timeout=self._timeout, context=self._tls
                )
            else:
                smtp = smtplib.SMTP(self.server.host, self.server.port, timeout=self._timeout)
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self._tls)
                    smtp.ehlo()
                elif not self.server.is_loopback:
                    smtp.close()
                    raise MailDeferred(f"the mail server {where} does not offer STARTTLS")
            if self._user:
                smtp.login(self._user, self._password.reveal())
        except smtplib.SMTPAuthenticationError as error:
            raise MailDeferred(
                f"the mail server {where} refused SMTP_USER and SMTP_PASSWORD:"
                f" {_words(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPResponseException as error:
            raise _answer(error.smtp_code, error.smtp_error, where) from None
        except (OSError, smtplib.SMTPException) as error:
            raise MailDeferred(f"the mail server {where} cannot be reached: {error}") from None
        return smtp

    def _message(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message["To"] = ", ".join(mail.to)
        if mail.cc:
            message["Cc"] = ", ".join(mail.cc)
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = f"<{mail.message_id}@{self.sender.rpartition('@')[2]}>"
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message

    def send(self, mail: OutgoingMail) -> None:
        message = self._message(mail)
        for attempt in (1, 2):  # a kept connection the server closed meanwhile: once more
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(message, self.sender, [*mail.to, *mail.cc])
                return
            except smtplib.SMTPServerDisconnected as error:
                self._smtp = None
                if attempt == 2:
                    raise MailDeferred(f"the mail server {self.server} hung up: {error}") from None
            except smtplib.SMTPRecipientsRefused as error:
                self.close()
                codes = sorted({code for code, _ in error.recipients.values()})
                words = "; ".join(_words(c, t) for c, t in error.recipients.values())
                raise _answer(max(codes), words, str(self.server)) from None
            except smtplib.SMTPResponseException as error:
                self.close()
                raise _answer(error.smtp_code, error.smtp_error, str(self.server)) from None
            except (OSError, smtplib.SMTPException) as error:
                self.close()
                raise MailDeferred(f"the mail server {self.server} failed: {error}") from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _answer(code: int, text: bytes | str, where: str) -> MailDeferred | MailRejected:
    words = text if isinstance(text, str) and text[:3].isdigit() else _words(code, text)
    message = f"the mail server {where} answered {words}"
    return MailRejected(message) if code >= 500 else MailDeferred(message)
