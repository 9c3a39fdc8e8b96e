"""State files that only the service may read: created 0600 from the start.

SQLite gives its ``-wal`` and ``-shm`` files the permissions of the database file, so a
database created here keeps every file of it private.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600


def private_file(path: Path) -> Path:
    """Create ``path`` for the service alone, if it does not exist yet (its folder must)."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(descriptor)
    return path
