"""The DuckDB backend: the default store, one file, bulk inserts through Arrow."""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from flashpoint.errors import StoreError
from flashpoint.store.base import SIDES_SQL, CommittedInterrupt, Side, Store, WriteSummary, _side_counts
from flashpoint.store.parquet import rows_to_arrow

log = logging.getLogger(__name__)

CHECKPOINT_THRESHOLD = "256MiB"
"""Write-ahead log size at which DuckDB folds it into the database file (DuckDB's default:
16 MiB).  A checkpoint's cost grows with the store, and at the default a stream of loads
paid one about every 900 articles: loading VOA bundles into a growing store, the commits took
0.06 s a load at 900 articles and 0.18 s at 28,000; at 256 MiB 0.02-0.03 s between
checkpoints, which come about sixteen times less often (``benchmarks/writer.py``).  The log
is replayed when a store that was not closed is opened again, so a crash costs a slower
open, never data: a log of 88 MB (4,800 articles loaded, the process then killed) replayed
in 0.4 s."""


MEMORY_ENV = "FLASHPOINT_DUCKDB_MEMORY"
"""Environment variable that sets DuckDB's ``memory_limit`` for every store flashpoint opens
(``512MB``, ``2GiB``, ``25%`` of the RAM; DuckDB's own syntax)."""

MEMORY_LIMIT = "512MB"
"""DuckDB's buffer pool for a store file, unless ``MEMORY_ENV`` says otherwise.

DuckDB caches the blocks it reads and writes up to its default limit of 80% of the RAM, so a
writer's memory grew with its store, with no end in sight for a year of news.  A process
loading coded VOA bundles (``benchmarks/store_memory.py``, no model loaded) peaked at 1,017-
1,020 MB by 44,500 stories with DuckDB's default, and at 761-762 MB with this cap; at 178,000
stories (four times as many) at 798 MB capped and 2,551 MB not.  The loads took no longer
(29.7 s against 30.9 s for the 44,500 stories, 168 s against 209 s for the 178,000): a load
touches the new rows, the articles' ids and the ``actors`` table, not the whole store.
256MB saves another 250 MB for loads about 10% slower.

Readers get the cap too.  Exporting 774,000 events took 1.8 GB at DuckDB's default and 445
MB under 256 MB (29 s against 37 s), and every command and dashboard route answered the
same under 256 MB as without it, as fast (the file's pages stay in the system's page cache
either way).  An in-memory store keeps DuckDB's default, since its data can live nowhere
else."""


class _HeldInterrupt:
    """Holds a Ctrl-C back until the block ends, and says whether one came.

    Only over Python's own handler, in the main thread: a caller that handles SIGINT itself
    (``flashpoint code`` asks a run to stop after the article in hand) keeps its handler."""

    def __init__(self) -> None:
        self.came = False
        self._before: Any = None

    def __enter__(self) -> _HeldInterrupt:
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._before = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum: int, frame: Any) -> None:
        self.came = True

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._before is not None:
            signal.signal(signal.SIGINT, self._before)


def _is_duckdb_file(file: Path) -> bool:
    """Whether ``file`` starts as a DuckDB database does (its magic bytes ``DUCK`` at offset 8):
    DuckDB itself answers a text file opened read-only with "Cannot launch in-memory database
    in read-only mode!", which names neither the file nor the problem."""
    try:
        with file.open("rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"
    except OSError:
        return True  # unreadable: DuckDB's own error says why


class DuckDBStore(Store):
    """Store in a DuckDB file (or ``:memory:``)."""

    backend = "duckdb"
    arrow_loads = True

    @classmethod
    def open(cls, path: str, read_only: bool = False) -> DuckDBStore:
        import duckdb

        if path != ":memory:":
            file = Path(path)
            if read_only and not file.exists():
                raise StoreError(f"{path}: no such store")
            if not read_only and file.parent and not file.parent.exists():
                raise StoreError(f"{path}: directory {file.parent} does not exist")
            if file.is_file() and file.stat().st_size and not _is_duckdb_file(file):
                raise StoreError(f"{path}: not a DuckDB store file")
        try:
            conn = duckdb.connect(path, read_only=read_only)
            if not read_only:
                conn.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot open DuckDB store: {exc}") from exc
        limit = os.environ.get(MEMORY_ENV, "").strip()
        if not limit and path != ":memory:":
            limit = MEMORY_LIMIT
        if limit:
            try:
                conn.execute("SET memory_limit = ?", [limit])
            except duckdb.Error as exc:
                conn.close()
                raise StoreError(f"{MEMORY_ENV}={limit!r}: not a DuckDB memory limit ({exc})") from exc
        return cls(conn, read_only=read_only, location=path)

    def _commit(self) -> None:
        """COMMIT with a Ctrl-C held back until it ends (then ``CommittedInterrupt``).

        DuckDB checks for Ctrl-C while it checkpoints, which a commit starts once the
        write-ahead log is past ``CHECKPOINT_THRESHOLD``; interrupted there, the COMMIT raised
        "Query interrupted" although the transaction had been committed.  A merge of 44,500
        stories interrupted so (6 s in, during its 3.2 s COMMIT) said it was rolled back and
        was in the store."""
        with _HeldInterrupt() as held:
            self._conn.execute("COMMIT")
        if held.came:
            raise CommittedInterrupt

    def _stream(self, sql: str, params: Sequence[Any], batch: int) -> Iterator[dict[str, Any]]:
        """The rows of one statement, written by DuckDB to a temporary Parquet file (in
        ``TMPDIR``) and read back ``batch`` rows at a time.

        Why not a cursor's ``fetchmany``: DuckDB keeps an ordered result it streams pinned in
        memory, and an export of 774,000 events in the standard order took 1.1 GB, failing
        with "Out of Memory Error: failed to pin block" past 120,000 rows under a 256 MB
        limit.  Written out by ``COPY``, the sort spills to disk as needed: the same export
        read back the 774,000 rows under that limit in 9 s with a peak of 359 MB, with values
        identical to a fetch."""
        import pyarrow.parquet as pq

        with tempfile.TemporaryDirectory(prefix="flashpoint-rows-") as tmp:
            path = Path(tmp) / "rows.parquet"
            try:
                target = str(path).replace("'", "''")  # TMPDIR may hold a quote
                self._conn.execute(f"COPY ({sql}) TO '{target}' (FORMAT PARQUET)", list(params))
            except Exception as exc:
                if self._interrupted(exc):
                    raise KeyboardInterrupt from exc
                raise StoreError(f"{self.location}: query failed: {exc}") from exc
            for part in pq.ParquetFile(path).iter_batches(batch_size=batch):
                yield from part.to_pylist()

    def _interrupted(self, exc: BaseException) -> bool:
        """DuckDB turns a SIGINT during a statement into ``RuntimeError("Query interrupted")``
        (or its ``InterruptException``) and swallows the KeyboardInterrupt: a Ctrl-C while a
        batch was being stored became "write failed", and one during a small update vanished."""
        import duckdb

        return isinstance(exc, duckdb.InterruptException) or (
            isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()
        )

    @property
    def duckdb(self) -> Any:
        """The DuckDB connection, for analytics that run as SQL."""
        return self._conn

    def _insert(self, table: str, rows: Any) -> None:
        data = rows if hasattr(rows, "column_names") else rows_to_arrow(rows, table)
        self._conn.register("_fp_rows", data)
        try:
            self._conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _fp_rows")
        finally:
            self._conn.unregister("_fp_rows")

    def _delete_docs(self, doc_ids: list[str], error_ids: list[str]) -> tuple[int, Counter[Side]]:
        """Delete through a registered Arrow table of ids (a semi-join is ~3x faster than a
        long ``IN (?, ?, ...)`` list in DuckDB).

        Only the articles already stored are deleted from ``events`` and ``sentences``: those
        rows are only ever written with their article's row, in one transaction, so a batch
        of new articles (every load of a first run) skips the count, the old events' sides and
        the deletes, scans of ``events`` and ``sentences`` whose cost grows with the store:
        0.14 s of a 0.36 s load of 400 articles into a store of 2.3 million events."""
        import pyarrow as pa

        self._conn.register("_fp_error_ids", pa.table({"doc_id": pa.array(error_ids, pa.string())}))
        self._conn.register("_fp_ids", pa.table({"doc_id": pa.array(doc_ids, pa.string())}))
        try:
            ids = "SELECT doc_id FROM _fp_ids"
            replaced, removed = 0, Counter[Side]()
            if self._scalar(f"SELECT count(*) FROM articles WHERE doc_id IN ({ids})"):
                replaced = self._scalar(f"SELECT count(*) FROM events WHERE doc_id IN ({ids})")
                removed = _side_counts(self.query(SIDES_SQL.format(ids=ids)))
                for table in ("events", "sentences", "articles"):
                    self._conn.execute(f"DELETE FROM {table} WHERE doc_id IN ({ids})")
            self._conn.execute("DELETE FROM errors WHERE doc_id IN (SELECT doc_id FROM _fp_error_ids)")
        finally:
            self._conn.unregister("_fp_ids")
            self._conn.unregister("_fp_error_ids")
        return int(replaced), removed

    def _insert_plain(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Through a registered Arrow table, as ``_insert`` (DuckDB's ``executemany`` runs a
        statement a row)."""
        import pyarrow as pa

        if not rows:
            return
        data = pa.table(
            {
                name: pa.array(
                    [row[k] for row in rows], pa.int64() if name in ("n", "count") else pa.string()
                )
                for k, name in enumerate(columns)
            }
        )
        self._conn.register("_fp_plain", data)
        try:
            self._conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM _fp_plain")
        finally:
            self._conn.unregister("_fp_plain")

    def merge(self, source: str | os.PathLike[str]) -> WriteSummary:
        """Copy another DuckDB store into this one: its articles with their sentences, events
        and errors (replacing what this store holds for the same ``doc_id``, as a write does),
        its input errors that this store lacks, and its runs that this store lacks.

        Why: one writer feeds one store, so a run too big for one writer is cut into runs of
        their own (a month each, say), and their stores are merged into one for analysis.
        The copy is set-based SQL over the source attached read-only, in one transaction:
        the merge happens whole or not at all, the source is never written, and no row
        passes through Python, so memory stays within DuckDB's limit whatever the sizes.
        Both stores must be at the same migration (open an older source once read-write)."""
        self._check_writable()
        path = Path(source)
        name = os.fspath(source)
        if not path.is_file():
            raise StoreError(f"{name}: no such store")
        if self.location != ":memory:" and path.resolve() == Path(self.location).resolve():
            raise StoreError(f"{name}: cannot merge a store into itself")
        with DuckDBStore.open(name, read_only=True) as src:  # a DuckDB file, fully migrated?
            version = src.schema_version()
        if version != self.schema_version():
            raise StoreError(
                f"{name}: store is at migration {version}, {self.location} at {self.schema_version()}; "
                "open the older one read-write with this flashpoint to migrate it"
            )
        self._conn.execute("ATTACH ? AS _fp_src (READ_ONLY)", [str(path)])
        try:
            return self._merge_attached()
        finally:
            self._conn.execute("DROP TABLE IF EXISTS temp._fp_merge_ids")
            self._conn.execute("DETACH _fp_src")

    def _merge_attached(self) -> WriteSummary:
        """The transaction of ``merge``, the source attached as ``_fp_src``."""
        ids = "SELECT doc_id FROM temp._fp_merge_ids"
        same_input_error = " AND ".join(
            f"x.{c} IS NOT DISTINCT FROM e.{c}" for c in ("stage", "reason", "origin", "time")
        )
        with self._transaction("merge"):
            # as in a write, an article replaces the stored one and its errors; an error alone
            # replaces the article's errors and keeps what was stored (a failed re-code)
            self._conn.execute("CREATE TEMP TABLE _fp_merge_ids AS SELECT doc_id FROM _fp_src.articles")
            replaced = int(self._scalar(f"SELECT count(*) FROM events WHERE doc_id IN ({ids})"))
            removed = _side_counts(self.query(SIDES_SQL.format(ids=ids)))
            for table in ("events", "sentences", "articles", "errors"):
                self._conn.execute(f"DELETE FROM {table} WHERE doc_id IN ({ids})")
            self._conn.execute(
                "DELETE FROM errors WHERE doc_id IN (SELECT doc_id FROM _fp_src.errors WHERE doc_id IS NOT NULL)"
            )
            counts = {}
            for table in ("articles", "sentences", "events"):
                counts[table] = int(self._scalar(f"SELECT count(*) FROM _fp_src.{table}"))
                self._conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _fp_src.{table}")
            new_errors = (
                "FROM _fp_src.errors e WHERE e.doc_id IS NOT NULL OR NOT EXISTS "
                f"(SELECT 1 FROM errors x WHERE x.doc_id IS NULL AND {same_input_error})"
            )
            counts["errors"] = int(self._scalar(f"SELECT count(*) {new_errors}"))
            self._conn.execute(f"INSERT INTO errors BY NAME SELECT e.* {new_errors}")
            self._update_actors(_side_counts(self.query(SIDES_SQL.format(ids=ids))), removed)
            self._conn.execute(
                "INSERT INTO runs BY NAME SELECT * FROM _fp_src.runs "
                "WHERE run_id NOT IN (SELECT run_id FROM runs)"
            )
        return WriteSummary(
            counts["articles"], counts["events"], counts["sentences"], counts["errors"], replaced
        )
