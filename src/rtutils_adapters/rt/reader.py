"""The asset reader every part of the RT backend shares: assets, searches, people, catalogs.

One per backend: it holds the HTTP client (one session pool) and the metadata cache, and
reads each answer once, as :mod:`~rtutils_adapters.rt.wire` values. What RT does silently,
it checks: custom-field names are checked against the catalog before a search, and every
search answer is checked against the question.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote as quote_path

from rtutils_adapters.rt import assetsql, people, wire
from rtutils_adapters.rt.client import RTClient
from rtutils_adapters.rt.metadata import MetadataCache
from rtutils_core.assets import (
    MAX_PER_PAGE,
    Asset,
    AssetPage,
    AssetQuery,
    Catalog,
    User,
    check_custom_field_names,
    page_size,
)
from rtutils_core.errors import (
    AssetNotFound,
    InvalidInput,
    UntrustworthyResult,
    UserNotFound,
)
from rtutils_core.loans import AssetState

T = TypeVar("T")

log = logging.getLogger("rtutils.rt")


class RTReader:
    """Reads one RT through ``client``; catalogs and fields kept ``cache_seconds``. Thread-safe."""

    def __init__(self, client: RTClient, link_url: str, cache_seconds: float) -> None:
        self.client = client
        self.link_url = link_url
        self.metadata = MetadataCache(self._load_catalogs, self._load_fields, cache_seconds)

    def asset_url(self, asset_id: int) -> str:
        return f"{self.link_url}/Asset/Display.html?id={asset_id}"

    # -- one asset ---------------------------------------------------------------------

    def read_state(self, asset_id: int) -> AssetState:
        """The asset with what RT's answer tells besides: its lifecycle moves and tickets."""
        what = f"asset {asset_id}"
        reply = self.client.get(
            f"/asset/{int(asset_id)}",
            {"fields[Catalog]": "Name"},
            what=what,
            on_404=AssetNotFound(f"asset {asset_id} does not exist"),
        )
        record = wire.structure(reply.data, wire.AssetRecord, what)
        return wire.to_asset_state(record, self.metadata.catalog_name, reply.etag)

    def get_asset(self, asset_id: int) -> Asset:
        return self.read_state(asset_id).asset

    # -- searches ----------------------------------------------------------------------

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        per_page = page_size(page, per_page)
        sql = self.checked_sql(query)
        kept, dropped, answer = self.search_page(query, sql, page, per_page)
        # What this page proves is there; a page past the end proves nothing.
        seen = (page - 1) * per_page + len(kept) if kept else 0
        if answer.total is not None:
            # Near misses dropped on this page are not counted; on other pages they may be.
            total = max(answer.total - dropped, seen)
        else:  # RT hides the total from users who may not see every asset
            more = 1 if answer.count >= per_page else 0
            total = seen + more
        return AssetPage(kept, page, per_page, total)

    def iter_assets(self, query: AssetQuery, *, people: bool = True) -> Iterator[Asset]:
        sql = self.checked_sql(query)
        fields = wire.search_fields(people or query.names_a_person)
        seen: set[int] = set()
        for page in range(1, 1_000_000):
            kept, _, answer = self.search_page(query, sql, page, MAX_PER_PAGE, fields)
            for asset in kept:
                if asset.id not in seen:  # an asset may move pages while we read
                    seen.add(asset.id)
                    yield asset
            if answer.is_last(page):
                return

    def checked_sql(self, query: AssetQuery) -> str:
        """``query`` as AssetSQL, once its catalog and custom-field names are known to RT."""
        if query.catalog is not None:
            self.metadata.catalog(query.catalog)
        self.check_fields(query.custom_fields, query.catalog)
        return assetsql.build(query)

    def search_records(
        self, sql: str, page: int, per_page: int, fields: str = wire.ASSET_FIELDS
    ) -> wire.Page[wire.AssetRecord]:
        """One page of RT's answer to the AssetSQL ``sql``, ordered by id."""
        params = {
            "query": sql,
            "page": page,
            "per_page": per_page,
            "fields": fields,
            "fields[Catalog]": "Name",
            "orderby": "id",
            "order": "ASC",
        }
        reply = self.client.get("/assets", params, what="the asset search")
        return wire.structure(reply.data, wire.Page[wire.AssetRecord], "the asset search")

    def search_page(
        self, query: AssetQuery, sql: str, page: int, per_page: int, fields: str = wire.ASSET_FIELDS
    ) -> tuple[list[Asset], int, wire.Page[wire.AssetRecord]]:
        """The assets of one page that match ``query`` exactly, how many matched only by
        RT's looser comparison (dropped), and the page; an asset that does not match at all
        means RT ignored part of the search: :class:`UntrustworthyResult`."""
        answer = self.search_records(sql, page, per_page, fields)
        kept: list[Asset] = []
        dropped = 0
        for record in answer.items:
            asset = wire.to_asset(record, self.metadata.catalog_name)
            match, broken = assetsql.classify(query, asset, record.cf_values())
            if match is assetsql.Match.FOREIGN:
                # The caller learns that RT misread the search, not another asset's name
                # or the AssetSQL; the operator finds both in the log.
                log.warning(
                    "rt_search_untrustworthy",
                    extra={"query": sql, "asset_id": asset.id, "mismatch": broken},
                )
                raise UntrustworthyResult(
                    "RT answered the search with an asset that does not match it (RT ignored"
                    " part of the search), so nothing is returned"
                )
            if match is assetsql.Match.EXACT:
                kept.append(asset)
            else:
                dropped += 1
        return kept, dropped, answer

    def check_fields(self, names: Iterable[str], catalog: str | None) -> None:
        """Refuse custom-field names not applied to ``catalog`` (to any catalog if None)."""
        names = list(names)
        if not names:
            return
        scope = f"catalog {catalog!r}" if catalog is not None else "any catalog"

        def applied(fresh: bool) -> Iterable[str]:
            if catalog is None:
                return self.metadata.all_custom_fields(fresh=fresh)
            return self.metadata.custom_fields(catalog, fresh=fresh)

        known = set(applied(False))
        if not known.issuperset(names):  # applied since we last looked?
            known = set(applied(True))
        check_custom_field_names(names, known, scope)

    # -- people ------------------------------------------------------------------------

    def get_user(self, name: str) -> User:
        if not name.strip():
            raise InvalidInput("a user name or e-mail address is needed")
        record = None
        # /user/{x} reads an all-digit x as an id and cannot carry a slash: search those.
        if name.isdigit() or "/" in name:
            record = self._find_user("Name", name)
        else:
            try:
                reply = self.client.get(
                    f"/user/{quote_path(name, safe='')}",
                    what=f"user {name!r}",
                    on_404=UserNotFound(name),
                )
                record = wire.structure(reply.data, wire.UserRecord, f"user {name!r}")
            except UserNotFound:
                record = None
        if record is None and "@" in name:
            record = self._find_user("EmailAddress", name)
        if record is None:
            raise UserNotFound(f"user {name!r} does not exist in RT")
        if name.casefold() not in (record.name.casefold(), record.email.casefold()):
            raise UntrustworthyResult(f"RT answered a look-up of {name!r} with {record.name!r}")
        return wire.to_user(record)

    def find_people(self, names_or_emails: Sequence[str]) -> Mapping[str, User]:
        found = people.find_people(self.collect, names_or_emails)
        return {value: wire.to_user(record) for value, record in found.items()}

    def user_name(self, name: str, role: str) -> str:
        """The login name of the user ``name`` stands for, to be put in ``role``."""
        try:
            return self.get_user(name).name
        except UserNotFound:
            raise InvalidInput(f"{role} {name!r} is not a user in RT") from None

    def _find_user(self, field: str, value: str) -> wire.UserRecord | None:
        condition = json.dumps([{"field": field, "operator": "=", "value": value}])
        params = {"query": condition, "fields": "id,Name,RealName,EmailAddress"}
        for record in self.collect("/users", params, wire.UserRecord, f"user {value!r}"):
            # The JSON search ignores conditions it does not know: check every answer.
            if getattr(record, _USER_ATTR[field]).casefold() == value.casefold():
                return record
        return None

    # -- collections and catalogs ------------------------------------------------------

    def collect(self, path: str, params: Mapping[str, Any], cls: type[T], what: str) -> list[T]:
        """Every item of a collection, page after page."""
        items: list[T] = []
        for page in range(1, 1_000_000):
            query = {**params, "page": page, "per_page": MAX_PER_PAGE}
            reply = self.client.get(path, query, what=what)
            answer = wire.structure(reply.data, wire.Page[cls], what)  # type: ignore[valid-type]
            items.extend(answer.items)
            if answer.is_last(page):
                break
        return items

    def _load_catalogs(self) -> list[Catalog]:
        params = {"fields": "Name,Description,Disabled"}
        records = self.collect("/catalogs/all", params, wire.CatalogRecord, "the catalog list")
        return sorted(
            (wire.to_catalog(r) for r in records if r.disabled != "1"),
            key=lambda catalog: catalog.id,
        )

    def _load_fields(self, catalog: Catalog) -> tuple[str, ...]:
        what = f"the custom fields of catalog {catalog.name!r}"
        params = {"fields": "Name,Disabled,LookupType"}
        path = f"/catalog/{catalog.id}/customfields"
        return wire.asset_field_names(self.collect(path, params, wire.CustomFieldRecord, what))


_USER_ATTR = {"Name": "name", "EmailAddress": "email"}
