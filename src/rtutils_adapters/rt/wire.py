"""RT REST 2.0's JSON shapes and the private cattrs converter between them and the domain.

Raw RT dicts stop here: every other module of the adapter reads RT's answers as the values
this module makes of them, and the core gets only its own values. The record classes below
hold just the keys rtutils reads; RT sends many more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
import cattrs
from attrs import frozen
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from rtutils_core.assets import Asset, AssetChanges, AssetDraft, Catalog, TicketDraft, User
from rtutils_core.errors import BackendUnavailable, UntrustworthyResult
from rtutils_core.loans import AssetState

T = TypeVar("T")

#: RT's user for "no owner".
NOBODY = "Nobody"

#: Custom fields of assets, as opposed to fields of the catalog record itself.
ASSET_LOOKUP_TYPE = "RT::Catalog-RT::Asset"

#: What a collection request inlines for every asset: all that look-ups need.
ASSET_FIELDS = "Name,Status,Owner,HeldBy,Contact,Description,Catalog,CustomFields"
#: The same without the roles, for readers of no people (labels). RT reads each role of each
#: asset with queries of its own: about a tenth of a label page's RT time (docs/performance.md).
ASSET_FIELDS_WITHOUT_PEOPLE = "Name,Status,Description,Catalog,CustomFields"


def search_fields(people: bool) -> str:
    """``fields=`` of an asset search: with the roles only when someone reads them."""
    return ASSET_FIELDS if people else ASSET_FIELDS_WITHOUT_PEOPLE


@frozen
class Ref:
    """A link to another record: ``{"type": "user", "id": "li.wei", "_url": ...}``."""

    id: str
    type: str = ""
    name: str | None = None  # present when asked for with fields[...]=Name


@frozen
class CustomFieldValues:
    name: str
    values: tuple[Any, ...] = ()  # strings; null after a delete; objects for uploaded files


@frozen
class Hyperlink:
    """One of a record's ``_hyperlinks``: a related record, or a lifecycle move (``to``)."""

    ref: str
    type: str = ""
    id: str = ""
    to: str = ""


@frozen
class AssetRecord:
    id: int
    name: str
    status: str
    catalog: Ref
    owner: Ref | None = None
    held_by: tuple[Ref, ...] = ()
    contact: tuple[Ref, ...] = ()
    description: str = ""
    custom_fields: tuple[CustomFieldValues, ...] = ()
    hyperlinks: tuple[Hyperlink, ...] = ()  # only in the answer about one asset

    def cf_values(self) -> dict[str, list[str]]:
        """Every non-empty value of each custom field, as text."""
        return {cf.name: [t for t in map(_value_text, cf.values) if t] for cf in self.custom_fields}


def _value_text(value: Any) -> str:
    if isinstance(value, Mapping):  # an image or file: its name is what a person reads
        return str(value.get("filename") or "")
    return "" if value is None else str(value)


@frozen
class CatalogRecord:
    id: int
    name: str
    description: str = ""
    disabled: str = "0"


@frozen
class CustomFieldRecord:
    id: int
    name: str
    disabled: str = "0"
    lookup_type: str = ASSET_LOOKUP_TYPE


@frozen
class UserRecord:
    id: int
    name: str
    real_name: str = ""
    email: str = ""


@frozen
class UserFieldsRecord:
    """``GET /user/{id}`` as the user-field sync reads it; ``None``: RT sent no list."""

    custom_fields: tuple[CustomFieldValues, ...] | None = ()


@frozen
class TicketRecord:
    id: int
    subject: str = ""
    hyperlinks: tuple[Hyperlink, ...] = ()


@frozen
class Created:
    """RT's answer to a create: ``{"id", "type", "_url"}``."""

    id: int


@frozen
class Page(Generic[T]):
    """One page of a collection. ``total`` is null when the user may not see every record."""

    items: tuple[T, ...]
    page: int = 1
    per_page: int = 20
    count: int = 0
    total: int | None = None

    def is_last(self, page: int) -> bool:
        """Whether page ``page`` (this one) is the last one of the collection."""
        if self.count < self.per_page:
            return True
        return self.total is not None and page * self.per_page >= self.total


def _structure_ref(value: Any, _: type) -> Ref:
    if isinstance(value, str):  # some RT versions send a bare id
        return Ref(id=value)
    if not isinstance(value, Mapping) or "id" not in value:
        raise ValueError(f"expected a link object, got {type(value).__name__}")
    name = value.get("Name")
    return Ref(id=str(value["id"]), type=str(value.get("type", "")), name=name)


#: Our attribute names -> RT's JSON keys, for records read and for drafts and changes written.
_RT_NAMES = {
    "name": "Name",
    "status": "Status",
    "subject": "Subject",
    "catalog": "Catalog",
    "owner": "Owner",
    "held_by": "HeldBy",
    "contact": "Contact",
    "description": "Description",
    "custom_fields": "CustomFields",
    "real_name": "RealName",
    "email": "EmailAddress",
    "disabled": "Disabled",
    "hyperlinks": "_hyperlinks",
    "lookup_type": "LookupType",
}


def _renamed(cls: type) -> dict[str, Any]:
    return {
        a.name: override(rename=_RT_NAMES[a.name]) for a in attrs.fields(cls) if a.name in _RT_NAMES
    }


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook(Ref, _structure_ref)
    records = (AssetRecord, CatalogRecord, CustomFieldRecord, UserRecord, TicketRecord)
    for cls in (*records, UserFieldsRecord):
        conv.register_structure_hook(cls, make_dict_structure_fn(cls, conv, **_renamed(cls)))
    # Drafts and changes go out under RT's names; what is unset stays out of the request.
    for out in (AssetDraft, AssetChanges):
        conv.register_unstructure_hook(
            out,
            make_dict_unstructure_fn(out, conv, _cattrs_omit_if_default=True, **_renamed(out)),
        )
    return conv


_converter = _make_converter()


def structure(data: Any, cls: type[T], what: str) -> T:
    """RT's JSON as ``cls``; an answer of another shape means we are not talking to RT."""
    try:
        return _converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        detail = "; ".join(cattrs.transform_error(exc))[:200]
        raise BackendUnavailable(
            f"RT answered {what} with JSON of an unexpected shape ({detail})"
        ) from None


def to_asset(
    record: AssetRecord, catalog_name: Callable[[str], str], version: str | None = None
) -> Asset:
    """The domain's asset for RT's record; ``catalog_name`` resolves a catalog id."""
    owner = record.owner.id if record.owner and record.owner.id != NOBODY else None
    return Asset(
        id=record.id,
        name=record.name,
        catalog=record.catalog.name or catalog_name(record.catalog.id),
        status=record.status,
        owner=owner,
        held_by=tuple(r.id for r in record.held_by),
        contacts=tuple(r.id for r in record.contact),
        description=record.description,
        # A multi-value field reads as its values joined; labels show one line per field.
        custom_fields={k: ", ".join(v) for k, v in record.cf_values().items() if v},
        version=version,
    )


def to_asset_state(
    record: AssetRecord, catalog_name: Callable[[str], str], version: str | None
) -> AssetState:
    """The asset of ``GET /asset/{id}`` with what its hyperlinks tell: the lifecycle moves
    offered to these credentials (``ref: lifecycle``) and the tickets referring to it."""
    links = record.hyperlinks
    moves = frozenset(h.to for h in links if h.ref == "lifecycle")
    tickets = frozenset(
        int(h.id)
        for h in links
        if h.ref == "referred-to-by" and h.type == "ticket" and h.id.isdigit()
    )
    # RT lists the moves that have an action and that these credentials may make; a
    # reader without ModifyAsset sees none, which says nothing about the lifecycle.
    return AssetState(to_asset(record, catalog_name, version), moves or None, tickets)


def check_root(data: Any) -> None:
    """``GET /rt`` names RT's version; an answer without it is not RT's REST 2.0."""
    if not isinstance(data, Mapping) or "Version" not in data:
        raise BackendUnavailable(
            "the server at RT_URL answered, but not like RT's REST 2.0; check API_ENDPOINT"
        )


def messages(data: Any) -> list[str]:
    """What RT says in answer to a write: a list of messages (whether or not it applied it)."""
    return [str(m) for m in data] if isinstance(data, list) else []


def error_message(data: Any) -> str | None:
    """RT's own explanation in an error's answer (``{"message": ...}``), if it gave one."""
    message = data.get("message") if isinstance(data, Mapping) else None
    return message if isinstance(message, str) else None


def first_link(data: Any) -> str | None:
    """The first of RT's own URLs in a collection's answer (an item's ``_url``, else
    ``next_page``): they start with RT's ``WebBaseURL``."""
    items = data.get("items") if isinstance(data, Mapping) else None
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("_url"), str):
            return str(item["_url"])
    next_page = data.get("next_page") if isinstance(data, Mapping) else None
    return next_page if isinstance(next_page, str) else None


def user_field_values(data: Any, what: str) -> dict[str, str]:
    """A user's custom fields by name, each its first value ('' when it has none)."""
    fields = structure(data, UserFieldsRecord, what).custom_fields
    if fields is None:
        raise UntrustworthyResult(f"RT answered {what} without a list of custom fields")
    return {cf.name: _value_text(cf.values[0]) if cf.values else "" for cf in fields}


def to_catalog(record: CatalogRecord) -> Catalog:
    return Catalog(id=record.id, name=record.name, description=record.description)


def to_user(record: UserRecord) -> User:
    return User(id=record.id, name=record.name, real_name=record.real_name, email=record.email)


def create_asset_body(draft: AssetDraft) -> dict[str, Any]:
    """``POST /asset``'s body; empty custom-field values are left out (RT stores none)."""
    body: dict[str, Any] = _converter.unstructure(draft)
    body["Status"] = draft.status  # always explicit, not RT's lifecycle default
    fields = {k: v for k, v in draft.custom_fields.items() if v != ""}
    body.pop("CustomFields", None)
    if fields:
        body["CustomFields"] = fields
    return body


def update_asset_body(changes: AssetChanges) -> dict[str, Any]:
    """``PUT /asset/{id}``'s body; an empty owner means "no owner" (RT's Nobody)."""
    body: dict[str, Any] = _converter.unstructure(changes)
    if changes.owner == "":
        body["Owner"] = NOBODY
    if changes.custom_fields:
        # null deletes a single value; '' would leave an empty value that IS NULL misses.
        body["CustomFields"] = {k: v or None for k, v in changes.custom_fields.items()}
    return body


def create_ticket_body(draft: TicketDraft) -> dict[str, Any]:
    body: dict[str, Any] = {"Queue": draft.queue, "Subject": draft.subject}
    if draft.requestor:
        body["Requestor"] = draft.requestor
    if draft.content:
        body["Content"] = draft.content
    if draft.asset_id is not None:
        body["RefersTo"] = asset_uri(draft.asset_id)
    return body


def asset_uri(asset_id: int) -> str:
    """How RT names an asset in a link (``RT::URI::asset``)."""
    return f"asset:{asset_id}"


def links_to_asset(ticket: TicketRecord, asset_id: int) -> bool:
    return any(
        h.ref == "refers-to" and h.type == "asset" and h.id == str(asset_id)
        for h in ticket.hyperlinks
    )


def asset_field_names(records: Sequence[CustomFieldRecord]) -> tuple[str, ...]:
    """Names of the enabled custom fields of assets among ``records``, in RT's order."""
    return tuple(
        r.name for r in records if r.disabled in ("0", "") and r.lookup_type == ASSET_LOOKUP_TYPE
    )
