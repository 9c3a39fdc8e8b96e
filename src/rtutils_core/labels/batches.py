"""The rules of a batch: what it asks for (exactly one selector), how much, and strictness.

A batch names its assets by tags, by asset ids or by a search, never two of them. It holds
at most a configured number of items (``MAX_BATCH``), refused with
:class:`~rtutils_core.errors.BatchTooLarge` before any work is done. A strict batch that
would leave something out is refused as a whole, naming everything it would leave out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import field, frozen

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.errors import BatchMissing, BatchRefused, BatchTooLarge, InvalidInput
from rtutils_core.geometry import strings, whole_numbers

#: The ways a batch names its assets, as the API spells them.
SELECTORS = ("tags", "asset_ids", "query")


def check_one_selector(given: Sequence[str]) -> None:
    """Refuse anything but exactly one selector (``given``: the names of those present)."""
    if len(given) != 1:
        raise InvalidInput("give exactly one of 'tags', 'asset_ids' or 'query'")


def check_size(asked: int, limit: int) -> None:
    """Refuse a batch of more than ``limit`` items."""
    if asked > limit:
        raise BatchTooLarge(
            f"{asked} labels asked for; one batch prints at most {limit} (MAX_BATCH)"
        )


def _assets(items: Iterable[Asset]) -> tuple[Asset, ...]:
    return tuple(items)


@frozen
class BatchSelection:
    """Which assets a batch prints: exactly one of tags, asset ids or a query."""

    tags: tuple[str, ...] = field(default=(), converter=strings)
    asset_ids: tuple[int, ...] = field(default=(), converter=whole_numbers)
    query: AssetQuery | None = None

    @classmethod
    def of(
        cls,
        tags: Sequence[str] | None = None,
        asset_ids: Sequence[int] | None = None,
        query: AssetQuery | None = None,
    ) -> BatchSelection:
        """The selection of the one selector given (``None``: not given); an empty list of
        tags or ids is refused, so that a batch never quietly prints nothing."""
        named = {"tags": tags, "asset_ids": asset_ids, "query": query}
        given = [name for name, value in named.items() if value is not None]
        check_one_selector(given)
        if query is None and not (tags or asset_ids):
            raise InvalidInput(f"'{given[0]}' is empty; list at least one")
        return cls(tags or (), asset_ids or (), query)

    def check(self) -> None:
        """Refuse a selection with no selector or with more than one."""
        present = {"tags": self.tags, "asset_ids": self.asset_ids}
        given = [name for name, value in present.items() if value]
        check_one_selector([*given, *(["query"] if self.query is not None else [])])


@frozen
class BatchPlan:
    """The assets a batch resolved to, in the order asked, and what will not be printed.

    ``missing`` names what was asked for and not found: a tag as given, or ``asset <id>``.
    ``refused`` says, per asset found, why it cannot get a label (no tag yet, tag too long).
    """

    assets: tuple[Asset, ...] = field(converter=_assets)
    missing: tuple[str, ...] = field(default=(), converter=strings)
    refused: tuple[str, ...] = field(default=(), converter=strings)

    def require_complete(self, allow_missing: bool) -> None:
        """Refuse the plan if it leaves something out, unless ``allow_missing`` (and then
        only if nothing at all would print): not found first, else cannot be printed."""
        if not (self.missing or self.refused) or (allow_missing and self.assets):
            return
        parts = []
        if self.missing:
            parts.append(f"not found: {', '.join(self.missing)}")
        if self.refused:
            parts.append(f"cannot be printed: {'; '.join(self.refused)}")
        message = (
            "no labels were printed; " + "; ".join(parts) + " (allow_missing prints the others)"
        )
        error = BatchMissing if self.missing else BatchRefused
        raise error(message, self.missing, self.refused)
