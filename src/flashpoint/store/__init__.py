"""The event store: DuckDB by default, PostgreSQL optionally, one schema and one API.

    with open_store("events.duckdb") as store:
        store.write(results)                      # idempotent: replace by doc_id
        store.events(EventFilter(dyad=("PRK", "USA")), limit=50)

Tables: ``articles``, ``sentences``, ``events`` (one row per event record, flattened
columns, ``event_id`` primary key), ``actors``, ``errors`` and ``schema_migrations``.
"""

from __future__ import annotations

import os

from flashpoint.errors import StoreError
from flashpoint.store.base import CommittedInterrupt, Store, WriteSummary, migrations
from flashpoint.store.filters import EventFilter, side_matches
from flashpoint.store.parquet import read_bundle, results_to_parquet

__all__ = [
    "CommittedInterrupt",
    "EventFilter",
    "Store",
    "WriteSummary",
    "migrations",
    "open_store",
    "read_bundle",
    "results_to_parquet",
    "side_matches",
]


def open_store(url_or_path: str | os.PathLike[str], read_only: bool = False) -> Store:
    """Open (creating and migrating if needed) the store at a path or URL.

    ``postgresql://...`` opens the PostgreSQL backend (needs the ``postgres`` extra);
    anything else is a DuckDB file path (``:memory:`` for a throwaway store).
    """
    target = os.fspath(url_or_path)
    if target.startswith(("postgresql://", "postgres://")):
        from flashpoint.store.postgres import PostgresStore

        return PostgresStore.open(target, read_only=read_only)
    if "://" in target:
        raise StoreError(f"{target}: unsupported store URL (use a DuckDB path or postgresql://)")
    from flashpoint.store.duck import DuckDBStore

    return DuckDBStore.open(target, read_only=read_only)
