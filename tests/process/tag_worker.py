"""A child process of the process tests: issues tags through the real service and store.

    python -m tests.process.tag_worker TAG_DB BACKEND_DB REQUEST_ID ASSET_ID... [--go FILE]
        [--pause before-write|after-write --marker FILE]

Prints one JSON line per issue. ``--go`` waits for FILE to exist first, so that all workers
start together. ``--pause`` stops this process for good right before (or after) the backend
write of its first issue, having created ``--marker``, so the test can kill it there.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from tests.process.file_backend import FileBackend

from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.services.tags import TagService
from rtutils_core.tags import TagFormat, TagFormats


class PausingBackend(FileBackend):
    """Stops the process at the backend write: the deterministic point for SIGKILL."""

    def __init__(self, path: Path, pause: str, marker: Path) -> None:
        super().__init__(path)
        self.pause = pause
        self.marker = marker

    def _stop_here(self) -> None:
        self.marker.write_text("paused")
        while True:
            time.sleep(60)

    def update_asset(self, asset_id, changes, if_version=None):
        if self.pause == "before-write":
            self._stop_here()
        updated = super().update_asset(asset_id, changes, if_version)
        self._stop_here()
        return updated


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tag_db", type=Path)
    parser.add_argument("backend_db", type=Path)
    parser.add_argument("request_id")
    parser.add_argument("asset_ids", type=int, nargs="+")
    parser.add_argument("--go", type=Path)
    parser.add_argument("--pause", choices=["before-write", "after-write"])
    parser.add_argument("--marker", type=Path)
    args = parser.parse_args()

    if args.pause:
        backend = PausingBackend(args.backend_db, args.pause, args.marker)
    else:
        backend = FileBackend(args.backend_db)
    tags = TagService(backend, SqliteTagStore(args.tag_db), TagFormats(TagFormat("W12-", 5)))
    while args.go and not args.go.exists():
        time.sleep(0.01)
    for asset_id in args.asset_ids:
        issued = tags.issue_tag(asset_id, actor="worker", request_id=args.request_id)
        line = {"asset_id": asset_id, "tag": str(issued.tag), "status": issued.status}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
