"""The loan desk: check-outs and check-ins, and the log of them."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.stores import open_loan_log
from rtutils_core.loans.service import LoanService
from rtutils_web.containers.base import feature_store


class Loans(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()

    loan_log = feature_store(open_loan_log, base)
    loan_service = providers.ThreadSafeSingleton(
        LoanService,
        backend=base.loans_port,
        loan_log=loan_log,
        options=base.settings.provided.loan_options,
    )
