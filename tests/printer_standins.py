"""A stand-in Brother QL on loopback TCP, and a way to read back what it received.

The stand-in accepts connections as a QL's port 9100 does and records every connection's
bytes as one job. In ``hang`` mode it accepts and then never reads, with a small receive
buffer, as a jammed printer whose network card still answers; in ``drop`` mode it resets
every connection at once. ``read_raster`` decodes a job
with brother_ql's own reader into the bitmap the printer would print.
"""

from __future__ import annotations

import io
import selectors
import socket
import struct
import threading
from pathlib import Path

from brother_ql.reader import BrotherQLReader
from PIL import Image


class StandInQL:
    """Listens on ``127.0.0.1:port`` (0: any free port) until :meth:`stop`."""

    def __init__(self, port: int = 0, *, hang: bool = False, drop: bool = False) -> None:
        self.hang, self.drop = hang, drop
        self._slots: list[bytes] = []
        self._held: list[socket.socket] = []
        self._receivers: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hang:
            # Accepted sockets inherit it: the printer's buffer fills after a few KB.
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(16)
        self.port: int = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        # Polls rather than blocks in accept(): on stop, connections the kernel has already
        # completed (their senders may have sent everything and closed) are still taken
        # from the backlog and read, instead of being reset with the listening socket.
        # A selector, not select(): select() refuses descriptors numbered 1024 or more.
        waiting = selectors.DefaultSelector()
        waiting.register(self._server, selectors.EVENT_READ)
        while True:
            if not waiting.select(0.05):
                if self._stopping.is_set():
                    waiting.close()
                    return
                continue
            conn, _ = self._server.accept()
            if self.hang:
                self._held.append(conn)
                continue
            if self.drop:
                # Reset at once, unread: what a printer that rejects the job does.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
                continue
            # A job's place is its connection's: jobs keep the order they were sent in,
            # however the threads that read them are scheduled.
            with self._lock:
                slot = len(self._slots)
                self._slots.append(b"")
            receiver = threading.Thread(target=self._receive, args=(conn, slot), daemon=True)
            self._receivers.append(receiver)
            receiver.start()

    def _receive(self, conn: socket.socket, slot: int) -> None:
        chunks = []
        with conn:
            while data := conn.recv(65536):
                chunks.append(data)
        with self._lock:
            self._slots[slot] = b"".join(chunks)

    @property
    def jobs(self) -> list[bytes]:
        """Every job sent so far, in the order the connections were made.

        Waits for connections already accepted to be read to their end: a sender that has
        closed its socket may still have bytes on their way in.
        """
        for receiver in list(self._receivers):
            receiver.join(timeout=30)
        with self._lock:
            return list(self._slots)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)
        self._server.close()
        for conn in self._held:
            conn.close()
        # The last job may still be on its way in when the sender has closed: stop()
        # returns only when every accepted connection has been read to its end.
        for receiver in self._receivers:
            receiver.join(timeout=30)

    def __enter__(self) -> StandInQL:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Unanswering:
    """A port that takes no more connections: its accept queue is full, SYNs go unanswered."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)
        self.port: int = self._server.getsockname()[1]
        self._fillers = []
        for _ in range(2):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", self.port))
            self._fillers.append(filler)

    def close(self) -> None:
        for sock in (*self._fillers, self._server):
            sock.close()


def read_raster(job: bytes, workdir: Path) -> list[Image.Image]:
    """The pages of one raster job as brother_ql's reader draws them (black on white)."""
    workdir.mkdir(parents=True, exist_ok=True)
    before = set(workdir.iterdir())
    reader = BrotherQLReader(io.BufferedReader(io.BytesIO(job)))  # type: ignore[arg-type]
    reader.filename_fmt = str(workdir / f"page-{len(before):05d}-{{counter:04d}}.png")
    reader.analyse()
    pages = sorted(set(workdir.iterdir()) - before)
    images = []
    for path in pages:
        with Image.open(path) as image:
            images.append(image.convert("L"))
    return images
