"""Asset tags: values, sequences and their ledger, the tag store port, service, automatic tags."""

from rtutils_core.tags.values import (
    MAX_DIGITS,
    MIN_DIGITS,
    AssetTag,
    TagFormat,
    TagFormats,
    validate_prefix,
)

__all__ = [
    "AssetTag",
    "MAX_DIGITS",
    "MIN_DIGITS",
    "TagFormat",
    "TagFormats",
    "validate_prefix",
]
