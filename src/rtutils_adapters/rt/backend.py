"""``RTRestBackend``: one RT 5 through REST 2.0, every port of the core in one object.

It is the asset port (:class:`~rtutils_adapters.rt.assets.RTAssets`) with a part for each
other port: ``loans`` (:class:`~rtutils_adapters.rt.loans.RTLoans`), ``intake_search``
(:class:`~rtutils_adapters.rt.intake_search.RTIntakeSearch`) and ``user_fields``
(:class:`~rtutils_adapters.rt.user_fields.RTUserFields`). All of them read through one
:class:`~rtutils_adapters.rt.reader.RTReader`: one HTTP session pool and one metadata cache
for the backend, however many ports it serves.
"""

from __future__ import annotations

from rtutils_adapters.port_parts import PortParts
from rtutils_adapters.rt.address import without_credentials
from rtutils_adapters.rt.assets import RTAssets
from rtutils_adapters.rt.client import RTClient
from rtutils_adapters.rt.intake_search import RTIntakeSearch
from rtutils_adapters.rt.loans import RTLoans
from rtutils_adapters.rt.reader import RTReader
from rtutils_adapters.rt.user_fields import RTUserFields
from rtutils_core.secrets import Secret


class RTRestBackend(RTAssets, PortParts):
    """Assets, users, catalogs and tickets in one RT 5, through REST 2.0. Thread-safe."""

    def __init__(
        self,
        rt_url: str,
        token: Secret,
        *,
        api_url: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        cache_seconds: float = 300.0,
        retries: int = 2,
        backoff: float = 0.5,
        pool_size: int = 10,
        sessions: bool = True,
    ) -> None:
        self.rt_url = rt_url.rstrip("/")
        # Links to RT's pages are shown and printed: never with a user:password@ in them.
        self.link_url = without_credentials(self.rt_url)
        self.client = RTClient(
            api_url or self.rt_url + "/REST/2.0",
            token,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries=retries,
            backoff=backoff,
            pool_size=pool_size,
            web_url=self.rt_url,
            sessions=sessions,
        )
        reader = RTReader(self.client, self.link_url, cache_seconds)
        self.metadata = reader.metadata
        RTAssets.__init__(self, reader)
        PortParts.__init__(self, RTLoans(reader), RTIntakeSearch(reader), RTUserFields(self.client))

    def __repr__(self) -> str:
        return f"RTRestBackend({self.link_url!r})"

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent to RT so far (for benchmarks and tests)."""
        return self.client.requests_sent

    def refresh_metadata(self) -> None:
        """Forget cached catalogs and custom fields; the next use reads them from RT."""
        self.metadata.refresh()

    def warm_metadata(self) -> int:
        """Read every catalog and its custom fields into the cache now; return the catalogs.

        A service calls this at start-up (in the background), so that its first search or
        write does not wait for these reads.
        """
        self.metadata.all_custom_fields()
        return len(self.metadata.catalogs())

    def close(self) -> None:
        self.client.close()
