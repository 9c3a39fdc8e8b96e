"""PDF labels: vector QR and Code 128, embedded TrueType fonts, streamed page by page."""

from rtutils_adapters.pdf.fonts import FontSet
from rtutils_adapters.pdf.renderer import PdfLabelMetrics, PdfLabelRenderer

__all__ = ["FontSet", "PdfLabelMetrics", "PdfLabelRenderer"]
