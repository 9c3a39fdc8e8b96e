"""The web shell's layout by feature: every feature folder is registered and kept apart."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib

from tests.conftest import ROOT

import rtutils_web
from rtutils_web.features import FEATURES

#: Shared folders of the shell (plumbing, sign-in, the command, the per-feature containers).
SHARED = {"http", "access", "cli", "containers"}


def _feature_folders() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(rtutils_web.__path__)
        if info.ispkg and info.name not in SHARED
    )


def test_every_feature_folder_is_in_the_list_of_features():
    folders = _feature_folders()
    assert sorted(f.name for f in FEATURES) == folders
    for name in folders:
        module = importlib.import_module(f"rtutils_web.{name}")
        assert module.FEATURE in FEATURES, name


def test_every_feature_folder_is_in_the_import_contracts():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    independent = next(c for c in contracts if c["type"] == "independence")
    assert sorted(independent["modules"]) == [f"rtutils_web.{n}" for n in _feature_folders()]
