"""What a scan or a search names: a device, a person (RT user or roster student), or nothing."""

from rtutils_core.scans.values import Found, ScanFields, SearchResult

__all__ = ["Found", "ScanFields", "SearchResult"]
