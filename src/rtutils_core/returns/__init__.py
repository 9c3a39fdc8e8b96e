"""The end-of-year return campaign: its figures per student and grade, exports and service."""

from rtutils_core.returns.values import (
    FIRST_YEAR,
    LAST_YEAR,
    RETURN_STATES,
    Campaign,
    CampaignOptions,
    DayCount,
    GradeFigures,
    ReturnState,
    StudentReturn,
)

__all__ = [
    "Campaign",
    "CampaignOptions",
    "DayCount",
    "FIRST_YEAR",
    "GradeFigures",
    "LAST_YEAR",
    "RETURN_STATES",
    "ReturnState",
    "StudentReturn",
]
