"""The Google Admin sync: Chrome OS devices and RT assets brought in line, both ways; and the
``google-sync`` job that runs it in the background with its progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from attrs import define

from rtutils_core.assets import Asset, AssetChanges, check_custom_field_names
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import BackendAuthFailed, BackendUnavailable, JobConflict, RtutilsError
from rtutils_core.google.devices import AnnotationChanges, ChromeDevice
from rtutils_core.google.ports import ChromeDeviceDirectory
from rtutils_core.google.report import ChromeSyncReport, FieldChange, Side, WriteFailure
from rtutils_core.google.sync import ChromeSyncOptions, SyncPlan, field_changes, plan_sync
from rtutils_core.jobs import Job, JobContext, JobKind, JsonValue
from rtutils_core.jobs.service import ACTIVE, JobService

#: Told how far a real run is: ``(pairs done, pairs to write)``, after every pair.
ProgressCallback = Callable[[int, int], None]


def _annotations(changes: Sequence[FieldChange]) -> AnnotationChanges:
    values = {c.field: c.after for c in changes}
    return AnnotationChanges(
        annotated_asset_id=values.get("asset_id"),
        annotated_user=values.get("user"),
        annotated_location=values.get("location"),
        notes=values.get("notes"),
    )


@define
class ChromeSyncService:
    """Matches each device to an RT asset (serial first, then MAC) and writes what differs.

    RT is read in bulk (one search over the scope, page by page), never once per device;
    Google is listed page by page. Only values that differ are written, on either side, so a
    second run right after the first writes nothing. Conflicts are reported, never guessed.
    """

    backend: AssetBackend
    directory: ChromeDeviceDirectory
    options: ChromeSyncOptions

    def plan(self) -> tuple[SyncPlan, dict[int, list[FieldChange]]]:
        """Read both sides and work out the pairs and their changes (writes nothing)."""
        catalog = self.options.scope.catalog or ""
        check_custom_field_names(
            self.options.custom_fields_needed(),
            self.backend.catalog_custom_fields(catalog),
            f"catalog {catalog!r}",
        )
        # Google first: refused credentials stop the run before RT is even read.
        devices = list(self.directory.iter_devices(self.options.org_unit))
        assets = list(self.backend.iter_assets(self.options.scope))
        plan = plan_sync(devices, assets, self.options)
        changes = {a.id: field_changes(d, a, self.options) for d, a, _ in plan.pairs}
        return plan, {k: v for k, v in changes.items() if v}

    def dry_run(self) -> ChromeSyncReport:
        """What a real run would do now, changing nothing."""
        plan, changes = self.plan()
        return self._report(plan, changes, dry_run=True)

    def run(self, progress: ProgressCallback | None = None) -> ChromeSyncReport:
        """Write every change; a refused write is reported and the run goes on.

        An outage or refused credentials stop the run (raised): what was written until then
        stays written, and the next run picks up the rest, since it writes only differences.
        """
        plan, changes = self.plan()
        failures: list[WriteFailure] = []
        total = len(changes)
        if progress is not None:
            progress(0, total)
        pairs = {a.id: (d, a) for d, a, _ in plan.pairs}
        for done, (asset_id, pending) in enumerate(changes.items(), start=1):
            device, asset = pairs[asset_id]
            failures += self._write_pair(device, asset, pending)
            if progress is not None:
                progress(done, total)
        return self._report(plan, changes, dry_run=False, failures=failures)

    def _write_pair(
        self, device: ChromeDevice, asset: Asset, pending: Sequence[FieldChange]
    ) -> list[WriteFailure]:
        by_side: dict[Side, list[FieldChange]] = defaultdict(list)
        for change in pending:
            by_side[change.side].append(change)
        failures = []
        for side, changes in by_side.items():
            try:
                if side == "google":
                    self.directory.update_annotations(device.device_id, _annotations(changes))
                else:
                    custom_fields = {c.target: c.after for c in changes}
                    self.backend.update_asset(
                        asset.id, AssetChanges(custom_fields=custom_fields), asset.version
                    )
            except (BackendAuthFailed, BackendUnavailable):
                raise
            except RtutilsError as error:
                failures.append(
                    WriteFailure(device.device_id, asset.id, side, error.code, error.message)
                )
        return failures

    @staticmethod
    def _report(
        plan: SyncPlan,
        changes: dict[int, list[FieldChange]],
        *,
        dry_run: bool,
        failures: Sequence[WriteFailure] = (),
    ) -> ChromeSyncReport:
        return ChromeSyncReport(
            dry_run=dry_run,
            matched=plan.matched,
            unmatched_devices=plan.unmatched_devices,
            unmatched_assets=plan.unmatched_assets,
            conflicts=plan.conflicts,
            changes=tuple(c for pending in changes.values() for c in pending),
            failures=tuple(failures),
        )


#: The job kind of a real Google sync run.
KIND = "google-sync"
#: Failures listed in a job's result; the count is always complete.
RESULT_FAILURES = 100


def sync_result(report: ChromeSyncReport) -> dict[str, JsonValue]:
    """A run's outcome for the job store: the counts and the refused writes (ids, no names).

    The whole report (with the annotated users) is not kept there: it goes to the command's
    ``--report`` file, read by whoever runs the sync.
    """
    failures: list[JsonValue] = [
        {
            "device_id": f.device_id,
            "asset_id": f.asset_id,
            "side": f.side,
            "code": f.code,
            "message": f.message,
        }
        for f in report.failures[:RESULT_FAILURES]
    ]
    return {"summary": dict(report.summary()), "failures": failures}


def chrome_sync_job_kind(
    sync: Callable[[], ChromeSyncService],
    *,
    on_progress: ProgressCallback | None = None,
    on_report: Callable[[ChromeSyncReport], object] | None = None,
) -> JobKind:
    """The ``google-sync`` job kind: a real run, its progress the devices written of those
    to write (unknown while both sides are read).

    Resumable: a run writes only differences, so a run again after a crash writes the rest.
    ``on_progress`` and ``on_report`` let a command show a progress bar and keep the report.
    """

    def run(context: JobContext) -> JsonValue:
        def progress(done: int, total: int) -> None:
            context.progress(done, total)
            if on_progress is not None:
                on_progress(done, total)

        context.progress(0)
        report = sync().run(progress=progress)
        if on_report is not None:
            on_report(report)
        return sync_result(report)

    return JobKind(KIND, run, resumable=True)


def start_sync(jobs: JobService, *, here_as: str | None = None) -> Job:
    """Queue a real run for a worker, or with ``here_as`` run it in this thread as that
    worker; :class:`JobConflict` if a run is queued or running already (one at a time)."""
    active = jobs.list(kind=KIND, states=ACTIVE, limit=1)
    if active:
        raise JobConflict(
            f"a Google sync is {active[0].state} already (job {active[0].id}); wait for it"
        )
    return jobs.submit(KIND) if here_as is None else jobs.run_here(KIND, worker=here_as)
