"""A forwarding proxy in front of the test RT, on an address of its own.

Tests put it between the adapter and RT to see or change what passes: subclasses decide
what happens to an answer in :meth:`ForwardingProxy.answered`.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

#: Request headers passed on to RT, and answer headers passed back.
SENT_ON = ("Authorization", "Cookie", "Origin", "Referer", "Content-Type", "Accept", "If-Match")
SENT_BACK = ("Content-Type", "ETag", "Location", "Set-Cookie")


class ForwardingProxy:
    """Forwards every request to ``target`` (RT's base URL) and relays the answer."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                proxy.forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def headers_for(self, handler: BaseHTTPRequestHandler) -> dict[str, str]:
        """The headers of the request that go on to RT."""
        return {k: v for k, v in handler.headers.items() if k in SENT_ON}

    def answered(
        self, handler: BaseHTTPRequestHandler, sent: dict[str, str], answer: requests.Response
    ) -> bool:
        """Called with RT's answer before it is relayed; ``False`` relays nothing."""
        return True

    def answer_headers(self, answer: requests.Response) -> list[tuple[str, str]]:
        return [(n, v) for n in SENT_BACK for v in answer.raw.headers.getlist(n)]

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        sent = self.headers_for(handler)
        answer = requests.request(
            handler.command,
            self.target + handler.path,
            headers=sent,
            data=body,
            timeout=120,
            allow_redirects=False,
        )
        if not self.answered(handler, sent, answer):
            return
        handler.send_response(answer.status_code)
        for name, value in self.answer_headers(answer):
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
