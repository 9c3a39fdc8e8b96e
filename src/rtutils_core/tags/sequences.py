"""Rules every tag store applies to a prefix's sequence, shared by the fake and the real one."""

from __future__ import annotations

from rtutils_core.errors import TagConflict
from rtutils_core.tags.ports import Outcome, Reservation
from rtutils_core.tags.values import AssetTag, TagFormat

#: The state of a number held for its asset until the backend carries it.
OPEN = "reserved"
#: States of a number that still belongs to its asset (skipped and voided ones do not).
LIVE = ("reserved", "assigned")


def shown(fmt: TagFormat, number: int) -> str:
    """``number`` as a tag of ``fmt``, even past the format's range (for messages)."""
    return str(AssetTag(fmt.prefix, number, fmt.digits))


def check_set_next(fmt: TagFormat, number: int, highest_issued: int, *, force: bool) -> None:
    """Refuse a move of the sequence at or below a number already handed out, unless forced."""
    fmt.make(number)  # a number the format cannot show is bad input, forced or not
    if number <= highest_issued and not force:
        raise TagConflict(
            f"refusing to set the next tag to {shown(fmt, number)}: {shown(fmt, highest_issued)}"
            f" has been issued already, so the next tag must be {shown(fmt, highest_issued + 1)}"
            " or higher (or force the change)"
        )


def describe_move(fmt: TagFormat, before: int, after: int, *, note: str = "") -> str:
    """The event-log text of a sequence move."""
    text = f"next tag {shown(fmt, after)} (was {shown(fmt, before)})"
    return f"{text}; {note}" if note else text


def needs_record(
    reservation: Reservation, state: str | None, holder: int | None, outcome: Outcome
) -> bool:
    """Whether ``outcome`` of ``reservation`` is news for the store; False if already recorded.

    ``state`` and ``holder`` are what the store holds for the number now. A failure changes no
    state and is always news, and so is writing an assigned number to its asset once more. A
    number that went another way, or belongs to another asset, is a conflict: the store never
    hands a number to two assets nor revives one it gave up.
    """
    if outcome == "failed":
        return True
    if state is None or holder != reservation.asset_id:
        owner = f"for asset {holder}" if holder else "for nobody"
        raise TagConflict(
            f"{reservation.tag} is not reserved for asset {reservation.asset_id}"
            f" (the tag store holds it {owner})"
        )
    if state == OPEN or (state == outcome == "assigned" and reservation.is_assigned):
        return True
    if state != outcome:
        raise TagConflict(
            f"{reservation.tag} cannot become {outcome}: it is {state} already"
            f" (asset {reservation.asset_id})"
        )
    return False


def needs_binding(
    reservation: Reservation, state: str | None, holder: int | None, asset_id: int
) -> bool:
    """Whether a number held for a stand-in may go to ``asset_id`` now; False if it has.

    ``state`` and ``holder`` are what the store holds for the number now.
    """
    if state == "assigned" and holder == asset_id:
        return False
    if state != OPEN or holder != reservation.asset_id:
        now = f"{state} for asset {holder}" if state else "not handed out"
        raise TagConflict(
            f"{reservation.tag} cannot go to the new asset {asset_id}: it is {now}"
            f" (it was held for {reservation.asset_id})"
        )
    if asset_id < 1:
        raise TagConflict(f"{reservation.tag} can only go to a real asset, not {asset_id}")
    return True
