"""The PRINTERS setting: each printer's name, kind, address, model and media."""

from __future__ import annotations

import pytest

from rtutils_core.errors import ConfigError
from rtutils_core.printing.printers import PrinterConfig, parse_printers

SPEC = (
    "desk=brother-ql,tcp://10.20.0.15:9100,QL-820NWB,62;"
    " loans = brother-ql , tcp://ql-loans.example.org , QL-810W , 29x90 ;"
    " office=cups,Brother_QL_820,QL-820NWB,29x90;"
    " remote=cups,print.example.org:631/Labels-2,QL-820NWB,62"
)


def test_a_full_spec_parses_in_order():
    printers = parse_printers(SPEC)
    assert list(printers) == ["desk", "loans", "office", "remote"]
    desk, loans, office, remote = printers.values()
    assert desk == PrinterConfig("desk", "brother-ql", "tcp://10.20.0.15:9100", "QL-820NWB", "62")
    assert (desk.host, desk.port, desk.template) == ("10.20.0.15", 9100, "large")
    assert (loans.host, loans.port, loans.template) == ("ql-loans.example.org", 9100, "small")
    assert (office.cups_server, office.cups_queue) == ("", "Brother_QL_820")
    assert (remote.cups_server, remote.cups_queue) == ("print.example.org:631", "Labels-2")


def test_ipv6_and_empty_specs():
    (printer,) = parse_printers("v6=brother-ql,tcp://[fd00::15]:9101,QL-820NWB,62").values()
    assert (printer.host, printer.port) == ("fd00::15", 9101)
    assert parse_printers("") == {}
    assert parse_printers(" ; ") == {}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("desk", "write it as 'name=kind,address,model,media'"),
        ("de sk=brother-ql,tcp://h:9100,QL-820NWB,62", "printer name 'de sk'"),
        ("desk=brother-ql,tcp://h:9100,62", "expected 4 values after 'desk='"),
        ("desk=zebra,tcp://h:9100,ZD421,62", "kind must be one of brother-ql, cups, not 'zebra'"),
        ("desk=brother-ql,tcp://h:9100,QL-820NWB,38", "media must be one of 62, 29x90, not '38'"),
        ("desk=brother-ql,h:9100,QL-820NWB,62", "looks like 'tcp://10.20.0.15:9100'"),
        ("desk=brother-ql,tcp://h:99999,QL-820NWB,62", "the port must be 1-65535"),
        ("desk=brother-ql,tcp://:9100,QL-820NWB,62", "has no valid host"),
        ("desk=brother-ql,tcp://h,,62", "model is empty"),
        ("desk=cups,my queue,QL-820NWB,62", "a cups address is a queue name"),
    ],
)
def test_a_bad_entry_is_refused_naming_it(entry, problem):
    spec = f"ok=cups,Labels,QL-820NWB,62; {entry}"
    with pytest.raises(ConfigError) as caught:
        parse_printers(spec)
    message = caught.value.message
    assert message.startswith(f"PRINTERS entry 2 ({entry!r}): ")
    assert problem in message


def test_a_name_listed_twice_is_refused():
    with pytest.raises(ConfigError, match="printer 'desk' is listed twice"):
        parse_printers("desk=cups,A,QL-820NWB,62;desk=cups,B,QL-820NWB,62")
