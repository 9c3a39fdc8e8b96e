"""A child process of the process tests: issues tags through the real service and store.

    python -m tests.process.tag_worker TAG_DB BACKEND REQUEST_ID ASSET_ID... [--go FILE]
        [--pause before-write|after-write --marker FILE] [--prefix W12-]

TAG_DB is the SQLite tag file, or the URL of a PostgreSQL database (``postgresql://...``).

BACKEND is a FileBackend's database file, or the URL of an RT (``http://...``) with the
token in the environment variable ``RT_TOKEN``, as the service reads it. Prints one JSON
line per issue. ``--go`` waits for FILE to exist first, so that all workers start together.
``--pause`` stops this process for good right before (or after) the backend write of its
first issue, having created ``--marker``, so the test can kill it there.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from tests.process.file_backend import FileBackend

from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.secrets import Secret
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.ports import TagStore
from rtutils_core.tags.service import TagService


class PausingBackend:
    """Stops the process at the backend write: the deterministic point for SIGKILL."""

    def __init__(self, backend: AssetBackend, pause: str, marker: Path) -> None:
        self.backend = backend
        self.pause = pause
        self.marker = marker

    def __getattr__(self, name: str):
        return getattr(self.backend, name)

    def _stop_here(self) -> None:
        self.marker.write_text("paused")
        while True:
            time.sleep(60)

    def update_asset(self, asset_id, changes, if_version=None):
        if self.pause == "before-write":
            self._stop_here()
        updated = self.backend.update_asset(asset_id, changes, if_version)
        self._stop_here()
        return updated


def open_backend(where: str) -> AssetBackend:
    if where.startswith(("http://", "https://")):
        return RTRestBackend(where, Secret(os.environ["RT_TOKEN"]), read_timeout=60)
    return FileBackend(Path(where))


def open_store(where: str) -> TagStore:
    if where.startswith("postgresql://"):
        return PostgresTagStore(where)
    return SqliteTagStore(Path(where))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tag_db")
    parser.add_argument("backend")
    parser.add_argument("request_id")
    parser.add_argument("asset_ids", type=int, nargs="+")
    parser.add_argument("--go", type=Path)
    parser.add_argument("--pause", choices=["before-write", "after-write"])
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--prefix", default="W12-")
    args = parser.parse_args()

    backend = open_backend(args.backend)
    if args.pause:
        backend = PausingBackend(backend, args.pause, args.marker)
    formats = TagFormats(TagFormat(args.prefix, 5))
    tags = TagService(backend, open_store(args.tag_db), formats)
    while args.go and not args.go.exists():
        time.sleep(0.01)
    for asset_id in args.asset_ids:
        issued = tags.issue_tag(asset_id, actor="worker", request_id=args.request_id)
        line = {"asset_id": asset_id, "tag": str(issued.tag), "status": issued.status}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
