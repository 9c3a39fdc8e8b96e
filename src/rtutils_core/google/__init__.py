"""The Google Admin sync of Chrome OS devices: devices, matching, the report, port and service."""

from rtutils_core.google.devices import (
    MAX_ANNOTATED_LOCATION,
    MAX_ANNOTATED_USER,
    AnnotationChanges,
    ChromeDevice,
    format_mac,
    normalise_mac,
    parse_macs,
)

__all__ = [
    "AnnotationChanges",
    "ChromeDevice",
    "MAX_ANNOTATED_LOCATION",
    "MAX_ANNOTATED_USER",
    "format_mac",
    "normalise_mac",
    "parse_macs",
]
