"""A real SMTP server on loopback for tests (aiosmtpd): it keeps every mail it accepts,
parsed back with the standard library's ``email``, and answers as a test scripts it.

``script[address]`` is a list of answers to RCPT for that address, taken one by one
("451 4.7.1 ..." or "550 5.1.1 ..."); when it runs out, the address is accepted. ``on_data``
is called with each message before it is accepted; a test that kills the sending process
there makes the server drop that message (``drop_next``), as a server drops a transaction
its client never finished.
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from attrs import define, field

from tests.conftest import free_port


@define
class Received:
    """One accepted mail: the envelope and the message parsed back."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


@define
class Handler:
    script: dict[str, list[str]] = field(factory=dict)
    received: list[Received] = field(factory=list)
    on_data: Callable[[int], bool] | None = None
    lock: threading.Lock = field(factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.lock:
            answers = self.script.get(address, [])
            if answers:
                return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            number = len(self.received) + 1
        if self.on_data is not None and not self.on_data(number):
            return "451 4.3.0 the test dropped this message"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 2.0.0 accepted"


@define
class SmtpServer:
    """The running server: its URL, what it received, and a way to wait for mail."""

    handler: Handler
    port: int
    controller: Controller

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def wait_for(self, count: int, timeout: float = 120) -> list[Received]:
        """Every mail, once at least ``count`` arrived (a condition, not a sleep)."""
        with self.handler.arrived:
            ok = self.handler.arrived.wait_for(lambda: len(self.handler.received) >= count, timeout)
            assert ok, f"{len(self.handler.received)} of {count} mails arrived"
            return list(self.handler.received)


def self_signed(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for 127.0.0.1: the server's TLS context and a client's that trusts it."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def start_smtp(tls: ssl.SSLContext | None = None, **controller_options) -> SmtpServer:
    handler = Handler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=tls is not None,
        **controller_options,
    )
    controller.start()
    return SmtpServer(handler, port, controller)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = start_smtp()
    yield server
    server.controller.stop()
