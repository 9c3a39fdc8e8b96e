"""Label printers: Brother QL raster over TCP, and CUPS queues through ``lp``."""

from rtutils_adapters.printers.brother_ql import BrotherQLPrinter
from rtutils_adapters.printers.cups import CupsPrinter
from rtutils_adapters.printers.raster import RasterLabelRenderer

__all__ = ["BrotherQLPrinter", "CupsPrinter", "RasterLabelRenderer"]
