"""Which client a request comes from, when reverse proxies stand in front (``TRUSTED_PROXIES``).

Behind a proxy every request comes from the proxy's address; the client's is in
``X-Forwarded-For``, which anyone can also send. It is believed only as far as the setting
says, and werkzeug's ``ProxyFix`` does the rewriting of ``REMOTE_ADDR``:

- ``0`` (the default): no proxy; ``X-Forwarded-For`` is ignored.
- a number ``N``: always ``N`` proxies in a row; the client is the ``N``-th address from the
  right of ``X-Forwarded-For`` (each proxy appends the address it was reached from).
- addresses or networks (``10.0.0.5,192.0.2.0/24``): ``X-Forwarded-For`` is believed only
  from these peers; the client is the nearest address that is not one of them.

The throttling of failed credentials (``access/throttle.py``) and every log line use the
address that results.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from attrs import frozen
from werkzeug.middleware.proxy_fix import ProxyFix

from rtutils_core.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: More proxies in a row than any school runs: a larger number is a typo.
MAX_HOPS = 10


@frozen
class ProxyTrust:
    """The proxies whose ``X-Forwarded-For`` is believed: a fixed count, or their addresses."""

    hops: int = 0
    networks: tuple[Network, ...] = ()

    def _is_proxy(self, address: str) -> bool:
        try:
            found = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(found in network for network in self.networks)

    def hops_for(self, peer: str, forwarded_for: str) -> int:
        """How many ``X-Forwarded-For`` entries to believe for a request from ``peer``."""
        if not self.networks:
            return self.hops
        if not self._is_proxy(peer):
            return 0
        entries = [e for e in forwarded_for.split(",") if e.strip()]
        hops = 1
        # A chain of our own proxies: skip them, from the right, to the nearest client.
        while hops < len(entries) and self._is_proxy(entries[-hops]):
            hops += 1
        return min(hops, len(entries))


def parse_trusted_proxies(name: str, raw: str) -> ProxyTrust:
    """``0``, a number of proxies, or their addresses and networks, comma-separated."""
    if raw.isdigit():
        hops = int(raw)
        if hops > MAX_HOPS:
            raise ConfigError(f"{name} must be at most {MAX_HOPS} proxies, not {raw!r}")
        return ProxyTrust(hops=hops)
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name}: {part[:40]!r} is not an IP address or network; give a number of"
                " proxies or their addresses, e.g. 1 or 10.0.0.5,192.0.2.0/24"
            ) from None
    return ProxyTrust(networks=tuple(networks))


def trust_forwarded_for(wsgi_app: Any, trust: ProxyTrust) -> Callable[..., Iterable[bytes]]:
    """``wsgi_app`` that sees the client's address as ``REMOTE_ADDR``, as far as ``trust``
    allows."""

    @cache
    def fixed(hops: int) -> ProxyFix:
        return ProxyFix(wsgi_app, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        hops = trust.hops_for(
            environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR", "")
        )
        target = fixed(hops) if hops else wsgi_app
        result: Iterable[bytes] = target(environ, start_response)
        return result

    return app
