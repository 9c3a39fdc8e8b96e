"""Asset tags: a prefix and a zero-padded sequence number, such as ``W12-00001``."""

from __future__ import annotations

import re

from attrs import frozen

from rtutils_core.errors import InvalidInput, InvalidTag, TagConflict, shown

_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
MIN_DIGITS = 1
MAX_DIGITS = 12


def validate_prefix(prefix: str) -> str:
    """Return ``prefix`` if it can start a tag, else raise :class:`InvalidInput`."""
    if not _PREFIX_RE.match(prefix):
        raise InvalidInput(
            f"tag prefix {prefix!r} is not valid: use 1-32 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit (for example 'W12-')"
        )
    if prefix.isdigit():
        # RT refuses asset names that are all digits.
        raise InvalidInput(f"tag prefix {prefix!r} may not be all digits")
    return prefix


@frozen(order=True)
class AssetTag:
    """A tag such as ``W12-00042``. ``str(tag)`` is exactly what is printed and scanned."""

    prefix: str
    number: int
    digits: int

    def __str__(self) -> str:
        return f"{self.prefix}{self.number:0{self.digits}d}"


@frozen
class TagFormat:
    """How tags of one prefix look: prefix plus ``digits`` zero-padded digits."""

    prefix: str = "W12-"
    digits: int = 5

    def __attrs_post_init__(self) -> None:
        validate_prefix(self.prefix)
        if not MIN_DIGITS <= self.digits <= MAX_DIGITS:
            raise InvalidInput(
                f"tag digits must be between {MIN_DIGITS} and {MAX_DIGITS}, not {self.digits}"
            )

    @property
    def max_number(self) -> int:
        return int(10**self.digits) - 1

    @property
    def example(self) -> str:
        return str(self.make(1))

    def make(self, number: int) -> AssetTag:
        """The tag with sequence ``number``; refuses numbers that do not fit the digits."""
        if not 1 <= number <= self.max_number:
            raise InvalidInput(
                f"tag number {number} is outside 1..{self.max_number} for {self.digits}"
                f" digits after {self.prefix!r}"
            )
        return AssetTag(self.prefix, number, self.digits)

    def sequence_tag(self, number: int) -> AssetTag:
        """The tag a sequence standing at ``number`` hands out.

        Raises :class:`TagConflict` when the digits are used up, because no caller input can
        fix that: only a wider ``TAG_DIGITS`` can.
        """
        if number > self.max_number:
            raise TagConflict(
                f"the {self.prefix!r} sequence is used up: {self.make(self.max_number)} is the"
                f" last tag with {self.digits} digits; configure more TAG_DIGITS"
            )
        return self.make(number)

    # Three readings of a text, by strictness: ``parse`` (this width, raises), ``parse_lenient``
    # (any width, raises) and ``read`` (any width, None for anything that is not a tag).

    def parse(self, text: str) -> AssetTag:
        """Strict: exactly this format, e.g. ``W12-00042``; else :class:`InvalidTag`.

        Whitespace around the text (a scanner's line end) is not part of the tag.
        """
        tag = self.read(text)
        if tag is None or tag.digits != self.digits:
            raise InvalidTag(
                f"{shown(text)} is not a tag of the form {self.example!r}"
                f" ({self.prefix!r} followed by {self.digits} digits)"
            )
        return tag

    def parse_lenient(self, text: str) -> AssetTag:
        """Lenient: a tag of this prefix in any width, ``W12-00042`` or the old ``W12-1001``.

        For finding tags that exist; new tags are always made in the configured width.
        Anything else is :class:`InvalidTag`, with a message showing the expected form.
        """
        tag = self.read(text)
        if tag is None or tag.digits > MAX_DIGITS:
            raise InvalidTag(
                f"{shown(text)} is not a tag of the form {self.example!r} ({self.prefix!r} followed"
                f" by {self.digits} digits, or another number of digits for older tags)"
            )
        return tag

    def read(self, text: str) -> AssetTag | None:
        """Lenient and never raising: the tag ``text`` is, in any width, or ``None``.

        ``W12-1001`` (from an older tool) reads as number 1001 with 4 digits, so ``str()`` of
        the result is the text as it stands. Whitespace around it (``"W12-00042 "``, pasted
        into RT by hand) is not part of the tag: the label shows none, and a scan of it must
        find the asset. For asset Names, which may be anything.
        """
        cleaned = text.strip()
        if not cleaned.startswith(self.prefix):
            return None
        body = cleaned[len(self.prefix) :]
        # A number wider than any tag is not one (and ``int`` refuses thousands of digits).
        if not 0 < len(body) <= MAX_DIGITS or not body.isascii() or not body.isdigit():
            return None
        if int(body) == 0:
            return None
        return AssetTag(self.prefix, int(body), len(body))


@frozen
class TagFormats:
    """The configured prefixes: a default one and any extra ones (e.g. a ``TEST-`` sandbox)."""

    default: TagFormat
    extra: tuple[TagFormat, ...] = ()

    @property
    def all(self) -> tuple[TagFormat, ...]:
        return (self.default, *self.extra)

    def for_prefix(self, prefix: str | None) -> TagFormat:
        """The format for ``prefix`` (``None`` means the default); unknown prefixes are refused."""
        if prefix is None or prefix == self.default.prefix:
            return self.default
        for fmt in self.extra:
            if fmt.prefix == prefix:
                return fmt
        known = ", ".join(repr(f.prefix) for f in self.all)
        raise InvalidInput(f"tag prefix {prefix!r} is not configured; known prefixes: {known}")

    def parse(self, text: str) -> AssetTag:
        """Strict: a tag of any configured prefix (longest first) in its configured width."""
        return self._format_of(text).parse(text)

    def parse_lenient(self, text: str) -> AssetTag:
        """Lenient: a tag of any configured prefix in any width (``W12-1001`` too), to look up."""
        return self._format_of(text).parse_lenient(text)

    def read(self, text: str) -> AssetTag | None:
        """Lenient and never raising: the tag of any configured prefix ``text`` is, or None."""
        try:
            fmt = self._format_of(text)
        except InvalidTag:
            return None
        return fmt.read(text)

    def _format_of(self, text: str) -> TagFormat:
        cleaned = text.strip()
        for fmt in sorted(self.all, key=lambda f: len(f.prefix), reverse=True):
            if cleaned.startswith(fmt.prefix):
                return fmt
        others = "".join(f", or {f.example!r}" for f in self.extra)
        raise InvalidTag(
            f"{shown(text)} is not a tag of the form {self.default.example!r}"
            f" ({self.default.prefix!r} followed by {self.default.digits} digits){others}"
        )
