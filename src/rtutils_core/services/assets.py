"""Looking up and searching assets."""

from __future__ import annotations

from attrs import define

from rtutils_core.assets import Asset, AssetPage, AssetQuery
from rtutils_core.errors import InvalidInput, TagNotFound, UntrustworthyResult
from rtutils_core.ports import AssetBackend
from rtutils_core.tags import TagFormats

MAX_PER_PAGE = 100


@define
class AssetService:
    backend: AssetBackend
    tag_formats: TagFormats

    def get(self, asset_id: int) -> Asset:
        if asset_id < 1:
            raise InvalidInput(f"asset id must be a positive whole number, not {asset_id}")
        return self.backend.get_asset(asset_id)

    def by_tag(self, text: str) -> Asset:
        """The one asset whose Name is the tag ``text`` (as typed or scanned)."""
        tag = str(self.tag_formats.parse(text))
        found = self.backend.search_assets(AssetQuery(name=tag), per_page=2)
        matches = [a for a in found.items if a.name == tag]
        if not matches:
            raise TagNotFound(f"no asset carries the tag {tag!r}")
        if len(matches) > 1 or found.total > 1:
            ids = ", ".join(str(a.id) for a in matches)
            raise UntrustworthyResult(f"tag {tag!r} is carried by more than one asset ({ids})")
        return matches[0]

    def search(self, query: AssetQuery, page: int = 1, per_page: int = 20) -> AssetPage:
        if page < 1:
            raise InvalidInput(f"page must be 1 or more, not {page}")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidInput(f"per_page must be between 1 and {MAX_PER_PAGE}, not {per_page}")
        return self.backend.search_assets(query, page=page, per_page=per_page)

    def url(self, asset_id: int) -> str:
        return self.backend.asset_url(asset_id)
