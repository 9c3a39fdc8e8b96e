"""Labels in the API: the body of a batch request."""

from __future__ import annotations

from attrs import frozen

from rtutils_core.assets import AssetQuery


@frozen
class QueryBody:
    catalog: str | None = None
    status: str | None = None
    name_prefix: str | None = None
    owner: str | None = None
    held_by: str | None = None
    custom_fields: dict[str, str] | None = None

    def to_query(self) -> AssetQuery:
        return AssetQuery(
            catalog=self.catalog,
            status=self.status,
            name_prefix=self.name_prefix,
            owner=self.owner,
            held_by=self.held_by,
            custom_fields=self.custom_fields or {},
        )


@frozen
class BatchBody:
    tags: list[str] | None = None
    asset_ids: list[int] | None = None
    query: QueryBody | None = None
    template: str | None = None
    allow_missing: bool = False
