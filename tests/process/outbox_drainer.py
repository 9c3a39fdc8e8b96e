"""A child process of the outbox process tests: one instance draining the outbox once.

    python -m tests.process.outbox_drainer GO_FILE   (settings from the environment)

Builds the service from its settings as the ``worker`` command does, waits until GO_FILE
exists (so that several start together), replays the outbox until nothing may go, and
prints what it did as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from rtutils_web.container import build_container
from rtutils_web.settings import Settings


def main() -> None:
    go = Path(sys.argv[1])
    container = build_container(Settings.from_env(os.environ))
    replay = container.outbox.outbox_replay()
    deadline = time.monotonic() + 300
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("never told to go")
        time.sleep(0.01)
    drain = replay.drain(f"drainer-{os.getpid()}")
    print(json.dumps({"applied": drain.applied, "set_aside": drain.set_aside}), flush=True)


if __name__ == "__main__":
    main()
