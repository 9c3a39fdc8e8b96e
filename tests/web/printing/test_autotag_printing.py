"""AUTOTAG_PRINTER: the labels of automatically tagged assets go to that printer (a stand-in
Brother QL), each through a print job sent by the job system; an unknown printer stops
start-up naming the variable."""

from __future__ import annotations

import pytest
from tests.printer_standins import StandInQL
from tests.web.printing.test_api_printing import printed_tags

from rtutils_adapters.memory.jobs import InlineJobQueue
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import ConfigError
from rtutils_web.container import build_container
from rtutils_web.settings import Settings

WATCHED = "Loaners"


def settings_for(tmp_path, printers: str, printer: str) -> Settings:
    return Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path),
            "PRINTERS": printers,
            "AUTOTAG_CATALOGS": WATCHED,
            "AUTOTAG_PRINTER": printer,
        }
    )


def test_automatic_tags_send_their_labels_to_the_autotag_printer(tmp_path):
    with StandInQL() as ql:
        container = build_container(
            settings_for(tmp_path, f"desk=brother-ql,{ql.address},QL-820NWB,62", "desk")
        )
        backend = container.backend()
        backend.add_catalog(WATCHED, ["Serial Number", "Model", "Type"])
        new = [backend.add_asset(AssetDraft(name=n, catalog=WATCHED)) for n in ("A", "B")]
        jobs = container.jobs.job_service()
        jobs.queue = InlineJobQueue()
        run = jobs.submit("autotag")
        jobs.queue.run_pending(jobs)  # the autotag job, then the print jobs it queued
    report = jobs.get(run.id).result
    assert (report["tagged"], report["queued_labels"]) == (2, 2)
    tags = [backend.get_asset(asset.id).name for asset in new]
    sent = jobs.list(kind="print")
    assert [job.state for job in sent] == ["succeeded", "succeeded"]
    assert sorted(printed_tags(ql.jobs, tmp_path)) == sorted(tags)
    printed = [container.printing.print_service().get(job.params["print_job"]) for job in sent]
    assert {(p.printer, p.actor, p.state) for p in printed} == {("desk", "autotag", "sent")}


def test_an_autotag_printer_that_is_not_configured_stops_start_up(tmp_path):
    with pytest.raises(ConfigError, match=r"AUTOTAG_PRINTER names the printer 'attic'.*desk"):
        settings_for(tmp_path, "desk=brother-ql,tcp://127.0.0.1:9100,QL-820NWB,62", "attic")
