"""The loan desk: loans and their log, manual check-ins, exports, the ports and the service."""

from rtutils_core.loans.journal import Journal, LoanSteps
from rtutils_core.loans.values import (
    CONDITIONS,
    DEFAULT_DAMAGES,
    LOAN_ROLES,
    AssetState,
    CheckIn,
    CheckOut,
    Condition,
    LoanAction,
    LoanEntry,
    LoanEvent,
    LoanFilter,
    LoanOptions,
    LoanRole,
    PersonLoans,
    StatusCheck,
    check_due,
)

__all__ = [
    "AssetState",
    "CONDITIONS",
    "CheckIn",
    "CheckOut",
    "Condition",
    "DEFAULT_DAMAGES",
    "LOAN_ROLES",
    "Journal",
    "LoanAction",
    "LoanEntry",
    "LoanEvent",
    "LoanFilter",
    "LoanOptions",
    "LoanRole",
    "LoanSteps",
    "PersonLoans",
    "StatusCheck",
    "check_due",
]
