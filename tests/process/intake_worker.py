"""A child process of the intake process tests: imports a CSV file into a real RT.

    RT_TOKEN=... python -m tests.process.intake_worker RT_URL FOLDER FILE.csv [CONCURRENCY]

The tag and intake stores are SQLite files in FOLDER; the result file is written to
FOLDER/result.csv when the import ends. Prints one line per finished row, so that a test
can kill it midway.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.intake_world import formats_for

from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteNewAssetTagStore
from rtutils_core.imports.csv_files import iter_results_csv, read_rows
from rtutils_core.imports.importer import ImportProgress, IntakeImport
from rtutils_core.intake.service import IntakeService
from rtutils_core.secrets import Secret


def importer(url: str, token: Secret, folder: Path, concurrency: int) -> IntakeImport:
    """An import into the RT at ``url`` with its stores in ``folder``."""
    service = IntakeService(
        RTRestBackend(url, token, read_timeout=120, backoff=0.2, pool_size=concurrency),
        SqliteNewAssetTagStore(folder / "tags.sqlite3"),
        formats_for(folder),
        SqliteIntakeStore(folder / "intake.sqlite3"),
    )
    return IntakeImport(service, concurrency=concurrency)


def main() -> None:
    url, folder, csv_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    job = importer(url, Secret(os.environ["RT_TOKEN"]), folder, concurrency)

    def show(progress: ImportProgress) -> None:
        print(f"{progress.done}/{progress.total}", flush=True)

    with csv_file.open(encoding="utf-8", newline="") as lines:
        rows = read_rows(lines)
    results = job.run(rows, show)
    (folder / "result.csv").write_text("".join(iter_results_csv(results)), "utf-8")


if __name__ == "__main__":
    main()
