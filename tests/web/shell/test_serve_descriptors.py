"""The service's server answers when the process's descriptors are numbered past 1024,
which select() cannot wait on (a busy process with many store files and connections)."""

from __future__ import annotations

import os
import resource
import threading
import urllib.request

import pytest
from tests.conftest import free_port

from rtutils_web.cli.serve import wsgi_server

NEEDED = 1300


@pytest.fixture
def descriptors_past_1024():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < NEEDED:
        pytest.skip(f"the hard limit of open files is {hard}")
    if soft != resource.RLIM_INFINITY and soft < NEEDED:
        resource.setrlimit(resource.RLIMIT_NOFILE, (NEEDED, hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    yield
    for fd in held:
        os.close(fd)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_server_answers_with_its_descriptors_numbered_past_1024(app, descriptors_past_1024):
    port = free_port()
    server = wsgi_server(app, "127.0.0.1", port, threads=2)
    assert server.socket.fileno() >= 1024
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as answer:
            assert answer.status == 200
    finally:
        server.close()
        thread.join(timeout=10)
