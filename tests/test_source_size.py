"""House limits on the source: no file over 400 lines, no function over 60 lines.

A declarative table may be longer: a function whose lines are nearly all one literal dict,
list or tuple (such as a feature's part of the OpenAPI document) reads as a table.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
#: Share of a long function's lines that must lie in one literal for it to count as a table.
TABLE_SHARE = 0.8


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if ".egg-info" not in p.parts[-2])


def _span(node: ast.AST) -> int:
    return int(getattr(node, "end_lineno", 0) or 0) - int(getattr(node, "lineno", 0)) + 1


def _is_table(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    literals = [
        n for n in ast.walk(function) if isinstance(n, ast.Dict | ast.List | ast.Tuple | ast.Set)
    ]
    largest = max((_span(n) for n in literals), default=0)
    return largest >= TABLE_SHARE * _span(function)


def test_no_source_file_is_over_400_lines():
    long = {
        str(p.relative_to(SRC)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    }
    assert long == {}


def test_no_function_is_over_60_lines_unless_it_is_a_table():
    long = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and _span(node) > MAX_FUNCTION_LINES and not _is_table(node):
                long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} {_span(node)}")
    assert long == []
