"""Printing through CUPS: the label's PDF, at the label's own page size, handed to ``lp``.

The PDF is the same one the browser shows (:class:`PdfLabelRenderer`); the page size is asked
for as a custom media size, so the queue prints it 1:1 on its label stock. Only the CUPS
client programs are needed (Debian's ``cups-client``), no C build.
"""

from __future__ import annotations

import io
import re
import subprocess

from rtutils_adapters.pdf import PdfLabelRenderer
from rtutils_core.errors import InvalidInput, PrintFailed
from rtutils_core.geometry import LabelLayout
from rtutils_core.printing.ports import Delivery, PrinterState
from rtutils_core.printing.printers import PrinterConfig

DEFAULT_TIMEOUT = 30.0
#: ``lp`` answers "request id is labels-12 (1 file(s))", translated by locale; the id is not.
_REQUEST_ID = re.compile(r"(\S+-\d+)")


class CupsPrinter:
    """:class:`~rtutils_core.printing.ports.Printer` for a CUPS queue (`queue`, `server/queue`)."""

    def __init__(
        self,
        config: PrinterConfig,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        renderer: PdfLabelRenderer | None = None,
        lp: str = "lp",
        lpstat: str = "lpstat",
    ) -> None:
        self._config = config
        self.timeout = timeout
        self.renderer = renderer or PdfLabelRenderer()
        self._lp, self._lpstat = lp, lpstat

    @property
    def config(self) -> PrinterConfig:
        return self._config

    def _server(self) -> list[str]:
        server = self._config.cups_server
        return ["-h", server] if server else []

    def _where(self) -> str:
        server = self._config.cups_server or "the local CUPS"
        return f"printer {self._config.name!r} (queue {self._config.cups_queue!r} on {server})"

    def pdf(self, layout: LabelLayout) -> bytes:
        """The label as a one-page PDF at its own size."""
        if layout.template != self._config.template:
            raise InvalidInput(
                f"printer {self._config.name!r} holds {self._config.media_name}, which takes the"
                f" {self._config.template!r} label, not {layout.template!r}"
            )
        out = io.BytesIO()
        self.renderer.render_pdf([layout], out)
        return out.getvalue()

    def print_label(self, layout: LabelLayout) -> Delivery:
        data = self.pdf(layout)
        title = layout.texts().get("tag", "label")
        args = [
            self._lp,
            *self._server(),
            "-d",
            self._config.cups_queue,
            "-o",
            f"media=Custom.{layout.width_mm:g}x{layout.height_mm:g}mm",
            "-t",
            title,
            "-",
        ]
        done = self._run(args, data)
        if done.returncode != 0:
            said = _said(done) or f"lp exited with status {done.returncode}"
            raise PrintFailed(f"{self._where()} refused the label: {said}")
        found = _REQUEST_ID.search(done.stdout.decode(errors="replace"))
        return Delivery(size=len(data), printer_job=found.group(1) if found else "")

    def state(self) -> PrinterState:
        args = [self._lpstat, *self._server(), "-p", self._config.cups_queue]
        try:
            done = self._run(args, b"")
        except PrintFailed as exc:
            return PrinterState(self._config.name, False, exc.message)
        said = _said(done)
        if done.returncode != 0:
            return PrinterState(self._config.name, False, said or "lpstat failed")
        return PrinterState(self._config.name, "disabled" not in said, said)

    def _run(self, args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(  # noqa: S603 - fixed program, arguments from configuration
                args, input=data, capture_output=True, timeout=self.timeout, check=False
            )
        except FileNotFoundError:
            raise PrintFailed(
                f"{self._where()}: {args[0]!r} is not installed (Debian package cups-client)"
            ) from None
        except subprocess.TimeoutExpired:
            raise PrintFailed(
                f"{self._where()} did not take the label within {self.timeout:g} s"
            ) from None


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    text = (done.stderr or done.stdout).decode(errors="replace")
    return " ".join(text.split())
