"""Use cases: what users and other programs do with rtutils, over the ports."""

from rtutils_core.services.assets import AssetService
from rtutils_core.services.labels import LabelService
from rtutils_core.services.loans import LoanService
from rtutils_core.services.tags import TagService

__all__ = ["AssetService", "LabelService", "LoanService", "TagService"]
