"""Importing a CSV file of new devices: a dry run that reports every problem by row, and
an import that creates the rest with bounded concurrency, reporting its progress.

An import can be run again after an interruption: each row is submitted under a key made
from its serial, so a row whose asset exists already (created by an earlier run, its answer
lost or not) is found by its serial and skipped, never created twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from attrs import define, field, frozen

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.bounded import run_bounded
from rtutils_core.errors import InvalidField, InvalidInput, RtutilsError
from rtutils_core.imports.csv_files import CsvRow, RowProblem, RowResult, RowState
from rtutils_core.intake import DeviceIntake
from rtutils_core.intake.ports import MAX_ANY_QUERIES
from rtutils_core.intake.service import IntakeService

#: Rows at once against the backend unless told otherwise.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 16


@frozen
class DryRun:
    """What an import of the rows would do; nothing was changed."""

    total: int
    problems: tuple[RowProblem, ...]
    #: Rows whose device was imported before (same serial, same asset): skipped.
    already: tuple[RowResult, ...]

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.problems}))

    @property
    def ready(self) -> int:
        """Rows an import would create now."""
        return self.total - len(self.bad_rows) - len(self.already)


@frozen
class ImportProgress:
    """How far an import is: rows done of total, and the pace so far."""

    done: int
    total: int
    created: int
    skipped: int
    failed: int
    elapsed: float  # seconds

    @property
    def per_minute(self) -> float:
        return self.done * 60 / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        if not self.done:
            return None
        return (self.total - self.done) * self.elapsed / self.done


@define
class IntakeImport:
    """Dry runs and imports of CSV rows through one :class:`IntakeService`."""

    service: IntakeService
    concurrency: int = DEFAULT_CONCURRENCY
    key_prefix: str = "csv"
    clock: Callable[[], float] = time.monotonic

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise InvalidInput(
                f"import concurrency must be between 1 and {MAX_CONCURRENCY},"
                f" not {self.concurrency}"
            )

    def key_for(self, device: DeviceIntake) -> str:
        """The idempotency key of a row: the same in every run of the same file."""
        return f"{self.key_prefix}:{device.serial}"

    # -- dry run -----------------------------------------------------------------------

    def dry_run(self, rows: Sequence[CsvRow]) -> DryRun:
        """Check every row: missing fields, unknown catalogs and choices, serials (and tags
        and internal names) repeated in the file, serials that assets in RT carry."""
        problems: list[RowProblem] = []
        checked: list[tuple[int, DeviceIntake]] = []
        for row in rows:
            try:
                checked.append((row.number, self.service.check(row.device)))
            except InvalidField as error:
                problems.append(RowProblem(row.number, error.field, error.message))
            except InvalidInput as error:
                problems.append(RowProblem(row.number, "", error.message))
        problems += _repeats(checked)
        repeated = {p.row for p in problems}
        unique = [(n, d) for n, d in checked if n not in repeated]
        carriers = self._carriers([d.serial for _, d in unique])
        already: list[RowResult] = []
        for number, device in unique:
            asset = carriers.get(device.serial)
            if asset is None:
                continue
            sub = self.service.store.get(self.key_for(device))
            if sub is not None and sub.is_created and sub.asset_id == asset.id:
                already.append(_skipped(number, asset, sub.internal_name))
                continue
            if sub is not None and not sub.is_created:
                continue  # an earlier run was cut off creating it: the import finishes it
            message = f"serial number {device.serial!r} belongs to asset {asset.id}"
            problems.append(RowProblem(number, "serial", f"{message} ({asset.name}) already"))
        problems.sort(key=lambda p: p.row)
        return DryRun(len(rows), tuple(problems), tuple(already))

    def _carriers(self, serials: Sequence[str]) -> dict[str, Asset]:
        """The assets carrying ``serials``, by serial, in bulk searches."""
        field = self.service.options.fields.serial
        found: dict[str, Asset] = {}
        for start in range(0, len(serials), MAX_ANY_QUERIES):
            chunk = serials[start : start + MAX_ANY_QUERIES]
            queries = [AssetQuery(custom_fields={field: s}) for s in chunk]
            for asset in self.service.searches.find_any(queries):
                found.setdefault(asset.cf(field), asset)
        return found

    # -- import ------------------------------------------------------------------------

    def run(
        self,
        rows: Sequence[CsvRow],
        progress: Callable[[ImportProgress], None] | None = None,
        *,
        actor: str = "library",
        request_id: str = "",
    ) -> list[RowResult]:
        """Import ``rows``: every row ends created, skipped, or failed with its reason."""
        started = self.clock()
        report = self.dry_run(rows)
        results: dict[int, RowResult] = {r.row: r for r in report.already}
        for problem in report.problems:
            results.setdefault(problem.row, RowResult(problem.row, "failed", error=problem.message))
        todo = [r for r in rows if r.number not in results]
        tally = _Tally(len(rows), started, self.clock, progress)
        for result in results.values():
            tally.add(result, report=False)
        tally.report()
        # A cancelled job raises from ``progress`` (in ``tally.add``): the rows under way
        # finish as the pool closes, and no row starts after the cancellation.
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="intake") as pool:
            work = partial(self._one, actor=actor, request_id=request_id)
            for result in run_bounded(pool, work, todo, self.concurrency):
                results[result.row] = result
                tally.add(result)
        return [results[n] for n in sorted(results)]

    def _one(self, row: CsvRow, actor: str, request_id: str) -> RowResult:
        try:
            got = self.service.receive(
                row.device, self.key_for(row.device), actor=actor, request_id=request_id
            )
        except RtutilsError as error:
            return RowResult(row.number, "failed", error=f"{error.code}: {error.message}")
        state: RowState = "skipped" if got.is_replay else "created"
        return RowResult(row.number, state, got.asset.id, got.tag, got.internal_name)


def _skipped(number: int, asset: Asset, internal_name: str) -> RowResult:
    return RowResult(number, "skipped", asset.id, asset.name, internal_name)


def _repeats(checked: Iterable[tuple[int, DeviceIntake]]) -> list[RowProblem]:
    """Rows repeating a serial, tag or internal name of an earlier row."""
    problems = []
    first: dict[tuple[str, str], int] = {}
    for number, device in checked:
        for name, value in (
            ("serial", device.serial),
            ("tag", device.tag),
            ("internal_name", device.internal_name),
        ):
            if not value:
                continue
            seen = first.setdefault((name, value.casefold()), number)
            if seen != number:
                what = name.replace("_", " ")
                problems.append(
                    RowProblem(number, name, f"the {what} {value!r} is in row {seen} too")
                )
    return problems


@define
class _Tally:
    total: int
    started: float
    clock: Callable[[], float]
    progress: Callable[[ImportProgress], None] | None
    counts: dict[str, int] = field(factory=dict)

    def add(self, result: RowResult, *, report: bool = True) -> None:
        self.counts[result.state] = self.counts.get(result.state, 0) + 1
        if report:
            self.report()

    def report(self) -> None:
        if self.progress is None:
            return
        created, skipped, failed = (self.counts.get(s, 0) for s in ("created", "skipped", "failed"))
        done = created + skipped + failed
        elapsed = self.clock() - self.started
        self.progress(ImportProgress(done, self.total, created, skipped, failed, elapsed))
