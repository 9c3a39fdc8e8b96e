"""A child process of the autotag test: polls RT for untagged assets as a service would.

    python -m tests.process.autotag_poller TAG_DB RT_URL PREFIX INTERVAL UNTIL CATALOG...

Runs an automatic tag pass every INTERVAL seconds (on the interval's boundary, like the
schedule) until the file UNTIL exists, printing one JSON report per pass. The RT token is
read from the environment variable ``RT_TOKEN``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.secrets import Secret
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.autotag import AutoTagService
from rtutils_core.tags.service import TagService


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tag_db", type=Path)
    parser.add_argument("rt_url")
    parser.add_argument("prefix")
    parser.add_argument("interval", type=float)
    parser.add_argument("until", type=Path)
    parser.add_argument("catalogs", nargs="+")
    args = parser.parse_args()
    backend = RTRestBackend(args.rt_url, Secret(os.environ["RT_TOKEN"]), read_timeout=60)
    tags = TagService(backend, SqliteTagStore(args.tag_db), TagFormats(TagFormat(args.prefix, 5)))
    autotag = AutoTagService(tags, tuple(args.catalogs))
    while not args.until.exists():
        started = time.time()
        report = autotag.run(request_id=f"poller-{os.getpid()}")
        line = {"started": started, "ended": time.time(), **report.as_json()}
        print(json.dumps(line), flush=True)
        next_pass = time.time() + args.interval - (time.time() % args.interval)
        while time.time() < next_pass and not args.until.exists():
            time.sleep(0.2)


if __name__ == "__main__":
    main()
