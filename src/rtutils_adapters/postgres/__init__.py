"""PostgreSQL adapters: the tag store shared by several service instances."""

from rtutils_adapters.postgres.tags import PostgresTagStore

__all__ = ["PostgresTagStore"]
