"""Label printers: how each is configured, and the port through which labels reach it.

``PRINTERS`` lists the printers by name, entries separated by ``;``, each
``name=kind,address,model,media``::

    desk=brother-ql,tcp://10.20.0.15:9100,QL-820NWB,62; office=cups,Brother_QL,QL-820NWB,29x90

``kind`` is ``brother-ql`` (raster straight to the printer's TCP port) or ``cups`` (a PDF at the
label's size through ``lp``). A Brother QL's address is ``tcp://host[:port]`` (port 9100 by
default); a CUPS address is a queue name, or ``server/queue`` for a CUPS server other than the
local one (``server`` is ``host:port`` or the path of cupsd's socket). ``media`` is the stock
in the printer: ``62`` (62 mm endless tape, the ``large`` label) or ``29x90`` (DK-11201 die-cut,
the ``small`` label).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from attrs import frozen

from rtutils_core.errors import ConfigError
from rtutils_core.labels import LARGE, SMALL

PrinterKind = Literal["brother-ql", "cups"]
KINDS: tuple[PrinterKind, ...] = ("brother-ql", "cups")
Media = Literal["62", "29x90"]
#: Which label template prints on which stock.
TEMPLATE_FOR_MEDIA: Mapping[str, str] = {"62": LARGE, "29x90": SMALL}
MEDIA_NAMES: Mapping[str, str] = {
    "62": "62 mm endless tape",
    "29x90": "29 x 90 mm die-cut labels",
}
DEFAULT_BROTHER_PORT = 9100

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_HOST_RE = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)$")
# CUPS queue names: printable characters except space, '/', '#' and '\' (lpadmin(8)).
_QUEUE_RE = re.compile(r"^[^\s/#\\]{1,127}$")


@frozen
class PrinterConfig:
    """One configured printer. ``address`` is as given; see :attr:`host` and friends."""

    name: str
    kind: PrinterKind
    address: str
    model: str
    media: Media

    @property
    def template(self) -> str:
        """The label template that fits the printer's stock."""
        return TEMPLATE_FOR_MEDIA[self.media]

    @property
    def media_name(self) -> str:
        return MEDIA_NAMES[self.media]

    @property
    def host(self) -> str:
        """A Brother QL's host name or address (without brackets for IPv6)."""
        return _split_tcp(self.address)[0]

    @property
    def port(self) -> int:
        """A Brother QL's TCP port."""
        return _split_tcp(self.address)[1]

    @property
    def cups_server(self) -> str:
        """The CUPS server of a ``cups`` printer ("" for the local default)."""
        server, _, _ = self.address.rpartition("/")
        return server

    @property
    def cups_queue(self) -> str:
        return self.address.rpartition("/")[2]


def _split_tcp(address: str) -> tuple[str, int]:
    rest = address.removeprefix("tcp://")
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        port = tail.removeprefix(":")
    else:
        host, _, port = rest.partition(":")
    return host, int(port) if port else DEFAULT_BROTHER_PORT


def parse_printers(spec: str, variable: str = "PRINTERS") -> dict[str, PrinterConfig]:
    """The printers of a ``PRINTERS`` value, by name, in the order given.

    Raises :class:`ConfigError` naming ``variable``, the entry and what is wrong with it.
    """
    printers: dict[str, PrinterConfig] = {}
    entries = [e.strip() for e in spec.replace("\n", ";").split(";")]
    for number, entry in enumerate((e for e in entries if e), start=1):
        try:
            printer = _parse_entry(entry)
        except ValueError as exc:
            raise ConfigError(f"{variable} entry {number} ({entry!r}): {exc}") from None
        if printer.name in printers:
            raise ConfigError(
                f"{variable} entry {number} ({entry!r}): printer {printer.name!r} is listed twice"
            )
        printers[printer.name] = printer
    return printers


def _parse_entry(entry: str) -> PrinterConfig:
    name, sep, rest = entry.partition("=")
    name = name.strip()
    if not sep:
        raise ValueError("write it as 'name=kind,address,model,media'")
    if not _NAME_RE.match(name):
        raise ValueError(
            f"printer name {name!r} must be 1-64 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit"
        )
    parts = [p.strip() for p in rest.split(",")]
    if len(parts) != 4:
        raise ValueError(
            f"expected 4 values after '{name}=' (kind,address,model,media), found {len(parts)}"
        )
    kind, address, model, media = parts
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if media not in TEMPLATE_FOR_MEDIA:
        raise ValueError(f"media must be one of {', '.join(TEMPLATE_FOR_MEDIA)}, not {media!r}")
    if not model:
        raise ValueError("model is empty (for example QL-820NWB)")
    if kind == "brother-ql":
        _check_tcp(address)
    else:
        _check_cups(address)
    return PrinterConfig(name, kind, address, model, media)  # type: ignore[arg-type]


def _check_tcp(address: str) -> None:
    example = "tcp://10.20.0.15:9100"
    if not address.startswith("tcp://"):
        raise ValueError(f"a brother-ql address looks like {example!r}, not {address!r}")
    rest = address.removeprefix("tcp://")
    if rest.startswith("["):
        host, close, tail = rest.partition("]")
        host += close
        port = tail.removeprefix(":")
    else:
        host, _, port = rest.partition(":")
    if not host or not _HOST_RE.match(host):
        raise ValueError(f"address {address!r} has no valid host (like {example!r})")
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError(f"address {address!r}: the port must be 1-65535, not {port!r}")


def _check_cups(address: str) -> None:
    _, _, queue = address.rpartition("/")
    if not _QUEUE_RE.match(queue):
        raise ValueError(
            f"a cups address is a queue name (or server/queue), not {address!r}: no spaces,"
            " '#' or '\\' in the queue name"
        )
