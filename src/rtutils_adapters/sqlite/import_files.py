"""The files of CSV imports in ``WORKING_DIR/imports``: each upload, and its result file.

Both are private to the service (mode 0600, like the databases next to them): the rows name
devices and, through the tags, their holders. A result file is written under a temporary
name and renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from rtutils_adapters.sqlite.files import private_file
from rtutils_core.errors import ConfigError, InvalidInput, NotFound

FOLDER = "imports"
_NAME = re.compile(r"[0-9a-f]{32}")


class ImportFileFolder:
    """An :class:`~rtutils_core.imports.ports.ImportFiles` on a folder of this machine.

    Every worker that runs imports must see the folder: with a separate worker process,
    give it the web service's ``WORKING_DIR``. With ``STORE_URL`` the files are kept in
    PostgreSQL instead (``rtutils_adapters/postgres/import_files.py``), for every instance.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @classmethod
    def in_dir(cls, working_dir: Path) -> ImportFileFolder:
        """The import files of a working directory (created, private, if missing)."""
        folder = Path(working_dir) / FOLDER
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"the import folder {folder} cannot be created: {exc}") from None
        return cls(folder)

    def _path(self, name: str, suffix: str) -> Path:
        if not _NAME.fullmatch(name):
            raise InvalidInput(f"{name!r} names no import file")
        return self.folder / f"{name}{suffix}"

    def keep(self, text: str) -> str:
        name = uuid.uuid4().hex
        path = private_file(self._path(name, ".csv"))
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        return name

    def read(self, name: str) -> str:
        try:
            return self._path(name, ".csv").read_text("utf-8")
        except FileNotFoundError:
            raise NotFound(f"the import file {name} is no longer in {self.folder}") from None

    def write_result(self, name: str, chunks: Iterable[str]) -> None:
        final = self._path(name, ".result.csv")
        partial = final.with_name(final.name + ".part")
        partial.unlink(missing_ok=True)
        with private_file(partial).open("w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)

    def result(self, name: str) -> str | None:
        try:
            return self._path(name, ".result.csv").read_text("utf-8")
        except FileNotFoundError:
            return None

    def forget_before(self, moment: datetime) -> int:
        """Remove the files (uploads, results, half-written results) last written before
        ``moment``; how many imports lost their upload."""
        removed = 0
        for path in self.folder.iterdir():
            if not _NAME.fullmatch(path.name.split(".", 1)[0]):
                continue
            try:
                if path.stat().st_mtime < moment.timestamp():
                    path.unlink()
                    removed += path.name.endswith(".csv") and not path.name.endswith(".result.csv")
            except FileNotFoundError:
                continue  # another process removed it first
        return removed
