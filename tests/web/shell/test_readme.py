"""The README a newcomer reads: its configuration table and its links stay true."""

from __future__ import annotations

import re

from tests.conftest import ROOT

from rtutils_web.config_docs import configuration_markdown, ungrouped
from rtutils_web.settings import VARIABLES

README = (ROOT / "README.md").read_text(encoding="utf-8")
_CODE = re.compile(r"`([^`]+)`")


def _configuration_rows() -> dict[str, str]:
    """variable -> default as the README's table shows it (``none`` for no default)."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = _CODE.findall(cells[0])
        defaults = [_CODE.findall(part) or [part] for part in cells[1].split(" / ")]
        if len(defaults) != len(names):  # one default for the row, e.g. "`rt` (serve: ...)"
            defaults = [defaults[0]] * len(names)
        for name, default in zip(names, defaults, strict=True):
            rows[name] = default[0]
    return rows


def test_the_configuration_table_lists_exactly_the_settings_with_their_defaults():
    rows = _configuration_rows()
    assert sorted(rows) == sorted(v.name for v in VARIABLES)
    for variable in VARIABLES:
        assert rows[variable.name] == (variable.default or "none"), variable.name


def test_the_readme_links_every_document_in_docs():
    documents = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md"))
    linked = set(re.findall(r"\]\(([^)#]+)", README))
    assert [doc for doc in documents if doc not in linked] == []


def test_the_configuration_section_is_the_generated_one():
    """Regenerate with ``python -m rtutils_web.config_docs`` after changing variables.py."""
    assert configuration_markdown() in README


def test_every_variable_is_in_exactly_one_group_of_the_readme():
    assert ungrouped() == []
