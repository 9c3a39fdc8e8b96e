"""The module paths of release 0.1 still import for one release, warning where each went."""

from __future__ import annotations

import importlib
import sys

import pytest

from rtutils_core.moved import MOVED


@pytest.fixture(autouse=True)
def _fresh_imports():
    """Each test imports the old paths anew (an imported module warns no more)."""
    for old in MOVED:
        sys.modules.pop(f"rtutils_core.{old}", None)


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_imports_with_a_warning_naming_the_new_one(old):
    with pytest.warns(DeprecationWarning, match=MOVED[old][0].replace(".", r"\.")):
        importlib.import_module(f"rtutils_core.{old}")


def test_names_of_an_old_module_are_the_new_modules_objects():
    from rtutils_core.loans.service import LoanService
    from rtutils_core.tags.ports import TagStore

    with pytest.warns(DeprecationWarning):
        from rtutils_core.ports import TagStore as OldTagStore
        from rtutils_core.services import LoanService as OldLoanService
    assert OldTagStore is TagStore
    assert OldLoanService is LoanService


def test_a_name_that_never_was_there_is_an_attribute_error():
    with pytest.warns(DeprecationWarning):
        module = importlib.import_module("rtutils_core.event_query")
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
