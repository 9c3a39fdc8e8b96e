"""The custom fields of a catalog as a form needs them: their kind and their choices."""

from __future__ import annotations

from typing import Literal

from attrs import field, frozen

from rtutils_core.errors import InvalidField
from rtutils_core.geometry import strings

#: ``select``: only the listed choices; ``combobox``: the choices are suggestions, any text
#: goes; ``freeform``: any text; ``other``: dates, files, ... (not written by intake).
FieldKind = Literal["select", "combobox", "freeform", "other"]


@frozen
class CatalogField:
    """One custom field applied to a catalog's assets."""

    name: str
    kind: FieldKind = "freeform"
    choices: tuple[str, ...] = field(default=(), converter=strings)
    #: Whether the field takes several values (RT's MaxValues other than 1).
    is_multiple: bool = False

    @property
    def is_closed(self) -> bool:
        """Whether only the listed choices are allowed."""
        return self.kind == "select"

    def accept(self, value: str, *, input_name: str | None = None) -> str:
        """``value`` as the field stores it; refuses a value outside a Select field's choices.

        A choice is matched without regard to case and handed back as RT spells it, so
        ``hp`` typed at the desk is stored as ``HP``.
        """
        if not self.is_closed:
            return value
        for choice in self.choices:
            if choice == value or choice.casefold() == value.casefold():
                return choice
        listed = ", ".join(repr(c) for c in self.choices) or "none are configured in RT"
        raise InvalidField(
            input_name or self.name,
            f"{value!r} is not a choice of the custom field {self.name!r}; choices: {listed}",
        )
