"""The optional PostgreSQL backend: the same schema, migrations and API as DuckDB.

Needs the ``postgres`` extra (psycopg 3).  Rows are loaded with ``COPY`` (the bulk path);
the analytics run in Python over ``Store.iter_events`` since their SQL is DuckDB's dialect.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from flashpoint.errors import StoreError
from flashpoint.store.base import Store
from flashpoint.store.schema import TABLE_COLUMNS

log = logging.getLogger(__name__)


class PostgresStore(Store):
    """Store in a PostgreSQL database (``postgresql://user@host:port/dbname``)."""

    backend = "postgresql"
    placeholder = "%s"

    @classmethod
    def open(cls, url: str, read_only: bool = False) -> PostgresStore:
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError(
                f"{url}: the PostgreSQL backend needs psycopg: pip install 'flashpoint[postgres]'"
            ) from exc
        try:
            conn = psycopg.connect(url, autocommit=True)
            if read_only:
                conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            raise StoreError(f"{_redact(url)}: cannot open PostgreSQL store: {exc}") from exc
        return cls(conn, read_only=read_only, location=_redact(url))

    def _stream(self, sql: str, params: Sequence[Any], batch: int) -> Iterator[dict[str, Any]]:
        """Through a server-side cursor: psycopg's own cursors fetch a whole result into the
        client at ``execute``.  ``withhold`` keeps it open outside a transaction (autocommit),
        and it is the cursor's own, so other statements may run meanwhile."""
        import uuid

        with self._conn.cursor(name=f"flashpoint_{uuid.uuid4().hex}", withhold=True) as cur:
            cur.execute(self._sql(sql), list(params))
            names = [d[0] for d in cur.description]
            while rows := cur.fetchmany(batch):
                for row in rows:
                    yield dict(zip(names, row, strict=True))

    def _insert_plain(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            marks = ", ".join(["%s"] * len(columns))
            with self._conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        names = [name for name, _ in TABLE_COLUMNS[table]]
        with self._conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(name) for name in names])


def _redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"
