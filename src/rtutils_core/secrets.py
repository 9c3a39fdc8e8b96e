"""Secret strings (tokens, keys) that never show themselves in a repr, str or format."""

from __future__ import annotations

from attrs import field, frozen


@frozen(repr=False)
class Secret:
    """A secret string that never shows itself in a repr, str or format."""

    _value: str = field(alias="value")

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__
