"""rtutils core: the pure domain of RequestTrackerUtils (standard library and attrs only)."""

from rtutils_core.assets import Asset, AssetChanges, AssetDraft, AssetPage, AssetQuery
from rtutils_core.errors import RtutilsError
from rtutils_core.tags import AssetTag, TagFormat, TagFormats

__version__ = "0.1.0"

__all__ = [
    "Asset",
    "AssetChanges",
    "AssetDraft",
    "AssetPage",
    "AssetQuery",
    "AssetTag",
    "RtutilsError",
    "TagFormat",
    "TagFormats",
]

from rtutils_core import moved as _moved

_moved.install()
