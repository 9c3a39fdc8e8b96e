"""One dependency-injector container per feature, composed by :mod:`rtutils_web.container`.

Each names what it needs of the others as a ``providers.DependenciesContainer`` and is
handed them by the root, in an order without cycles: a job kind that needs a service later
in that order gets it through the service's provider (``.provider``), called when a job runs.
"""
