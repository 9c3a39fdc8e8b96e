"""Raw printing over TCP (the "port 9100" protocol): connect, send every byte, close.

Brother QL printers send nothing back on this port, so the only evidence that a label
arrived is that the printer's TCP stack acknowledged every byte. After sending, the
connection is half-closed and the bytes the printer has not acknowledged yet (Linux's
``SIOCOUTQ``) are watched until none are left; a printer that accepted the connection and
stopped taking data fails within the send timeout instead of hanging the job. A label small
enough to fit the printer's network buffer cannot be told apart from a printed one by any
client; that limit is the protocol's.
"""

from __future__ import annotations

import errno
import os
import socket
import struct
import sys
import time

from rtutils_core.errors import PrintFailed

#: Linux's ioctl for "bytes in the send queue not yet acknowledged" (SIOCOUTQ == TIOCOUTQ).
SIOCOUTQ = 0x5411
CHUNK = 64 * 1024
POLL_SECONDS = 0.005


#: What a job that the printer cut off says, whichever error the system reported.
DROPPED = "the printer reset or closed the connection"
_DROP_ERRORS = frozenset({errno.ECONNRESET, errno.EPIPE, errno.ENOTCONN, errno.ECONNABORTED})


def send_raw(
    name: str,
    host: str,
    port: int,
    data: bytes,
    *,
    connect_timeout: float,
    send_timeout: float,
) -> None:
    """Deliver ``data`` to ``host:port`` or raise :class:`PrintFailed` saying why.

    Takes at most ``connect_timeout`` to connect plus ``send_timeout`` to send.
    """
    where = f"printer {name!r} at {host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=connect_timeout)
    except TimeoutError:
        raise PrintFailed(
            f"{where} did not answer within {connect_timeout:g} s (connect timeout):"
            " is it switched on and on the network?"
        ) from None
    except ConnectionRefusedError:
        raise PrintFailed(
            f"{where} refused the connection: is it switched on, and is this its address?"
        ) from None
    except OSError as exc:
        raise PrintFailed(f"{where} cannot be reached: {exc.strerror or exc}") from None
    with sock:
        deadline = time.monotonic() + send_timeout
        sent = 0
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            view = memoryview(data)
            while sent < len(data):
                sock.settimeout(_left(deadline))
                sent += sock.send(view[sent : sent + CHUNK])
            sock.shutdown(socket.SHUT_WR)
            unacknowledged = _wait_until_acknowledged(sock, deadline)
        except TimeoutError:
            unacknowledged = len(data) - sent + _pending(sock)
        except OSError as exc:
            # The same drop reads as a reset, a broken pipe or "not connected" depending on
            # which call meets it first; the desk is told one thing.
            why = DROPPED if exc.errno in _DROP_ERRORS else exc.strerror or str(exc)
            raise PrintFailed(
                f"{where} dropped the connection after {sent} of {len(data)} bytes: {why}"
            ) from None
        if unacknowledged:
            raise PrintFailed(
                f"{where} accepted the connection but did not take the label within"
                f" {send_timeout:g} s (send timeout; {len(data) - unacknowledged} of"
                f" {len(data)} bytes taken): is it jammed, out of labels or busy?"
            )


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _pending(sock: socket.socket) -> int:
    """Bytes sent into ``sock`` that the peer has not acknowledged (0 where unknown)."""
    if not sys.platform.startswith("linux"):
        return 0
    import fcntl

    raw = fcntl.ioctl(sock.fileno(), SIOCOUTQ, struct.pack("i", 0))
    return int(struct.unpack("i", raw)[0])


def _wait_until_acknowledged(sock: socket.socket, deadline: float) -> int:
    """Bytes still unacknowledged when they are all gone (0) or the deadline passed."""
    while True:
        pending = _pending(sock)
        error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            # A reset empties the queue too, but the printer threw the data away.
            raise OSError(error, os.strerror(error))
        if pending == 0 or time.monotonic() >= deadline:
            return pending
        time.sleep(POLL_SECONDS)


def probe(host: str, port: int, timeout: float) -> str:
    """ "" if ``host:port`` accepts a TCP connection within ``timeout``, else why not."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return ""
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except ConnectionRefusedError:
        return "connection refused"
    except OSError as exc:
        return str(exc.strerror or exc)
