"""Who may see people: the owner and holders of a device, a loan's borrower, a student.

The data is about students. A viewer (a dashboard, a wall display) reads devices and
counts; who has which device needs :data:`PEOPLE_ROLE`, whether it is shown (an asset's
``owner`` and ``held_by`` in answers, pages and CSVs) or asked (a filter by person: even a
count tells what someone borrowed). Every feature asks here, so the rule is written once.
"""

from __future__ import annotations

from collections.abc import Iterable

from werkzeug.exceptions import Forbidden

from rtutils_web.access.auth import current_principal

#: The least role that sees who holds or owns a device.
PEOPLE_ROLE = "operator"


def people_shown() -> bool:
    """Whether the caller of the current request may see people."""
    principal = current_principal()
    return principal is not None and principal.may(PEOPLE_ROLE)


def refuse_person_filter(asked: Iterable[str]) -> None:
    """403 if the caller may not see people and filters by any of the parameters ``asked``."""
    names = [name for name in asked if name]
    if names and not people_shown():
        raise Forbidden(
            f"filtering by person ({', '.join(map(repr, names))}) needs the {PEOPLE_ROLE} role"
            " (the data is about students)"
        )
