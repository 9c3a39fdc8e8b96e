"""Laying out and rendering labels, one at a time or in streamed batches.

An asset gets a label only once it carries a tag: the barcode must be exactly the tag, so an
asset whose Name is not a tag is refused with a message saying so (issue it a tag first).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import IO

from attrs import define, field

from rtutils_core.assets import MAX_QUERY_IDS, MAX_QUERY_NAMES, Asset, AssetQuery
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import BatchTooLarge, ConfigError, InvalidInput, UntrustworthyResult
from rtutils_core.geometry import LabelLayout
from rtutils_core.labels.batches import BatchPlan, BatchSelection, check_size
from rtutils_core.labels.layout import content_for_asset, lay_out_label
from rtutils_core.labels.ports import LabelMetrics, LabelRenderer
from rtutils_core.labels.templates import (
    DEFAULT_TEMPLATE,
    LabelOptions,
    LabelTemplate,
    check_template_choice,
    configured_templates,
    load_templates,
)
from rtutils_core.tags import TagFormat, TagFormats


@define
class LabelService:
    """Labels of assets. Build it with :meth:`from_options`; templates are checked then."""

    backend: AssetBackend
    renderer: LabelRenderer | None = None
    template_by_type: Mapping[str, str] = field(factory=dict)
    metrics: LabelMetrics | None = None
    templates: Mapping[str, LabelTemplate] = field(factory=dict)
    tag_formats: TagFormats = field(factory=lambda: TagFormats(TagFormat()))
    organisation: str = ""
    qr_target: str = "rt"
    public_url: str = ""

    def __attrs_post_init__(self) -> None:
        if self.metrics is not None and not self.templates:
            self.templates = load_templates(self.metrics)
        if self.qr_target == "service" and not self.public_url:
            raise ConfigError("PUBLIC_URL is required when QR_TARGET=service")
        check_template_choice(self.templates, self.template_by_type)
        self.template_by_type = {k.casefold(): v for k, v in self.template_by_type.items()}

    @classmethod
    def from_options(
        cls,
        options: LabelOptions,
        backend: AssetBackend,
        renderer: LabelRenderer,
        metrics: LabelMetrics,
        templates: Mapping[str, LabelTemplate] | None = None,
    ) -> LabelService:
        """The service as configured; raises :class:`LayoutError` if a template cannot fit."""
        return cls(
            backend=backend,
            renderer=renderer,
            template_by_type=options.template_by_type,
            metrics=metrics,
            templates=templates or configured_templates(options, metrics),
            tag_formats=options.tag_formats,
            organisation=options.organisation,
            qr_target=options.qr_target,
            public_url=options.public_url,
        )

    # -- single labels -------------------------------------------------------------------

    def template_names(self) -> Sequence[str]:
        """The templates a caller may ask for (``large``, ``small``)."""
        return tuple(self.templates)

    def template_for(self, asset: Asset, template: str | None = None) -> str:
        """``template`` if given and known, else the one configured for the asset's Type."""
        if template is not None:
            return self.check_template(template)
        return self.template_by_type.get(asset.cf("Type").strip().casefold(), DEFAULT_TEMPLATE)

    def check_template(self, template: str) -> str:
        """``template`` if it is a known template name, else :class:`InvalidInput`."""
        if template not in self.templates:
            known = ", ".join(self.templates)
            raise InvalidInput(f"unknown label template {template!r}; known templates: {known}")
        return template

    def tag_of(self, asset: Asset) -> str:
        """The tag printed for ``asset``: its Name, which must be a tag of a configured prefix."""
        name = asset.name.strip()
        if self.tag_formats.read(name) is None:
            raise InvalidInput(
                f"asset {asset.id} has no tag yet (its Name is {asset.name!r}, not a tag like"
                f" {self.tag_formats.default.example!r}); issue it a tag before printing a label"
            )
        return name

    def qr_data(self, asset: Asset, tag: str) -> str:
        """What the QR code opens: the asset's RT page, or this service's short link."""
        if self.qr_target == "service":
            return f"{self.public_url}/a/{tag}"
        return self.backend.asset_url(asset.id)

    def layout(self, asset: Asset, template: str | None = None) -> LabelLayout:
        """The positioned label of ``asset``; ``layout.problems`` lists what printed oddly."""
        if self.metrics is None:
            raise ConfigError("the label service has no label metrics configured")
        name = self.template_for(asset, template)
        tag = self.tag_of(asset)
        content = content_for_asset(asset, tag, self.qr_data(asset, tag), self.organisation)
        return lay_out_label(self.templates[name], content, self.metrics)

    def render_pdf(self, asset: Asset, template: str | None = None) -> bytes:
        """One label as a one-page PDF; the template defaults by asset type."""
        out = io.BytesIO()
        self._renderer().render_pdf([self.layout(asset, template)], out)
        return out.getvalue()

    def render_png(self, asset: Asset, template: str | None = None, dpi: int = 300) -> bytes:
        """One label as a PNG preview."""
        if not 72 <= dpi <= 1200:
            raise InvalidInput(f"dpi must be between 72 and 1200, not {dpi}")
        return self._renderer().render_png(self.layout(asset, template), dpi)

    def _renderer(self) -> LabelRenderer:
        if self.renderer is None:
            raise ConfigError("the label service has no label renderer configured")
        return self.renderer

    # -- batches -------------------------------------------------------------------------

    def plan_batch(
        self, selection: BatchSelection, limit: int, template: str | None = None
    ) -> BatchPlan:
        """Resolve a selection to assets in bulk; report what was not found by name.

        Every planned asset is laid out once here, so that rendering cannot stop half way.
        A label shows no people, so the searches ask for none (``people=False``).
        """
        selection.check()
        if template is not None:
            self.check_template(template)
        if selection.query is not None:
            # Count first: a search that matches too many is refused before reading them all.
            check_size(self.backend.search_assets(selection.query, per_page=1).total, limit)
        check_size(len(selection.tags) or len(selection.asset_ids), limit)
        missing: list[str] = []
        if selection.query is not None:
            found = self._resolve_query(selection.query, limit)
        elif selection.tags:
            found, missing = self._resolve_tags(selection.tags)
        else:
            found, missing = self._resolve_ids(selection.asset_ids)
        assets: list[Asset] = []
        refused: list[str] = []
        for asset in found:
            try:
                self.layout(asset, template)
            except InvalidInput as exc:
                refused.append(f"asset {asset.id} ({asset.name}): {exc.message}")
            else:
                assets.append(asset)
        return BatchPlan(assets, missing, refused)

    def render_batch(
        self,
        plan: BatchPlan,
        out: IO[bytes],
        template: str | None = None,
        on_problems: Callable[[Asset, Sequence[str]], None] | None = None,
    ) -> int:
        """Stream one PDF page per planned asset to ``out``; return the page count.

        ``on_problems`` hears about each label that printed with problems (see
        :attr:`LabelLayout.problems`).
        """

        def layouts() -> Iterator[LabelLayout]:
            for asset in plan.assets:
                layout = self.layout(asset, template)
                if layout.problems and on_problems is not None:
                    on_problems(asset, layout.problems)
                yield layout

        return self._renderer().render_pdf(layouts(), out)

    def _resolve_ids(self, asset_ids: Sequence[int]) -> tuple[list[Asset], list[str]]:
        # One search per MAX_QUERY_IDS distinct ids, not one read per asset; each asset
        # found is placed by its own id, so an answer can never stand in for another id.
        distinct = list(dict.fromkeys(asset_ids))
        by_id: dict[int, Asset] = {}
        for start in range(0, len(distinct), MAX_QUERY_IDS):
            chunk = distinct[start : start + MAX_QUERY_IDS]
            for asset in self.backend.iter_assets(AssetQuery(ids=chunk), people=False):
                if asset.id not in chunk:
                    raise UntrustworthyResult(
                        f"the backend answered a search for asset ids with asset {asset.id},"
                        " which was not asked for"
                    )
                by_id[asset.id] = asset
        found = [by_id[i] for i in asset_ids if i in by_id]
        missing = [f"asset {i}" for i in asset_ids if i not in by_id]
        return found, missing

    def _resolve_query(self, query: AssetQuery, limit: int) -> list[Asset]:
        found: list[Asset] = []
        for asset in self.backend.iter_assets(query, people=False):
            if len(found) == limit:
                # The search grew since it was counted.
                raise BatchTooLarge(
                    f"the search matches more than {limit} assets, the most one batch prints"
                    " (MAX_BATCH); narrow it down"
                )
            found.append(asset)
        return found

    def _resolve_tags(self, tags: Sequence[str]) -> tuple[list[Asset], list[str]]:
        wanted = [t.strip() for t in tags]
        bad = [t for t in wanted if self.tag_formats.read(t) is None]
        if bad:
            raise InvalidInput(
                f"not tags: {', '.join(repr(t) for t in bad)}"
                f" (tags look like {self.tag_formats.default.example!r})"
            )
        distinct = sorted(set(wanted))
        # Keyed by the stripped Name: a Name typed into RT as "W12-00042 " carries that tag,
        # as it does for look-up and issuing.
        by_name: dict[str, dict[int, Asset]] = {}
        for query in tag_queries(distinct):
            self._collect_carriers(query, by_name)
        # The exact Names miss such a Name; only the tags still missing pay a second search.
        for query in tag_queries(distinct, by_name, prefixes=True):
            self._collect_carriers(query, by_name)
        found: list[Asset] = []
        missing: list[str] = []
        for tag in wanted:
            carriers = list(by_name.get(tag, {}).values())
            if len(carriers) > 1:
                ids = ", ".join(str(a.id) for a in carriers)
                raise UntrustworthyResult(f"tag {tag!r} is carried by more than one asset ({ids})")
            if carriers:
                found.append(carriers[0])
            else:
                missing.append(tag)
        return found, missing

    def _collect_carriers(self, query: AssetQuery, by_name: dict[str, dict[int, Asset]]) -> None:
        for asset in self.backend.iter_assets(query, people=False):
            if not query.matches(asset):  # checked, as the answer stands in for a printed tag
                # Not another asset's Name: the caller asked about other tags.
                raise UntrustworthyResult(
                    f"the backend answered a search for tags with asset {asset.id},"
                    " whose Name was not asked for"
                )
            by_name.setdefault(asset.name.strip(), {})[asset.id] = asset


def tag_queries(
    tags: Sequence[str], found: Collection[str] = (), *, prefixes: bool = False
) -> list[AssetQuery]:
    """The searches for the tags of ``tags`` not in ``found``, at most 100 tags each.

    By exact Names first (``prefixes=False``): one search for up to 100 tags, whose answer
    holds only the assets asked for. RT's ``Name =`` misses a Name with stray whitespace, so
    the tags still missing are then searched by Names starting with them (``prefixes=True``).
    """
    left = [t for t in dict.fromkeys(tags) if t not in found]
    chunks = [left[i : i + MAX_QUERY_NAMES] for i in range(0, len(left), MAX_QUERY_NAMES)]
    if prefixes:
        return [AssetQuery(name_prefixes=chunk) for chunk in chunks]
    return [AssetQuery(names=chunk) for chunk in chunks]
