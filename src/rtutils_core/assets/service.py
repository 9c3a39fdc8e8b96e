"""Looking up and searching assets."""

from __future__ import annotations

from attrs import define

from rtutils_core.assets.ports import AssetBackend
from rtutils_core.assets.values import Asset, AssetPage, AssetQuery
from rtutils_core.errors import InvalidInput, TagNotFound, UntrustworthyResult
from rtutils_core.tags import TagFormats

MAX_PER_PAGE = 100


def find_carriers(backend: AssetBackend, tag: str) -> list[Asset]:
    """Every asset whose Name is ``tag``, whitespace around the Name ignored.

    RT's ``Name =`` misses ``"W12-00042 "`` (typed into RT by hand), so this searches for
    Names starting with the tag and compares the stripped Names itself. An answer with any
    Name that does not start with the tag means the backend ignored the condition: then
    "nobody carries it" would be a guess, so that is :class:`UntrustworthyResult`.
    """
    carriers = []
    for asset in backend.iter_assets(AssetQuery(name_prefix=tag)):
        # RT compares without regard to case; anything looser is not an answer to the question.
        if not asset.name.casefold().startswith(tag.casefold()):
            raise UntrustworthyResult(
                f"the backend answered a search for the Name {tag!r} with other assets"
            )
        if asset.name.strip() == tag:
            carriers.append(asset)
    return carriers


@define
class AssetService:
    backend: AssetBackend
    tag_formats: TagFormats

    def get(self, asset_id: int) -> Asset:
        if asset_id < 1:
            raise InvalidInput(f"asset id must be a positive whole number, not {asset_id}")
        return self.backend.get_asset(asset_id)

    def by_tag(self, text: str) -> Asset:
        """The one asset whose Name is the tag ``text`` (as typed or scanned).

        Tags of a configured prefix are found in any width, so the old tool's ``W12-1001``
        labels scan too; a Name with stray whitespace around it still counts.
        """
        tag = str(self.tag_formats.parse_lenient(text))
        matches = find_carriers(self.backend, tag)
        if not matches:
            raise TagNotFound(f"no asset carries the tag {tag!r}")
        if len(matches) > 1:
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
