"""The notices' templates on Jinja2: plain text and HTML for each kind, a district's own
folder first (``MAIL_TEMPLATES_DIR``), the built-in ones after.

For each kind ``K``: ``K.subject.txt``, ``K.txt`` and ``K.html``; a district overrides any of
them by a file of the same name. Templates run in Jinja's sandbox with
``StrictUndefined``: a field a template names that the notice does not have is an error
naming both (checked at start-up against sample notices), never an empty gap in a mail.
HTML is escaped automatically; the plain text is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment

from rtutils_core.due import NOTICE_KINDS, RenderedMail
from rtutils_core.due.samples import sample_fields
from rtutils_core.errors import ConfigError

PARTS = ("subject.txt", "txt", "html")


class JinjaNoticeRenderer:
    """A :class:`~rtutils_core.due.ports.NoticeRenderer` over Jinja2 templates."""

    def __init__(self, folder: Path | None = None) -> None:
        loaders: list[Any] = [PackageLoader("rtutils_adapters.mail", "templates")]
        if folder is not None:
            if not Path(folder).is_dir():
                raise ConfigError(f"MAIL_TEMPLATES_DIR {str(folder)!r} is not a directory")
            loaders.insert(0, FileSystemLoader(str(folder)))
        self.folder = folder
        self._env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            keep_trailing_newline=True,
        )

    def _render(self, name: str, fields: Mapping[str, Any]) -> str:
        try:
            return self._env.get_template(name).render(**fields)
        except TemplateError as error:
            where = f" ({self.folder})" if self.folder else ""
            raise ConfigError(f"the mail template {name}{where}: {error}") from None

    def render(self, kind: str, fields: Mapping[str, Any]) -> RenderedMail:
        subject, text, html = (self._render(f"{kind}.{part}", fields) for part in PARTS)
        # One line: a header cannot hold a line break.
        return RenderedMail(" ".join(subject.split()), text, html)

    def check(self, kinds: Iterable[str] = NOTICE_KINDS) -> None:
        """Render every kind with a sample notice: a broken template stops start-up."""
        for kind in kinds:
            self.render(kind, sample_fields(kind))
