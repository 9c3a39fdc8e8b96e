"""Brother QL label printers on the network: brother_ql's raster language over TCP 9100.

The label is drawn at 300 dpi from the layout (:mod:`.raster`), cut to the printable area of
the stock, turned a quarter so the label's long side runs along the tape or die-cut label,
and converted to raster instructions by ``brother_ql.conversion.convert`` with a cut after
each label. One label is one raster document on one connection: a printer that fails part
way through a job loses at most the label it was taking.
"""

from __future__ import annotations

import logging

from brother_ql.conversion import convert
from brother_ql.labels import LabelsManager
from brother_ql.models import ModelsManager
from brother_ql.raster import BrotherQLRaster
from PIL import Image

from rtutils_adapters.printers.raster import RasterLabelRenderer
from rtutils_adapters.printers.tcp import probe, send_raw
from rtutils_core.errors import ConfigError, InvalidInput
from rtutils_core.geometry import LabelLayout
from rtutils_core.printing.ports import Delivery, PrinterState
from rtutils_core.printing.printers import PrinterConfig

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_SEND_TIMEOUT = 20.0

# brother_ql logs every raster step at INFO and a warning for each optional command; our
# own logs say what happened to the job.
logging.getLogger("brother_ql").setLevel(logging.ERROR)


def known_models() -> list[str]:
    """The printer models brother_ql can drive."""
    return list(ModelsManager().identifiers())


class BrotherQLPrinter:
    """:class:`~rtutils_core.printing.ports.Printer` for a Brother QL at ``tcp://host:port``."""

    def __init__(
        self,
        config: PrinterConfig,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        send_timeout: float = DEFAULT_SEND_TIMEOUT,
        renderer: RasterLabelRenderer | None = None,
        compress: bool = False,
    ) -> None:
        if config.model not in known_models():
            raise ConfigError(
                f"PRINTERS: printer {config.name!r} has model {config.model!r}, which is not a"
                f" Brother QL model brother_ql knows ({', '.join(known_models())})"
            )
        self._config = config
        self._model = ModelsManager()[config.model]
        self._label = LabelsManager()[config.media]
        self.connect_timeout = connect_timeout
        self.send_timeout = send_timeout
        self.renderer = renderer or RasterLabelRenderer()
        # brother_ql compresses rows in pure Python (packbits): about 0.1 s of CPU per 62 mm
        # label against 21 ms uncompressed, to send 28 KB instead of 110 KB. On a desk's
        # network the bigger send is the cheaper one, so compression is opt-in.
        self.compress = compress and self._model.compression

    @property
    def config(self) -> PrinterConfig:
        return self._config

    def image(self, layout: LabelLayout) -> Image.Image:
        """The label as the printer gets it: printable area only, turned to run along the stock."""
        if layout.template != self._config.template:
            raise InvalidInput(
                f"printer {self._config.name!r} holds {self._config.media_name}, which takes the"
                f" {self._config.template!r} label, not {layout.template!r}"
            )
        image = self.renderer.printable(layout).transpose(Image.Transpose.ROTATE_90)
        across, along = self._label.dots_printable
        if image.width != across or (along and image.height != along):
            raise InvalidInput(
                f"the {layout.template!r} label is {image.width} x {image.height} dots printable"
                f" but {self._config.media_name} print {across} dots across"
            )
        return image

    def raster(self, layout: LabelLayout) -> bytes:
        """The raster instructions of one label, cut after it."""
        qlr = BrotherQLRaster(self._model.identifier)
        data: bytes = convert(
            qlr,
            [self.image(layout)],
            self._config.media,
            cut=True,
            rotate=0,
            dither=False,
            compress=self.compress,
            red=False,
        )
        return data

    def print_label(self, layout: LabelLayout) -> Delivery:
        data = self.raster(layout)
        send_raw(
            self._config.name,
            self._config.host,
            self._config.port,
            data,
            connect_timeout=self.connect_timeout,
            send_timeout=self.send_timeout,
        )
        return Delivery(size=len(data))

    def state(self) -> PrinterState:
        problem = probe(self._config.host, self._config.port, self.connect_timeout)
        if problem:
            return PrinterState(self._config.name, False, f"not reachable: {problem}")
        return PrinterState(self._config.name, True, "accepts connections")
