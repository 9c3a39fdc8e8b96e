"""``RTRestBackend``: the :class:`~rtutils_core.assets.ports.AssetBackend` port over RT's REST 2.0.

What RT does silently, this adapter checks: custom-field names are checked against the
catalog before a search or a write, every search answer is checked against the question,
and every write is read back and compared, so that a change RT skipped is reported instead
of assumed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote as quote_path

import attrs

from rtutils_adapters.rt import any_search, assetsql, people, wire
from rtutils_adapters.rt.address import without_credentials
from rtutils_adapters.rt.client import RTClient
from rtutils_adapters.rt.loans import RTLoanMethods
from rtutils_adapters.rt.metadata import MetadataCache
from rtutils_adapters.rt.readback import unapplied
from rtutils_adapters.rt.user_fields import RTUserFieldMethods
from rtutils_core.assets import (
    Asset,
    AssetChanges,
    AssetDraft,
    AssetPage,
    AssetQuery,
    Catalog,
    TicketDraft,
    User,
    check_custom_field_names,
)
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    BackendUnavailable,
    InvalidInput,
    UntrustworthyResult,
    UserNotFound,
)
from rtutils_core.secrets import Secret

T = TypeVar("T")

#: RT's cap on ``per_page``; also the page size of every bulk read.
MAX_PER_PAGE = 100


log = logging.getLogger("rtutils.rt")


class RTRestBackend(RTLoanMethods, any_search.IntakeSearches, RTUserFieldMethods):
    """Assets, users, catalogs and tickets in one RT 5, through REST 2.0. Thread-safe."""

    def __init__(
        self,
        rt_url: str,
        token: Secret,
        *,
        api_url: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        cache_seconds: float = 300.0,
        retries: int = 2,
        backoff: float = 0.5,
        pool_size: int = 10,
        sessions: bool = True,
    ) -> None:
        self.rt_url = rt_url.rstrip("/")
        # Links to RT's pages are shown and printed: never with a user:password@ in them.
        self.link_url = without_credentials(self.rt_url)
        self.client = RTClient(
            api_url or self.rt_url + "/REST/2.0",
            token,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries=retries,
            backoff=backoff,
            pool_size=pool_size,
            web_url=self.rt_url,
            sessions=sessions,
        )
        self.metadata = MetadataCache(self._load_catalogs, self._load_fields, cache_seconds)

    def __repr__(self) -> str:
        return f"RTRestBackend({self.link_url!r})"

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent to RT so far (for benchmarks and tests)."""
        return self.client.requests_sent

    def refresh_metadata(self) -> None:
        """Forget cached catalogs and custom fields; the next use reads them from RT."""
        self.metadata.refresh()

    def warm_metadata(self) -> int:
        """Read every catalog and its custom fields into the cache now; return the catalogs.

        A service calls this at start-up (in the background), so that its first search or
        write does not wait for these reads.
        """
        self.metadata.all_custom_fields()
        return len(self.metadata.catalogs())

    def close(self) -> None:
        self.client.close()

    # -- reading -----------------------------------------------------------------------

    def ping(self) -> None:
        reply = self.client.get("/rt", what="the connection check")
        if not isinstance(reply.data, Mapping) or "Version" not in reply.data:
            raise BackendUnavailable(
                "the server at RT_URL answered, but not like RT's REST 2.0; check API_ENDPOINT"
            )

    def asset_url(self, asset_id: int) -> str:
        return f"{self.link_url}/Asset/Display.html?id={asset_id}"

    def get_asset(self, asset_id: int) -> Asset:
        return self._read_asset(asset_id)[0]

    def _read_asset(self, asset_id: int) -> tuple[Asset, Any]:
        """The asset and RT's whole answer (its hyperlinks say more than the asset)."""
        what = f"asset {asset_id}"
        reply = self.client.get(
            f"/asset/{int(asset_id)}",
            {"fields[Catalog]": "Name"},
            what=what,
            on_404=AssetNotFound(f"asset {asset_id} does not exist"),
        )
        record = wire.structure(reply.data, wire.AssetRecord, what)
        return wire.to_asset(record, self.metadata.catalog_name, reply.etag), reply.data

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        if page < 1 or per_page < 1:
            raise InvalidInput("page and per_page must be 1 or more")
        per_page = min(per_page, MAX_PER_PAGE)
        sql = self._checked_sql(query)
        kept, dropped, answer = self._search_page(query, sql, page, per_page)
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
        sql = self._checked_sql(query)
        fields = wire.search_fields(people or query.names_a_person)
        seen: set[int] = set()
        for page in range(1, 1_000_000):
            kept, _, answer = self._search_page(query, sql, page, MAX_PER_PAGE, fields)
            for asset in kept:
                if asset.id not in seen:  # an asset may move pages while we read
                    seen.add(asset.id)
                    yield asset
            if answer.is_last(page):
                return

    def _checked_sql(self, query: AssetQuery) -> str:
        if query.catalog is not None:
            self.metadata.catalog(query.catalog)
        self._check_fields(query.custom_fields, query.catalog)
        return assetsql.build(query)

    def _search_page(
        self, query: AssetQuery, sql: str, page: int, per_page: int, fields: str = wire.ASSET_FIELDS
    ) -> tuple[list[Asset], int, wire.Page[wire.AssetRecord]]:
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
        answer = wire.structure(reply.data, wire.Page[wire.AssetRecord], "the asset search")
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
        found = people.find_people(self._collect, names_or_emails)
        return {value: wire.to_user(record) for value, record in found.items()}

    def _find_user(self, field: str, value: str) -> wire.UserRecord | None:
        condition = json.dumps([{"field": field, "operator": "=", "value": value}])
        params = {"query": condition, "fields": "id,Name,RealName,EmailAddress"}
        for record in self._collect("/users", params, wire.UserRecord, f"user {value!r}"):
            # The JSON search ignores conditions it does not know: check every answer.
            if getattr(record, _USER_ATTR[field]).casefold() == value.casefold():
                return record
        return None

    def list_catalogs(self) -> Sequence[Catalog]:
        return list(self.metadata.catalogs())

    def catalog_custom_fields(self, catalog: str) -> Sequence[str]:
        return self.metadata.custom_fields(catalog)

    def _load_catalogs(self) -> list[Catalog]:
        params = {"fields": "Name,Description,Disabled"}
        records = self._collect("/catalogs/all", params, wire.CatalogRecord, "the catalog list")
        return sorted(
            (wire.to_catalog(r) for r in records if r.disabled != "1"),
            key=lambda catalog: catalog.id,
        )

    def _load_fields(self, catalog: Catalog) -> tuple[str, ...]:
        what = f"the custom fields of catalog {catalog.name!r}"
        params = {"fields": "Name,Disabled,LookupType"}
        path = f"/catalog/{catalog.id}/customfields"
        return wire.asset_field_names(self._collect(path, params, wire.CustomFieldRecord, what))

    def _collect(self, path: str, params: Mapping[str, Any], cls: type[T], what: str) -> list[T]:
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

    def _check_fields(self, names: Iterable[str], catalog: str | None) -> None:
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

    # -- writing -----------------------------------------------------------------------

    def _user_name(self, name: str, role: str) -> str:
        try:
            return self.get_user(name).name
        except UserNotFound:
            raise InvalidInput(f"{role} {name!r} is not a user in RT") from None

    def create_asset(self, draft: AssetDraft) -> Asset:
        catalog = self.metadata.catalog(draft.catalog)
        self._check_fields(draft.custom_fields, catalog.name)
        owner = self._user_name(draft.owner, "owner") if draft.owner else None
        body = wire.create_asset_body(attrs.evolve(draft, owner=owner))
        body["Catalog"] = catalog.id  # the id: a catalog may be named like a number
        reply = self.client.post("/asset", body, what=f"creating asset {draft.name!r}")
        created = wire.structure(reply.data, wire.Created, "creating an asset")
        asset = self.get_asset(created.id)
        expected = AssetChanges(
            name=draft.name,
            status=draft.status,
            owner=owner or "",
            custom_fields={k: v for k, v in draft.custom_fields.items() if v},
        )
        missing = unapplied(expected, asset)
        if missing:
            raise BackendRejected(
                f"RT created asset {asset.id} ({asset.name!r}) but did not store its"
                f" {', '.join(missing)}; correct it at {self.asset_url(asset.id)}"
            )
        return asset

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        if changes.is_empty():
            current = self.get_asset(asset_id)
            if if_version is not None and if_version != current.version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            return current
        # Check what can be checked first, so that a refused change writes nothing.
        if changes.owner:
            changes = attrs.evolve(changes, owner=self._user_name(changes.owner, "owner"))
        if changes.held_by is not None:
            held = tuple(self._user_name(n, "holder") for n in changes.held_by)
            changes = attrs.evolve(changes, held_by=held)
        if changes.custom_fields is not None:
            self._check_fields(changes.custom_fields, self.get_asset(asset_id).catalog)
        rest = attrs.evolve(changes, status=None)
        if changes.status is None or rest.is_empty():
            return self._put(asset_id, changes, if_version)
        # RT applies the other fields even when it refuses a status (lifecycle rules only it
        # knows), so the status goes first, alone: if it is refused, nothing was written.
        moved = self._put(asset_id, AssetChanges(status=changes.status), if_version)
        return self._put(asset_id, rest, moved.version if if_version is not None else None)

    def _put(self, asset_id: int, changes: AssetChanges, if_version: str | None) -> Asset:
        what = f"the update of asset {asset_id}"
        reply = self.client.put(
            f"/asset/{int(asset_id)}",
            wire.update_asset_body(changes),
            what=what,
            if_match=if_version,
            on_404=AssetNotFound(f"asset {asset_id} does not exist"),
        )
        if reply.status == 412:
            if reply.attempts > 1:  # an earlier try may have landed before its answer was lost
                asset = self.get_asset(asset_id)
                if not unapplied(changes, asset):
                    return asset
            raise AssetChanged(
                f"asset {asset_id} changed in RT since it was read; read it again and retry"
            )
        # RT answers 200 with a list of messages whether or not it applied anything.
        messages = [str(m) for m in reply.data] if isinstance(reply.data, list) else []
        asset = self.get_asset(asset_id)
        missing = unapplied(changes, asset)
        if missing:
            said = "; ".join(messages) or "no reason given"
            raise BackendRejected(
                f"RT did not change the {', '.join(missing)} of asset {asset_id}: {said}"
            )
        return asset

    def create_ticket(self, draft: TicketDraft) -> int:
        if draft.asset_id is not None:
            self.get_asset(draft.asset_id)  # a link to a missing asset would be dropped
        body = wire.create_ticket_body(draft)
        what = f"creating a ticket in queue {draft.queue!r}"
        reply = self.client.post("/ticket", body, what=what)
        ticket_id = wire.structure(reply.data, wire.Created, what).id
        if draft.asset_id is not None:
            got = self.client.get(f"/ticket/{ticket_id}", what=f"ticket {ticket_id}")
            ticket = wire.structure(got.data, wire.TicketRecord, f"ticket {ticket_id}")
            if not wire.links_to_asset(ticket, draft.asset_id):
                raise BackendRejected(
                    f"RT created ticket {ticket_id} but did not link it to asset"
                    f" {draft.asset_id}; link them in RT"
                )
        return ticket_id


_USER_ATTR = {"Name": "name", "EmailAddress": "email"}
