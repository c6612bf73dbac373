"""The backend-independent part of the event store: migrations, idempotent writes, queries.

A backend (DuckDB, PostgreSQL) supplies a DB-API-like connection plus a few dialect hooks
(bulk insert of rows, the actors recount statement, placeholder style, and optionally faster
deletes); everything else (the SQL text, the replace-by-``doc_id`` rule, the record shapes)
lives here so the backends cannot drift apart.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from itertools import groupby, islice
from typing import Any

from flashpoint._version import __version__
from flashpoint.errors import MigrationError, StoreError
from flashpoint.models import CodingResult
from flashpoint.store.filters import EventFilter
from flashpoint.store.schema import TABLE_COLUMNS, event_record, result_rows

log = logging.getLogger(__name__)

BATCH_ARTICLES = 500
"""Articles per write transaction: big enough for bulk inserts, small enough to stream."""

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

ARTICLE_JOIN = (
    "a.url AS article_url, a.title AS article_title, a.source AS article_source, "
    "a.published AS article_published"
)
SIDES_SQL = (
    "SELECT code, name, country, agent, count(*) AS n FROM ("
    "SELECT source_code AS code, source_name AS name, source_country AS country, source_agent AS agent "
    "FROM events WHERE doc_id IN ({ids}) "
    "UNION ALL SELECT target_code, target_name, target_country, target_agent "
    "FROM events WHERE doc_id IN ({ids})"
    ") sides WHERE code IS NOT NULL GROUP BY code, name, country, agent"
)
"""The event sides of the articles ``{ids}``, counted by actor code and label: what deleting
them takes from ``actor_sides``."""
SIDE_COLUMNS = ("code", "name", "country", "agent")
ACTOR_COLUMNS = (*SIDE_COLUMNS, "count")

Side = tuple[str, str | None, str | None, str | None]
"""One event side's actor: code, name, country, agent."""
ORDER = "date NULLS LAST, doc_id, sentence_index, event_id"
ORDER_F = "f.date NULLS LAST, f.doc_id, f.sentence_index, f.event_id"


class CommittedInterrupt(KeyboardInterrupt):
    """A Ctrl-C that came while a write or merge was committing.  The store held it until the
    commit ended, so what was being written is whole in the store; the caller stops as on
    any Ctrl-C, knowing that it went in."""


@dataclass(frozen=True)
class WriteSummary:
    """What one ``write``/``load_parquet`` call did (counts of rows written and replaced)."""

    articles: int = 0
    events: int = 0
    sentences: int = 0
    errors: int = 0
    replaced_events: int = 0

    def __add__(self, other: WriteSummary) -> WriteSummary:
        return WriteSummary(
            self.articles + other.articles,
            self.events + other.events,
            self.sentences + other.sentences,
            self.errors + other.errors,
            self.replaced_events + other.replaced_events,
        )


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package: ``(version, name, sql)`` in order."""
    found = []
    for entry in resources.files("flashpoint.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"migrations must be numbered 0001.. without gaps, found {versions}")
    return found


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (our scripts hold no ';' inside literals)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _values(data: Any, column: str) -> list[Any]:
    """One column of a table given as row dicts or as an Arrow table."""
    if hasattr(data, "column_names"):
        return data.column(column).to_pylist()
    return [row.get(column) for row in data]


def _concat(bundles: list[dict[str, Any]]) -> dict[str, Any]:
    """The tables of several bundles as one (Arrow tables or lists of row dicts)."""
    out: dict[str, Any] = {}
    for table in bundles[0]:
        parts = [rows[table] for rows in bundles]
        if hasattr(parts[0], "column_names"):
            import pyarrow as pa

            out[table] = pa.concat_tables(parts)
        else:
            out[table] = [row for part in parts for row in part]
    return out


def _side_counts(rows: Iterable[dict[str, Any]]) -> Counter[Side]:
    """Sides counted by ``SIDES_SQL`` or read from ``actor_sides`` (rows with a column ``n``)."""
    counts = Counter[Side]()
    for row in rows:
        counts[(row["code"], row["name"], row["country"], row["agent"])] += int(row["n"])
    return counts


def _event_sides(events: Any) -> Counter[Side]:
    """The sides (source and target) of events given as row dicts or an Arrow table."""
    counts = Counter[Side]()
    for role in ("source", "target"):
        columns = [_values(events, f"{role}_{name}") for name in SIDE_COLUMNS]
        counts.update(side for side in zip(*columns, strict=True) if side[0] is not None)
    return counts


def _most_frequent(weights: dict[Any, int]) -> Any:
    """The value with the largest weight, the smallest among equals; None if there is none
    (None values never count: SQL's ``mode`` skips NULLs)."""
    found = [(-n, value) for value, n in weights.items() if value is not None]
    return min(found)[1] if found else None


def _actor_rows(sides: list[tuple[Side, int]]) -> list[tuple[Any, ...]]:
    """``actors`` rows from ``actor_sides`` rows sorted by code (see ``_update_actors``)."""
    rows = []
    for code, group in groupby(sides, key=lambda item: item[0][0]):
        members = list(group)
        labels = []
        for k in (1, 2, 3):
            weights: dict[Any, int] = {}
            for side, n in members:
                weights[side[k]] = weights.get(side[k], 0) + n
            labels.append(_most_frequent(weights))
        rows.append((code, *labels, sum(n for _side, n in members)))
    return rows


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class Store:
    """An event store over one database; use ``open_store`` to get one.

    Writes replace everything previously stored for the written ``doc_id``s, in one
    transaction per batch of whole articles, so re-coding never duplicates events and a
    crash never leaves half an article.
    """

    placeholder = "?"
    backend = "abstract"
    arrow_loads = False
    """Whether ``_insert`` takes Arrow tables as well as row dicts (Parquet loads skip dicts)."""

    def __init__(self, conn: Any, read_only: bool = False, location: str = "") -> None:
        self._conn = conn
        self.read_only = read_only
        self.location = location
        self._closed = False
        self._migrate()

    @property
    def duckdb(self) -> Any:
        """The DuckDB connection, for analytics that run as SQL (None: not a DuckDB store)."""
        return None

    # -- dialect hooks -----------------------------------------------------------------
    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:  # pragma: no cover
        raise NotImplementedError

    def _delete_docs(self, doc_ids: list[str], error_ids: list[str]) -> tuple[int, Counter[Side]]:
        """Delete the stored rows of ``doc_ids`` (errors of ``error_ids``); return how many
        events that removed and their sides (see ``SIDES_SQL``).  Runs inside the write
        transaction."""
        replaced, removed = 0, Counter[Side]()
        for chunk in _chunks(doc_ids, 1000):
            marks = ", ".join(["?"] * len(chunk))
            replaced += int(self._scalar(f"SELECT count(*) FROM events WHERE doc_id IN ({marks})", chunk))
            removed.update(_side_counts(self.query(SIDES_SQL.format(ids=marks), chunk + chunk)))
            for table in ("events", "sentences", "articles"):
                self._conn.execute(self._sql(f"DELETE FROM {table} WHERE doc_id IN ({marks})"), chunk)
        for chunk in _chunks(error_ids, 1000):
            marks = ", ".join(["?"] * len(chunk))
            self._conn.execute(self._sql(f"DELETE FROM errors WHERE doc_id IN ({marks})"), chunk)
        return replaced, removed

    def _update_actors(self, added: Counter[Side], removed: Counter[Side]) -> None:
        """Bring ``actor_sides`` and the ``actors`` rows of the codes a write touched up to
        date, from the sides it added and removed.

        ``actors`` once was recounted by scanning all events for every code a write named,
        so each write cost more as the store grew (0.3 s of a 0.5-0.9 s load of 400 articles
        into 7.7 million events): ``actor_sides`` holds, per code, how many sides carry each
        (name, country, agent), a few rows a code, and the touched codes' rows are read,
        changed and written back here.  An actor's name, country and agent are each the
        most frequent value among its sides (ties: the smallest), its count their number."""
        codes = sorted({side[0] for side in added} | {side[0] for side in removed})
        if not codes:
            return
        sides = Counter[Side]()
        for chunk in _chunks(codes, 1000):
            marks = ", ".join(["?"] * len(chunk))
            sides.update(
                _side_counts(self.query(f"SELECT * FROM actor_sides WHERE code IN ({marks})", chunk))
            )
            for table in ("actor_sides", "actors"):
                self._conn.execute(self._sql(f"DELETE FROM {table} WHERE code IN ({marks})"), chunk)
        sides.update(added)
        sides.subtract(removed)
        kept = sorted(((side, n) for side, n in sides.items() if n > 0), key=lambda item: item[0][0])
        self._insert_plain("actor_sides", (*SIDE_COLUMNS, "n"), [(*side, n) for side, n in kept])
        self._insert_plain("actors", ACTOR_COLUMNS, _actor_rows(kept))

    def _insert_plain(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:  # pragma: no cover
        """Insert rows of a table that Parquet bundles do not carry (a few hundred at most)."""
        raise NotImplementedError

    def _interrupted(self, exc: BaseException) -> bool:
        """Whether ``exc`` is how the database reports a Ctrl-C that came during a statement
        (DuckDB takes the SIGINT itself and raises an error; the KeyboardInterrupt is gone)."""
        return False

    def _begin(self) -> None:
        self._conn.execute("BEGIN TRANSACTION")

    def _commit(self) -> None:
        self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        self._conn.execute("ROLLBACK")

    # -- plumbing ------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one parameterised statement and return its rows as dicts (the analytics hook)."""
        try:
            cur = self._conn.execute(self._sql(sql), list(params))
            names = [d[0] for d in cur.description] if cur.description else []
            rows = cur.fetchall()
        except Exception as exc:
            if self._interrupted(exc):  # Ctrl-C during a query stops the caller as Ctrl-C does
                raise KeyboardInterrupt from exc
            raise
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._conn.execute(self._sql(sql), list(params)).fetchone()
        return row[0] if row else None

    def _applied(self) -> list[int]:
        exists = self._scalar(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
        )
        if not exists:
            return []
        return [
            int(r["version"]) for r in self.query("SELECT version FROM schema_migrations ORDER BY version")
        ]

    def _rollback_quietly(self) -> None:
        try:
            self._rollback()
        except Exception:  # noqa: BLE001 - nothing to roll back is fine
            log.debug("no transaction to roll back")

    def _migrate(self) -> None:
        """Apply the shipped migrations this database has not seen, each in a transaction."""
        applied = set(self._applied())
        pending = [m for m in migrations() if m[0] not in applied]
        if not pending:
            return
        if self.read_only:
            raise MigrationError(
                f"{self.location}: store is at migration {max(applied, default=0)} and needs "
                f"{pending[-1][0]}; open it once read-write to migrate"
            )
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
        )
        for version, name, sql in pending:
            self._begin()
            try:
                for statement in _statements(sql):
                    self._conn.execute(statement)
                self._conn.execute(
                    self._sql("INSERT INTO schema_migrations VALUES (?, ?, ?)"),
                    [version, name, datetime.now(UTC).replace(tzinfo=None)],
                )
                self._commit()
            except Exception as exc:
                self._rollback_quietly()
                raise MigrationError(
                    f"{self.location}: migration {version:04d}_{name} failed: {exc}"
                ) from exc
            log.info("applied migration %04d_%s to %s", version, name, self.location)

    def schema_version(self) -> int:
        """The highest migration applied to this database."""
        return max(self._applied(), default=0)

    def _check_writable(self) -> None:
        if self._closed:
            raise StoreError(f"{self.location}: store is closed")
        if self.read_only:
            raise StoreError(f"{self.location}: store was opened read-only")

    # -- writes ----------------------------------------------------------------------------
    def write(self, results: Iterable[CodingResult]) -> WriteSummary:
        """Store coding results, replacing whatever was stored for the same articles."""
        self._check_writable()
        total = WriteSummary()
        for batch in _chunks(results, BATCH_ARTICLES):
            rows = result_rows(batch, datetime.now(UTC).replace(tzinfo=None))
            total += self._replace(rows)
        return total

    @contextmanager
    def _transaction(self, action: str) -> Iterator[None]:
        """The block as one transaction, committed at its end; on any failure rolled back and
        reported as ``{action} failed and was rolled back``."""
        self._begin()
        try:
            yield
            self._commit()
        except Exception as exc:
            self._rollback_quietly()
            if self._interrupted(exc):  # Ctrl-C inside a statement: an interrupt, not a failure
                raise KeyboardInterrupt from exc
            raise StoreError(f"{self.location}: {action} failed and was rolled back: {exc}") from exc
        except BaseException:  # Ctrl-C mid-write: no transaction may stay open (the next write
            self._rollback_quietly()  # of the same articles, after the interrupt, begins one)
            raise

    def _replace(self, rows: dict[str, list[dict[str, Any]]]) -> WriteSummary:
        """One transaction: delete the batch's articles' rows, insert the new ones."""
        doc_ids = sorted(set(_values(rows["articles"], "doc_id")))
        error_ids = sorted(set(_values(rows["errors"], "doc_id")) - {None})
        with self._transaction("write"):
            replaced, removed = self._delete_docs(doc_ids, sorted(set(doc_ids) | set(error_ids)))
            for table in ("articles", "sentences", "events", "errors"):
                if len(rows[table]):
                    self._insert(table, rows[table])
            self._update_actors(_event_sides(rows["events"]), removed)
        summary = WriteSummary(
            len(rows["articles"]), len(rows["events"]), len(rows["sentences"]), len(rows["errors"]), replaced
        )
        log.debug("stored %s", summary)
        return summary

    def load_parquet(self, paths: str | Iterable[str]) -> WriteSummary:
        """Load Parquet bundles written by ``results_to_parquet`` (replace-by-``doc_id``).

        Bundles about distinct articles (the partitions of one run) are applied together in
        one transaction: a load has a fixed cost (deletes, inserts, the actor refresh, the
        commit) of about 50 ms whatever its size, which the Dask writer pays on a core its
        workers need.  Bundles that share a ``doc_id`` are applied one after the other, so
        the later one wins, as separate loads would give.
        """
        from flashpoint.store.parquet import read_bundle

        self._check_writable()
        if isinstance(paths, str) or hasattr(paths, "__fspath__"):
            paths = [paths]  # type: ignore[list-item]
        bundles = [read_bundle(path, as_arrow=self.arrow_loads) for path in paths]
        seen: set[Any] = set()
        disjoint = True
        for rows in bundles:
            ids = set(_values(rows["articles"], "doc_id")) | set(_values(rows["errors"], "doc_id"))
            ids.discard(None)
            disjoint = disjoint and not (ids & seen)
            seen |= ids
        if len(bundles) > 1 and disjoint:
            return self._replace(_concat(bundles))
        total = WriteSummary()
        for rows in bundles:
            total += self._replace(rows)
        return total

    def merge(self, source: str | os.PathLike[str]) -> WriteSummary:
        """Copy another store into this one (see ``DuckDBStore.merge``)."""
        raise StoreError(f"{self.location}: only a DuckDB store can merge other stores into it")

    def write_events_parquet(self, path: str, filters: EventFilter | None = None) -> int:
        """Write the (filtered) ``events`` table as one flat Parquet file; returns the row count."""
        from flashpoint.store.parquet import write_rows

        return write_rows(self.event_rows(filters), "events", path)

    # -- reads -----------------------------------------------------------------------------
    def event_rows(self, filters: EventFilter | None = None) -> list[dict[str, Any]]:
        """Flat ``events`` rows matching ``filters``, in the standard order."""
        where, params = (filters or EventFilter()).where()
        return self.query(f"SELECT * FROM events WHERE {where} ORDER BY {ORDER}", params)

    def events(
        self, filters: EventFilter | None = None, limit: int | None = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Public event records matching ``filters`` (plus an ``article`` sub-dict)."""
        where, params = (filters or EventFilter()).where()
        page = ""
        if limit is not None:
            page = " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        elif offset:
            page = " OFFSET ?"
            params = [*params, int(offset)]
        sql = (
            f"SELECT f.*, {ARTICLE_JOIN} FROM "
            f"(SELECT * FROM events WHERE {where} ORDER BY {ORDER}{page}) f "
            f"LEFT JOIN articles a ON a.doc_id = f.doc_id ORDER BY {ORDER_F}"
        )
        return [event_record(r) for r in self.query(sql, params)]

    def iter_events(self, filters: EventFilter | None = None, batch: int = 10000) -> Iterator[dict[str, Any]]:
        """All matching event records in the standard order, read ``batch`` rows at a time
        from one query (for exports and the analytics that run in Python).

        One query, not pages: a page ``LIMIT ? OFFSET ?`` sorted the matching events again
        for every page, so an export cost the square of its size (774,000 events: 73 s and
        1.2 GB as Parquet)."""
        where, params = (filters or EventFilter()).where()
        sql = (
            f"SELECT f.*, {ARTICLE_JOIN} FROM (SELECT * FROM events WHERE {where}) f "
            f"LEFT JOIN articles a ON a.doc_id = f.doc_id ORDER BY {ORDER_F}"
        )
        for row in self._stream(sql, params, batch):
            yield event_record(row)

    def _stream(
        self, sql: str, params: Sequence[Any], batch: int
    ) -> Iterator[dict[str, Any]]:  # pragma: no cover
        """The rows of one statement as dicts, ``batch`` at a time, without holding them all
        (each backend has its own way: see ``iter_events``)."""
        raise NotImplementedError

    def count(self, filters: EventFilter | None = None) -> int:
        """How many events match ``filters``."""
        where, params = (filters or EventFilter()).where()
        return int(self._scalar(f"SELECT count(*) FROM events WHERE {where}", params))

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event record by id, or None."""
        rows = self.query(
            f"SELECT f.*, {ARTICLE_JOIN} FROM events f LEFT JOIN articles a ON a.doc_id = f.doc_id "
            "WHERE f.event_id = ?",
            [event_id],
        )
        return event_record(rows[0]) if rows else None

    def article(self, doc_id: str) -> dict[str, Any] | None:
        """One stored story: its fields, sentences (in order) and event ids; None if absent."""
        rows = self.query("SELECT * FROM articles WHERE doc_id = ?", [doc_id])
        if not rows:
            return None
        article = rows[0]
        for key in ("meta", "unknown_actors"):
            article[key] = json.loads(article[key]) if article[key] else ({} if key == "meta" else [])
        if article.get("published") is not None:
            article["published"] = article["published"].isoformat()
        article["sentences"] = self.query(
            'SELECT sentence_index AS "index", text, start_offset AS start, end_offset AS "end", paragraph '
            "FROM sentences WHERE doc_id = ? ORDER BY sentence_index",
            [doc_id],
        )
        article["event_ids"] = [
            r["event_id"]
            for r in self.query(
                "SELECT event_id FROM events WHERE doc_id = ? ORDER BY sentence_index, event_id", [doc_id]
            )
        ]
        return article

    def actors(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Distinct actors seen, most frequent first."""
        sql = "SELECT code, name, country, agent, count FROM actors ORDER BY count DESC, code"
        if limit is not None:
            return self.query(sql + " LIMIT ?", [int(limit)])
        return self.query(sql)

    def errors(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Recorded coding errors, newest first."""
        sql = "SELECT doc_id, stage, reason, origin, time FROM errors ORDER BY time DESC, doc_id"
        if limit is not None:
            return self.query(sql + " LIMIT ?", [int(limit)])
        return self.query(sql)

    def stats(self) -> dict[str, int]:
        """Row counts of the main tables (for ``flashpoint`` status lines and the web footer)."""
        return {t: int(self._scalar(f"SELECT count(*) FROM {t}")) for t in (*TABLE_COLUMNS, "actors")}

    # -- runs ----------------------------------------------------------------------------
    def start_run(
        self, engine: str, settings: dict[str, Any], inputs: Sequence[str], resumes: str | None = None
    ) -> str:
        """Record that a coding run begins writing here; returns its id (``finish_run`` closes it).

        ``settings`` is ``config.settings_record`` of the run's settings; ``resumes`` the id
        of the run a ``--resume`` continues.  The record says which flashpoint and which
        settings wrote into the store, and is what a later ``--resume`` checks against."""
        from flashpoint.build import build

        self._check_writable()
        now = datetime.now(UTC).replace(tzinfo=None)
        run_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        row = {
            "run_id": run_id, "engine": engine, "flashpoint": __version__, "inputs": json.dumps(list(inputs)),
            "settings": json.dumps(settings, sort_keys=True), "resumes": resumes, "status": "running",
            "started_at": now, "build": json.dumps(build(), sort_keys=True),
        }  # fmt: skip
        marks = ", ".join("?" * len(row))
        self._execute_one(f"INSERT INTO runs ({', '.join(row)}) VALUES ({marks})", list(row.values()))
        return run_id

    def finish_run(self, run_id: str, status: str, articles: int, events: int, errors: int) -> None:
        """Close a run's record: ``finished``, ``interrupted`` or ``failed``, with its counts
        (a run whose process died keeps ``running``)."""
        self._check_writable()
        now = datetime.now(UTC).replace(tzinfo=None)
        self._execute_one(
            "UPDATE runs SET status = ?, finished_at = ?, articles = ?, events = ?, errors = ? WHERE run_id = ?",
            [status, now, int(articles), int(events), int(errors), run_id],
        )

    def _execute_one(self, sql: str, params: Sequence[Any]) -> None:
        """One write statement in its own transaction, rolled back if it fails (a Ctrl-C
        inside it stays a KeyboardInterrupt; see ``_interrupted``)."""
        self._begin()
        try:
            self._conn.execute(self._sql(sql), list(params))
            self._commit()
        except BaseException as exc:
            self._rollback_quietly()
            if self._interrupted(exc):
                raise KeyboardInterrupt from exc
            raise

    def runs(self, limit: int | None = None, inputs: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Recorded coding runs, newest first (``inputs``/``settings`` decoded from JSON);
        with ``inputs``, only the runs given exactly those inputs."""
        sql = "SELECT * FROM runs"
        params: list[Any] = []
        if inputs is not None:
            sql += " WHERE inputs = ?"
            params.append(json.dumps(list(inputs)))
        sql += " ORDER BY started_at DESC, run_id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        rows = self.query(sql, params)
        for row in rows:
            row["inputs"] = json.loads(row["inputs"]) if row["inputs"] else []
            row["settings"] = json.loads(row["settings"]) if row["settings"] else {}
            row["build"] = json.loads(row["build"]) if row.get("build") else None  # None: before 0005
        return rows

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (idempotent)."""
        if not self._closed:
            self._conn.close()
            self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
