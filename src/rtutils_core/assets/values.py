"""Assets as the domain sees them, independent of RT's wire format."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from attrs import field, frozen

from rtutils_core.errors import InvalidInput
from rtutils_core.geometry import strings

#: RT 5's default asset lifecycle.
ASSET_STATUSES = ("new", "allocated", "in-use", "recycled", "stolen", "deleted")


#: The most asset ids one :class:`AssetQuery` may name, so that the query a backend sends
#: stays short (RT receives it in the URL); ask for more in several queries.
MAX_QUERY_IDS = 100

#: The most Names (or Name prefixes) one :class:`AssetQuery` may name, for the same reason.
MAX_QUERY_NAMES = 100


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return dict(value or {})


def _asset_tuple(items: Iterable[Asset]) -> tuple[Asset, ...]:
    return tuple(items)


def _id_tuple(value: Iterable[int] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(value)


def _text_tuple(value: Iterable[str] | None) -> tuple[str, ...] | None:
    if isinstance(value, str):  # one Name is not a set of its characters
        return (value,)
    return None if value is None else tuple(value)


def _check_texts(values: tuple[str, ...] | None, what: str) -> None:
    if values is None:
        return
    if not values:
        raise InvalidInput(f"a search by {what} needs at least one")
    if len(values) > MAX_QUERY_NAMES:
        raise InvalidInput(f"one search names at most {MAX_QUERY_NAMES} {what}, not {len(values)}")
    bad = [v for v in values if not isinstance(v, str) or not v]
    if bad:
        raise InvalidInput(f"{what} must be non-empty text, not {', '.join(map(repr, bad))}")


@frozen
class Asset:
    """One asset. ``version`` is the backend's opaque change marker (RT's ETag)."""

    id: int
    name: str
    catalog: str
    status: str = "new"
    owner: str | None = None
    held_by: tuple[str, ...] = field(default=(), converter=strings)
    contacts: tuple[str, ...] = field(default=(), converter=strings)
    description: str = ""
    custom_fields: Mapping[str, str] = field(factory=dict, converter=_frozen_mapping, hash=False)
    version: str | None = field(default=None, eq=False)

    def cf(self, name: str) -> str:
        """The custom field's value, or '' when the asset has none."""
        return self.custom_fields.get(name, "") or ""


@frozen
class AssetDraft:
    """What is needed to create an asset."""

    name: str
    catalog: str
    status: str = "new"
    owner: str | None = None
    description: str = ""
    custom_fields: Mapping[str, str] = field(factory=dict, converter=_frozen_mapping, hash=False)

    def __attrs_post_init__(self) -> None:
        if not self.catalog.strip():
            raise InvalidInput("an asset needs a catalog")
        if self.name.strip().isdigit():
            raise InvalidInput(f"asset name {self.name!r} may not be all digits")


@frozen
class AssetChanges:
    """A partial update; ``None`` means leave unchanged."""

    name: str | None = None
    status: str | None = None
    owner: str | None = None
    held_by: tuple[str, ...] | None = None
    custom_fields: Mapping[str, str] | None = field(default=None, hash=False)

    def __attrs_post_init__(self) -> None:
        if self.name is not None and self.name.strip().isdigit():
            raise InvalidInput(f"asset name {self.name!r} may not be all digits")

    def is_empty(self) -> bool:
        return all(
            v is None
            for v in (self.name, self.status, self.owner, self.held_by, self.custom_fields)
        )


def check_custom_field_names(names: Iterable[str], applied: Collection[str], scope: str) -> None:
    """Raise :class:`InvalidInput` naming the first of ``names`` that is not in ``applied``.

    RT silently ignores custom fields that are not applied to a catalog (in searches and
    writes alike), so every backend checks names first instead of trusting the answer.
    ``scope`` says where the names were looked up, e.g. ``"catalog 'Student Devices'"``.
    """
    for name in names:
        if name in applied:
            continue
        near = [a for a in applied if a.casefold() == name.casefold()]
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        known = ", ".join(repr(a) for a in sorted(applied)) or "none"
        raise InvalidInput(
            f"custom field {name!r} is not applied to {scope}{hint}; known fields: {known}"
        )


#: The fields of an :class:`AssetQuery` that hold one text each.
TEXT_FIELDS = ("catalog", "status", "name", "name_prefix", "owner", "held_by")


@frozen
class AssetQuery:
    """A search. Every given condition must hold (AND). Empty query means all assets.

    ``ids``, when given, keeps only the assets with those ids (at most :data:`MAX_QUERY_IDS`
    of them): a bulk look-up by id that costs one search instead of a read per asset.
    ``names`` keeps the assets whose Name is exactly one of them, ``name_prefixes`` those
    whose Name starts with one of them (at most :data:`MAX_QUERY_NAMES` each): bulk
    look-ups by tag.
    """

    ids: tuple[int, ...] | None = field(default=None, converter=_id_tuple)
    catalog: str | None = None
    status: str | None = None
    name: str | None = None
    name_prefix: str | None = None
    owner: str | None = None
    held_by: str | None = None
    custom_fields: Mapping[str, str] = field(factory=dict, converter=_frozen_mapping, hash=False)
    names: tuple[str, ...] | None = field(default=None, converter=_text_tuple)
    name_prefixes: tuple[str, ...] | None = field(default=None, converter=_text_tuple)

    def __attrs_post_init__(self) -> None:
        _check_texts(self.names, "names")
        _check_texts(self.name_prefixes, "name prefixes")
        if self.ids is None:
            return
        if not self.ids:
            raise InvalidInput("a search by asset ids needs at least one id")
        if len(self.ids) > MAX_QUERY_IDS:
            raise InvalidInput(
                f"one search names at most {MAX_QUERY_IDS} asset ids, not {len(self.ids)}"
            )
        bad = [i for i in self.ids if isinstance(i, bool) or not isinstance(i, int) or i < 1]
        if bad:
            raise InvalidInput(
                f"asset ids are whole numbers of 1 or more, not {', '.join(map(repr, bad))}"
            )

    @classmethod
    def of_texts(
        cls, texts: Mapping[str, str | None], custom_fields: Mapping[str, str] | None = None
    ) -> AssetQuery:
        """A search by the one-text fields named in ``texts`` (:data:`TEXT_FIELDS`), as a
        form or a URL gives them; :class:`InvalidInput` names a key that is none of them."""
        unknown = sorted(set(texts) - set(TEXT_FIELDS))
        if unknown:
            raise InvalidInput(f"no search field {', '.join(map(repr, unknown))}")
        return cls(
            catalog=texts.get("catalog"),
            status=texts.get("status"),
            name=texts.get("name"),
            name_prefix=texts.get("name_prefix"),
            owner=texts.get("owner"),
            held_by=texts.get("held_by"),
            custom_fields=custom_fields,
        )

    @property
    def names_a_person(self) -> bool:
        """Whether a condition is on a person (owner or holder): checking it reads them."""
        return self.owner is not None or self.held_by is not None

    def matches(self, asset: Asset) -> bool:
        """Whether ``asset`` satisfies this query (used to verify backend answers)."""
        checks = (
            self.ids is None or asset.id in self.ids,
            self.catalog is None or asset.catalog == self.catalog,
            self.status is None or asset.status == self.status,
            self.name is None or asset.name == self.name,
            self.name_prefix is None or asset.name.startswith(self.name_prefix),
            self.owner is None or asset.owner == self.owner,
            self.held_by is None or self.held_by in asset.held_by,
            self.names is None or asset.name in self.names,
            self.name_prefixes is None or asset.name.startswith(self.name_prefixes),
        )
        return all(checks) and all(asset.cf(k) == v for k, v in self.custom_fields.items())


@frozen
class AssetPage:
    """One page of a search result."""

    items: tuple[Asset, ...] = field(converter=_asset_tuple)
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1


#: The most assets a backend puts on one page (RT's cap on ``per_page``).
MAX_PER_PAGE = 100


def page_size(page: int, per_page: int) -> int:
    """The page size a backend serves when asked for ``per_page``: at most
    :data:`MAX_PER_PAGE`; a page or page size below 1 is :class:`InvalidInput`."""
    if page < 1 or per_page < 1:
        raise InvalidInput("page and per_page must be 1 or more")
    return min(per_page, MAX_PER_PAGE)


@frozen
class Catalog:
    id: int
    name: str
    description: str = ""


@frozen
class User:
    id: int
    name: str
    real_name: str = ""
    email: str = ""


@frozen
class TicketDraft:
    """A ticket to open about an asset (it ``RefersTo`` the asset)."""

    queue: str
    subject: str
    asset_id: int | None = None
    requestor: str | None = None
    content: str = ""
