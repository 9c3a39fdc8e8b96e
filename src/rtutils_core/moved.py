"""The module paths of release 0.1, before the core was grouped by feature; kept for one release.

``import rtutils_core.ports`` or ``from rtutils_core.services.tags import TagService`` go on
working, with a :class:`DeprecationWarning` that names the new module. Each old path maps to
the modules its names now live in (looked up in order). The table goes in release 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence

#: old module (below ``rtutils_core``) -> the new modules that hold its names, in order.
MOVED: dict[str, tuple[str, ...]] = {
    "batches": ("labels.batches",),
    "catalog_fields": ("assets.catalog_fields",),
    "chrome": ("google.devices",),
    "chrome_sync": ("google.sync",),
    "chrome_sync_report": ("google.report",),
    "event_query": ("tags.event_query",),
    "intake_csv": ("imports.csv_files",),
    "intake_ports": ("intake.ports", "imports.ports"),
    "internal_names": ("intake.internal_names",),
    "label_layout": ("labels.layout",),
    "loan_export": ("loans.export",),
    "loan_ports": ("loans.ports",),
    "manual_returns": ("loans.manual_checkins",),
    "ports": ("assets.ports", "tags.ports", "labels.ports", "google.ports"),
    "print_jobs": ("printing.print_jobs", "printing.ports"),
    "printers": ("printing.printers", "printing.ports"),
    "return_export": ("returns.export",),
    "roster_csv": ("students.roster_csv",),
    "sequences": ("tags.sequences",),
    "services": (
        "assets.service",
        "tags.service",
        "tags.reports",
        "tags.autotag",
        "labels.service",
        "printing.service",
        "printing.sender",
        "jobs.service",
        "intake.service",
        "imports.importer",
        "imports.jobs",
        "loans.service",
        "students.service",
        "students.user_fields_sync",
        "returns.service",
        "google.service",
    ),
    "services.assets": ("assets.service",),
    "services.autotag": ("tags.autotag",),
    "services.chrome_sync": ("google.service",),
    "services.import_jobs": ("imports.jobs",),
    "services.intake": ("intake.service",),
    "services.intake_import": ("imports.importer",),
    "services.jobs": ("jobs.service",),
    "services.labels": ("labels.service",),
    "services.loans": ("loans.service",),
    "services.print_sender": ("printing.sender",),
    "services.printing": ("printing.service",),
    "services.returns": ("returns.service",),
    "services.students": ("students.service",),
    "services.tag_reports": ("tags.reports",),
    "services.tags": ("tags.service",),
    "services.user_fields": ("students.user_fields_sync",),
    "settings": ("secrets",),
    "student_ports": ("students.ports",),
    "tag_events": ("tags.export", "csv_cells"),
    "tag_ledger": ("tags.ledger",),
    "user_fields": ("students.user_fields", "students.ports"),
    "webhooks": ("tags.webhooks",),
}


class _MovedModule(types.ModuleType):
    """An old module path: every name is looked up in the new modules that hold it now."""

    def __init__(self, name: str, targets: Sequence[str]) -> None:
        super().__init__(name)
        self.__targets = tuple(targets)
        self.__path__: list[str] = []  # a package, so that old submodules import too

    def __getattr__(self, attr: str) -> object:
        for target in self.__targets:
            module = importlib.import_module(target)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        old = fullname.removeprefix("rtutils_core.")
        if fullname.startswith("rtutils_core.") and old in MOVED:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        targets = ["rtutils_core." + t for t in MOVED[spec.name.removeprefix("rtutils_core.")]]
        warnings.warn(
            f"{spec.name} moved to {', '.join(targets)}; the old path goes in release 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return _MovedModule(spec.name, targets)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the names are looked up on use."""


def install() -> None:
    """Let the old module paths import (once per process)."""
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
