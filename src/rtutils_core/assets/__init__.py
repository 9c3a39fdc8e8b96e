"""Assets: the values (assets, queries, pages, drafts), the backend port and the look-up service."""

from rtutils_core.assets.values import (
    ASSET_STATUSES,
    MAX_PER_PAGE,
    MAX_QUERY_IDS,
    MAX_QUERY_NAMES,
    TEXT_FIELDS,
    Asset,
    AssetChanges,
    AssetDraft,
    AssetPage,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
    check_custom_field_names,
    page_size,
)

__all__ = [
    "ASSET_STATUSES",
    "Asset",
    "AssetChanges",
    "AssetDraft",
    "AssetPage",
    "AssetQuery",
    "Catalog",
    "MAX_PER_PAGE",
    "MAX_QUERY_IDS",
    "MAX_QUERY_NAMES",
    "TEXT_FIELDS",
    "TicketDraft",
    "User",
    "check_custom_field_names",
    "page_size",
]
