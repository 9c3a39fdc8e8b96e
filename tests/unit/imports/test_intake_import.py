"""CSV import of new devices on the in-memory fakes: dry run, import, resume, result file."""

from __future__ import annotations

import csv
import io

import pytest
from tests.intake_world import memory_world
from tests.rt_harness import STUDENT_DEVICES

from rtutils_core.assets import Asset, AssetDraft, AssetQuery
from rtutils_core.errors import BackendUnavailable, InvalidInput
from rtutils_core.imports.csv_files import iter_results_csv, read_rows
from rtutils_core.imports.importer import IntakeImport

HEADER = "Catalog,Serial Number,Manufacturer,Model,Type,Funding_Source,Internal Name,Tag"


def line(serial: str, **changes: str) -> str:
    cells = {
        "catalog": STUDENT_DEVICES,
        "serial": serial,
        "manufacturer": "HP",
        "model": "Chromebook 11 G9",
        "type": "Chromebook",
        "funding": "Title I",
        "name": "",
        "tag": "",
    }
    cells.update(changes)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells.values())
    return buffer.getvalue()


#: Ten bad rows, by the row number a spreadsheet shows (the header is row 1).
BAD = {
    12: ("model", line("BAD-12", model="")),
    57: ("serial", line("BAD 57")),
    101: ("catalog", line("BAD-101", catalog="Laptops")),
    150: ("manufacturer", line("BAD-150", manufacturer="Apple")),
    203: ("serial", line("GOOD-00003")),  # repeats row 4's serial
    260: ("serial", line("IN-RT-ALREADY")),
    311: ("serial", line("X" * 70)),
    377: ("funding_source", line("BAD-377", funding="")),
    420: ("type", line("BAD-420", type="Tablet")),
    488: ("internal_name", line("BAD-488", name="Art Cart")),  # repeats row 5's name
}


def five_hundred_rows() -> list[str]:
    lines = [HEADER]
    good = 0
    for number in range(2, 502):
        if number in BAD:
            lines.append(BAD[number][1])
            continue
        good += 1
        lines.append(line(f"GOOD-{good:05d}", name="Art Cart" if number == 5 else ""))
    return lines


def world_with_rt_serial():
    world = memory_world()
    existing = world.backend.create_asset(
        AssetDraft("OLD-9", STUDENT_DEVICES, custom_fields={"Serial Number": "IN-RT-ALREADY"})
    )
    return world, existing


def assets_by_serial(backend) -> dict[str, list[Asset]]:
    found: dict[str, list[Asset]] = {}
    for asset in backend.iter_assets(AssetQuery(catalog=STUDENT_DEVICES)):
        found.setdefault(asset.cf("Serial Number"), []).append(asset)
    return found


def test_columns_are_found_by_header_whatever_their_order_and_spelling():
    rows = read_rows(
        [
            "serial,TYPE,funding source,manufacturer,model,catalog,tag",
            "A1,Chromebook,Title I,HP,X,Student Devices,W12-00777",
            ",,,,,,",
            "A2,Charger,Title I,HP,X,Student Devices",
        ]
    )
    assert [(r.number, r.device.serial, r.device.tag) for r in rows] == [
        (2, "A1", "W12-00777"),
        (4, "A2", None),
    ]
    assert rows[1].device.type == "Charger"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "empty"),
        (["serial,catalog,type"], "lacks the columns manufacturer, model, funding source"),
        ([HEADER + ",serial"], "more than one column for serial"),
    ],
)
def test_a_file_without_the_needed_columns_is_refused_naming_them(lines, message):
    with pytest.raises(InvalidInput, match=message):
        read_rows(lines)


def test_the_dry_run_names_exactly_the_bad_rows_and_changes_nothing():
    world, _ = world_with_rt_serial()
    importer = IntakeImport(world.service())
    report = importer.dry_run(read_rows(five_hundred_rows()))
    assert report.bad_rows == tuple(sorted(BAD))
    assert {p.row: p.field for p in report.problems} == {n: f for n, (f, _) in BAD.items()}
    messages = {p.row: p.message for p in report.problems}
    assert "row 4" in messages[203] and "row 5" in messages[488]
    assert "belongs to asset" in messages[260] and "'Apple'" in messages[150]
    assert (report.total, report.ready, report.already) == (500, 490, ())
    assert world.backend.calls.get("create_asset", 1) == 1  # only the set-up's
    assert world.tags.events() == []
    assert world.backend.calls["find_any"] == 5  # 490 serials, 100 a search


def test_the_import_creates_the_good_rows_and_a_second_run_creates_none_again():
    world, existing = world_with_rt_serial()
    importer = IntakeImport(world.service(), concurrency=8)
    seen = []
    results = importer.run(read_rows(five_hundred_rows()), seen.append)
    by_state = {s: [r for r in results if r.state == s] for s in ("created", "failed")}
    assert len(by_state["created"]) == 490
    assert sorted(r.row for r in by_state["failed"]) == sorted(BAD)
    assert [r.row for r in results] == list(range(2, 502))
    assert seen[-1].done == seen[-1].total == 500 and seen[-1].created == 490
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    carriers = assets_by_serial(world.backend)
    assert all(len(assets) == 1 for assets in carriers.values())
    assert carriers["IN-RT-ALREADY"] == [existing]
    # The result file says what RT holds.
    table = list(csv.DictReader(io.StringIO("".join(iter_results_csv(results)))))
    for entry in (e for e in table if e["state"] == "created"):
        asset = world.backend.get_asset(int(entry["asset_id"]))
        assert (asset.name, asset.cf("Internal Name")) == (entry["tag"], entry["internal_name"])
    assert {e["row"] for e in table if e["error"]} == {str(n) for n in BAD}
    # Again: the same file skips what it imported and creates nothing.
    creates = world.backend.calls["create_asset"]
    again = importer.run(read_rows(five_hundred_rows()))
    assert sum(r.state == "skipped" for r in again) == 490
    assert world.backend.calls["create_asset"] == creates


class FailsAfter:
    """Wraps a backend so that creates fail from the n-th on (an import cut off midway)."""

    def __init__(self, backend, allowed: int) -> None:
        self._backend = backend
        self.allowed = allowed

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def create_asset(self, draft):
        if self.allowed <= 0:
            raise BackendUnavailable("RT at 127.0.0.1 could not be reached: Connection refused")
        self.allowed -= 1
        return self._backend.create_asset(draft)


def test_an_import_cut_off_midway_resumes_without_creating_anything_twice():
    world, _ = world_with_rt_serial()
    real = world.backend
    world.backend = FailsAfter(real, allowed=200)
    rows = read_rows(five_hundred_rows())
    first = IntakeImport(world.service(), concurrency=4).run(rows)
    assert sum(r.state == "created" for r in first) == 200
    world.backend = real
    second = IntakeImport(world.service(), concurrency=4).run(rows)
    assert sum(r.state == "skipped" for r in second) == 200
    assert sum(r.state == "created" for r in second) == 290
    assert all(len(a) == 1 for a in assets_by_serial(real).values())


def test_concurrency_is_bounded():
    world = memory_world()
    with pytest.raises(InvalidInput, match="between 1 and 16"):
        IntakeImport(world.service(), concurrency=0)
