"""RT going away and coming back, on demand: a loopback TCP forwarder in front of the test RT.

While it is :meth:`OutageProxy.up` it accepts connections on its own port and pipes the
bytes to RT and back, so the service talks to the real RT through it. :meth:`down` closes
its listening socket (a new connection is refused: ``ECONNREFUSED``, as when RT's server is
stopped) and resets every connection it carries (a pooled keep-alive connection fails as
"connection reset"). Nothing of HTTP is read or changed: it stands in for the fault only.

Fixture ``rt_outage``: a proxy in front of the session's ``rt_server``, up at the start,
closed at the end.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator

import pytest

from tests.rt_harness import RTServer


class OutageProxy:
    """A TCP forwarder to ``target_port`` on 127.0.0.1 that can refuse connections."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._links: set[socket.socket] = set()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def is_up(self) -> bool:
        return self._listener is not None

    def up(self) -> None:
        """Accept connections and forward them to RT."""
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(64)
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and reset the ones open (RT is gone)."""
        with self._lock:
            listener, self._listener = self._listener, None
            links, self._links = self._links, set()
        if listener is not None:
            listener.close()
        for link in links:
            _reset(link)

    def close(self) -> None:
        self.down()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                if self._listener is not listener:  # went down meanwhile
                    _reset(client)
                    _reset(upstream)
                    continue
                self._links.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._links.discard(source)
                self._links.discard(sink)


def _reset(sock: socket.socket) -> None:
    """Close with a reset (RST), as a dead peer's kernel would answer."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


@pytest.fixture
def rt_outage(rt_server: RTServer) -> Iterator[OutageProxy]:
    """A forwarder in front of the test RT, up; the test takes it down and up again."""
    proxy = OutageProxy(rt_server.port)
    proxy.up()
    yield proxy
    proxy.close()
