"""The printers, the print jobs and the ``print`` job kind (sending them is the jobs
container's :class:`~rtutils_core.printing.sender.PrintSender`)."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.printers import BrotherQLPrinter, CupsPrinter
from rtutils_adapters.stores import open_print_job_store
from rtutils_core.printing.ports import Printer
from rtutils_core.printing.sender import print_job_kind
from rtutils_core.printing.service import PrintService
from rtutils_web.containers.base import feature_store
from rtutils_web.settings import Settings


def _printers(settings: Settings) -> dict[str, Printer]:
    """The configured printers by name, each with the adapter of its kind."""
    return {
        name: BrotherQLPrinter(config) if config.kind == "brother-ql" else CupsPrinter(config)
        for name, config in settings.printers.items()
    }


class Printing(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    labels = providers.DependenciesContainer()

    printers = providers.ThreadSafeSingleton(_printers, base.settings)
    print_job_store = feature_store(open_print_job_store, base)
    print_service = providers.ThreadSafeSingleton(
        PrintService,
        labels=labels.label_service,
        printers=printers,
        store=print_job_store,
        max_labels=base.settings.provided.max_batch,
    )
    #: The print service is built when a print job first runs: an app that prints nothing
    #: never builds the printers.
    job_kind = providers.ThreadSafeSingleton(print_job_kind, print_service.provider)
