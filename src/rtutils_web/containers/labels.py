"""Label templates and PDF labels."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_core.labels import configured_templates
from rtutils_core.labels.service import LabelService


class Labels(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()

    label_metrics = providers.ThreadSafeSingleton(PdfLabelMetrics)
    label_renderer = providers.ThreadSafeSingleton(PdfLabelRenderer)
    label_templates = providers.ThreadSafeSingleton(
        configured_templates, base.settings.provided.label_options, label_metrics
    )
    label_service = providers.ThreadSafeSingleton(
        LabelService.from_options,
        options=base.settings.provided.label_options,
        backend=base.backend,
        renderer=label_renderer,
        metrics=label_metrics,
        templates=label_templates,
    )
