"""API tokens and roles, parsed once at start-up from ``RTUTILS_API_TOKENS``.

The setting reads ``name:role:token,name:role:token``. A token identifies a caller (its
``name`` appears in logs as ``user``) and grants a role. Messages about a bad entry name the
variable and the entry's position, never its text: a mistyped entry may put the token in
any of the three places.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from attrs import frozen
from zxcvbn import zxcvbn

from rtutils_core.errors import ConfigError

#: Roles from least to most powerful; each includes what the ones before it may do.
ROLES = ("viewer", "operator", "admin")
MIN_TOKEN_LENGTH = 24
#: A token must need at least 10**20 guesses (about 66 bits) by zxcvbn's estimate: a random
#: token of 24 characters needs about 10**32, "aaaa..." or "passwordpassword..." a few dozen.
MIN_GUESSES_LOG10 = 20
VARIABLE = "RTUTILS_API_TOKENS"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` may do what needs ``needed``."""
    return ROLES.index(role) >= ROLES.index(needed)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@frozen(repr=False)
class ApiToken:
    """One configured caller. Only a digest of the token is kept."""

    name: str
    role: str
    digest: str

    def __repr__(self) -> str:
        return f"ApiToken(name={self.name!r}, role={self.role!r})"


@frozen
class Principal:
    """Who is making the current request, and how they proved it."""

    name: str
    role: str
    via: str  # "token" (Authorization header) or "session" (signed cookie after login)

    def may(self, needed: str) -> bool:
        return role_allows(self.role, needed)


class TokenRegistry:
    """The configured tokens, looked up by the SHA-256 digest of what a caller presents."""

    def __init__(self, tokens: tuple[ApiToken, ...] = ()) -> None:
        self.tokens = tokens
        self._by_digest = {t.digest: t for t in tokens}
        self._by_name = {t.name: t for t in tokens}

    def __len__(self) -> int:
        return len(self.tokens)

    def find(self, presented: str) -> ApiToken | None:
        """The token entry for ``presented``, or ``None``."""
        if not presented:
            return None
        return self._by_digest.get(_digest(presented))

    def by_name(self, name: str) -> ApiToken | None:
        return self._by_name.get(name)

    @staticmethod
    def fingerprint(entry: ApiToken, key: str | bytes) -> str:
        """A keyed fingerprint of ``entry`` for the session cookie: changes if the token does.

        ``key`` is Flask's secret key, which may be text or bytes."""
        secret = key.encode("utf-8") if isinstance(key, str) else key
        return hmac.new(secret, entry.digest.encode(), hashlib.sha256).hexdigest()[:32]

    @classmethod
    def parse(cls, raw: str) -> TokenRegistry:
        """Parse the setting; raise :class:`ConfigError` naming the variable and the entry."""
        entries = [part.strip() for part in raw.split(",") if part.strip()]
        tokens = [_parse_entry(entry, index) for index, entry in enumerate(entries, start=1)]
        _refuse_repeats([t.name for t in tokens], "name")
        _refuse_repeats([t.digest for t in tokens], "token")
        return cls(tuple(tokens))


def _refuse_repeats(values: list[str], what: str) -> None:
    for first, value in enumerate(values, start=1):
        if values.count(value) > 1:
            second = values.index(value, first) + 1
            raise ConfigError(
                f"{VARIABLE} entries {first} and {second} have the same {what}; give each its own"
            )


def _parse_entry(entry: str, index: int) -> ApiToken:
    parts = entry.split(":", 2)
    where = f"{VARIABLE} entry {index}"
    if len(parts) != 3:
        raise ConfigError(f"{where} must look like 'name:role:token'")
    name, role, token = (p.strip() for p in parts)
    if not _NAME.match(name):
        raise ConfigError(
            f"{where}: the name must be 1-64 letters, digits, '.', '_', '@' or '-',"
            " starting with a letter or digit"
        )
    if role not in ROLES:
        raise ConfigError(f"{where}: the role must be one of {', '.join(ROLES)}")
    if any(c.isspace() for c in token):
        raise ConfigError(f"{where}: the token contains white space")
    refuse_weak_secret(token, f"{where} ({name!r}): the token")
    return ApiToken(name=name, role=role, digest=_digest(token))


def refuse_weak_secret(secret: str, what: str) -> None:
    """The rule for every secret a caller presents or that signs: at least
    :data:`MIN_TOKEN_LENGTH` characters and :data:`MIN_GUESSES_LOG10` guesses by zxcvbn's
    estimate; else :class:`ConfigError` naming ``what`` (never the secret)."""
    if len(secret) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            f"{what} is {len(secret)} characters long; at least {MIN_TOKEN_LENGTH} are"
            " required (for example: openssl rand -hex 24)"
        )
    if _guesses_log10(secret) < MIN_GUESSES_LOG10:
        raise ConfigError(
            f"{what} is too easy to guess (a repeated pattern, a sequence or words); use a"
            " random one, for example: openssl rand -hex 24"
        )


def _guesses_log10(token: str) -> float:
    """How many guesses (log10) zxcvbn's pattern matching needs to find ``token``."""
    # zxcvbn looks at the first 100 characters; a random token is unguessable long before.
    return float(zxcvbn(token[:100])["guesses_log10"])
