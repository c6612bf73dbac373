"""``flashpoint code`` and ``flashpoint evaluate``."""

from __future__ import annotations

import csv
import itertools
import json
import logging
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from flashpoint.config import SETTINGS_HELP, Settings, parse_date
from flashpoint.errors import FlashpointError
from flashpoint.models import Article, CodingError, CodingResult, Event, not_english_note

log = logging.getLogger(__name__)

TABLE_COLUMNS = ("doc", "sent", "date", "source", "event", "plover", "target", "modality", "conf")


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    try:
        return parse_date(value, param.name or "date")
    except FlashpointError as exc:
        raise click.BadParameter(exc.message) from exc


def actor_label(actor: dict[str, Any]) -> str:
    code = actor.get("code")
    if not code:
        return "-"
    return f"{code}" + (f" ({actor['text']})" if actor.get("text") else "")


def table_row(record: dict[str, Any]) -> tuple[str, ...]:
    plover = record.get("plover") or {}
    return (
        str(record["doc_id"])[:18],
        str(record["sentence_index"]),
        (record.get("date") or "-")
        + (f"/{record['date_precision'][0]}" if record.get("date_precision") else ""),
        actor_label(record["source"])[:32],
        f"{record['cameo']} {record['cameo_name'] or ''}"[:44],
        plover.get("type") or "-",
        actor_label(record["target"])[:32],
        record.get("modality") or "",
        f"{record['confidence']:.2f}",
    )


def format_table(records: list[dict[str, Any]]) -> str:
    """A fixed-width table for people (no color, safe to pipe)."""
    rows = [TABLE_COLUMNS] + [table_row(r) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class EventWriter:
    """Writes event records as JSONL, CSV (flattened) or a table (buffered to the end)."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.out, self.fmt = out, fmt
        self._csv: csv.DictWriter[str] | None = None
        self._table: list[dict[str, Any]] = []
        self.count = 0

    def write(self, event: Event) -> None:
        self.count += 1
        if self.fmt == "jsonl":
            self.out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            row = event.to_row()
            if self._csv is None:
                self._csv = csv.DictWriter(self.out, fieldnames=list(row))
                self._csv.writeheader()
            self._csv.writerow(row)
        else:
            self._table.append(event.to_dict())

    def close(self) -> None:
        if self.fmt == "table":
            self.out.write(format_table(self._table) + "\n")
        self.out.flush()


_SHOWN: list[Progress] = []
"""The progress display drawn on stderr, if any (see ``report_error``)."""


RATE_AFTER_S = 1.0
"""Seconds of work before the progress line shows a rate and an ETA: two Dask partitions that
finish together made the first rate "404.0/s  ETA 0s" on a run of 43 articles/s."""


class Progress:
    """A one-line progress display (articles/s, ETA) on stderr, only when it is a TTY.

    The rate is measured from the first update on: what comes before it (loading the model
    and tables, starting a cluster) is paid once, and counted in, it made the first ETAs
    of a run many times too long ("1/30 articles 0.3/s ETA 105s" for a 5 s run)."""

    def __init__(
        self,
        total: int | None,
        enabled: bool | None = None,
        *,
        total_bytes: int | None = None,
        position: Any = None,
    ) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self._last = 0.0
        self._first: tuple[float, int, int] | None = None  # (when, articles, bytes) at the first update
        self._width = 0
        # without an article count, the ETA goes by the bytes of input read (``ReadPosition``)
        self.total_bytes = total_bytes if total is None and position is not None and total_bytes else None
        self.position = position
        self._marks: deque[int] = deque()  # bytes read when items number _base, _base + 1... were read
        self._base = 1

    def know_total(self, total: int) -> None:
        """The article count, learnt once the whole input is read: the ETA goes by it."""
        self.total = total
        self.total_bytes = None
        self._marks.clear()

    def track(self, items: Iterable[Any]) -> Iterator[Any]:
        """Pass ``items`` through, noting how far the input had been read at each one.

        The ETA by bytes then goes by the articles coded rather than by the reader, which runs
        ahead of them by a batch (16 articles) locally and by the partitions in flight on
        Dask: on a small input that lead was a large part of the file.  Results come out in
        input order (locally) or nearly so (Dask's partitions finish about in turn), so the
        n-th result stands for the n-th item read.  A resumed local run's items pass the
        store check (``unstored``) a chunk at a time first: it hands on where each was read
        (``ReadWhen``), so the share goes by the last coded item there too."""
        if not (self.enabled and self.total_bytes):
            yield from items
            return
        marks, position = self._marks, self.position
        for item in items:
            marks.append(position.read_bytes)
            yield item

    def _read_by(self, done: int) -> int:
        """Bytes of input read up to the ``done``-th item (what ``track`` noted), else the
        reader's own position (items that did not go through ``track``)."""
        marks = self._marks
        while len(marks) > 1 and self._base < done:
            marks.popleft()
            self._base += 1
        return marks[0] if marks and self._base == done else self.position.read_bytes

    def update(self, done: int, errors: int = 0, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        read = self._read_by(done) if self.total_bytes else 0
        if self._first is None:
            self._first = (now, done, read)
        elif not force and now - self._last < 0.5:
            return
        self._last = now
        since, done_then, read_then = self._first
        measured = now - since >= RATE_AFTER_S
        rate = (done - done_then) / (now - since) if measured and done > done_then else None
        text = f"\r{done}" + (f"/{self.total}" if self.total else "") + " articles"
        if rate is not None:
            text += f"  {rate:.1f}/s"
            if self.total and done <= self.total:
                text += f"  ETA {_duration((self.total - done) / rate)}"
        if self.total_bytes:
            text += f"  {min(read / self.total_bytes, 1.0):.0%} of input"
            if read > read_then and measured:
                byte_rate = (read - read_then) / (now - since)
                text += f"  ETA {_duration(max(self.total_bytes - read, 0) / byte_rate)}"
        if errors:
            text += f"  {errors} errors"
        sys.stderr.write(text.ljust(60))
        sys.stderr.flush()
        self._width = max(self._width, len(text))
        if not _SHOWN:
            _SHOWN.append(self)

    def clear_line(self) -> None:
        """Blank the progress line so that a message can take its place (the next update
        draws it again below the message)."""
        sys.stderr.write("\r" + " " * max(60, self._width) + "\r")

    def close(self) -> None:
        if self.enabled and _SHOWN:
            sys.stderr.write("\n")
        _SHOWN.clear()


def _duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``2h07m``: an ETA of hours in seconds is hard to read."""
    secs = int(seconds)
    if secs < 60:
        return f"{secs}s"
    if secs < 3600:
        return f"{secs // 60}m{secs % 60:02d}s"
    return f"{secs // 3600}h{secs % 3600 // 60:02d}m"


COUNT_LIMIT_BYTES = 256 * 2**20
"""Plain JSONL/CSV beyond this size are not counted line by line before a run (a pass over
gigabytes before the first article): the ETA then goes by the bytes read."""


def estimate_total(inputs: Iterable[str], limit_bytes: int = COUNT_LIMIT_BYTES) -> int | None:
    """A cheap article count for the ETA: lines of plain JSONL, rows of CSV, files of a
    directory; None when it cannot be known without reading everything (compressed files,
    WARC, feeds, stdin) or when the JSONL and CSV to count hold more than ``limit_bytes``."""
    from flashpoint.ingest import COMPRESSIONS, compression_of, input_files

    total = 0
    to_count = 0
    for raw in inputs:
        path = Path(raw)
        if raw == "-" or not path.exists():
            return None
        try:
            files: Iterable[Path] = input_files(path) if path.is_dir() else [path]
            for f in files:
                name = f.name.lower()
                if name.endswith((*COMPRESSIONS, ".warc", ".rss", ".atom", ".xml")):
                    return None
                if not f.is_file():  # a named pipe: counting its lines would consume them
                    return None
                if name.endswith((".jsonl", ".csv")):
                    if compression_of(f) is not None:  # compressed under a plain name
                        return None
                    to_count += f.stat().st_size
                    if to_count > limit_bytes:
                        return None
                if name.endswith(".jsonl"):
                    with f.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                elif name.endswith(".csv"):
                    with f.open("rb") as fh:
                        total += max(0, sum(1 for _ in fh) - 1)
                elif name.endswith((".txt", ".html", ".htm")):
                    total += 1
        except OSError:  # unreadable: the run itself reports it; no ETA
            return None
    return total


LOOK_AHEAD_MAX = 2000
"""Items a Dask run of unknown size reads ahead to count a small input (``look_ahead``)."""
LOOK_AHEAD_S = 1.0
"""The longest it reads ahead: the cluster starts only after."""


def look_ahead(
    items: Iterable[Any], limit: int, seconds: float = LOOK_AHEAD_S
) -> tuple[Iterator[Any], int | None]:
    """The same items, and their number when there are at most ``limit`` of them.

    A Dask run sizes its partitions by the input's article count (``auto_partition_size``).
    A .gz, a WARC or a feed cannot be counted without reading it, so such inputs got the
    default 100 articles a partition: 267 gzipped stories made three partitions for two
    workers, one of which coded two while the other waited.  Reading up to ``limit`` items
    first (the count beyond which the default size is the answer anyway) counts every input
    small enough for it to matter; a larger one streams on from what was read.

    The reading stops after ``seconds`` too: this delay is not shared with the workers, which
    start after it, and a slow input (a fetch, a large compressed file) could hold them back
    long.  An input still unread by then is no small one: it gets the default size."""
    source = iter(items)
    head: list[Any] = []
    until = time.perf_counter() + seconds
    for item in source:
        head.append(item)
        if len(head) > limit or time.perf_counter() > until:
            return itertools.chain(head, source), None
    return iter(head), len(head)


def _inputs_to_items(
    inputs: tuple[str, ...], published: Any, position: Any = None, defer_pages: bool = False
) -> Iterator[Any]:
    """The inputs' items; ``defer_pages`` (Dask): web pages for the workers to extract."""
    from flashpoint.ingest import read_inputs

    yield from read_inputs(list(inputs), published=published, position=position, defer_pages=defer_pages)


def _progress(inputs: tuple[str, ...], quiet: bool, total: int | None) -> tuple[Progress | None, Any]:
    """The progress line and the ``ReadPosition`` it follows when ``total`` (articles) is
    unknown: the ETA then goes by the bytes of input read."""
    from flashpoint.ingest import ReadPosition, input_bytes

    if quiet:
        return None, None
    if total is not None:
        return Progress(total), None
    position = ReadPosition()
    return Progress(None, total_bytes=input_bytes(inputs), position=position), position


class ReadWhen:
    """Where the input had been read when the item just handed on was read: what
    ``Progress.track`` follows behind ``unstored``, which holds items back a chunk at a time
    (the reader's own position then leads the coded items by up to a chunk)."""

    def __init__(self) -> None:
        self.read_bytes = 0


def unstored(
    items: Iterable[Any],
    store: Any,
    chunk: int = 500,
    position: Any = None,
    when: ReadWhen | None = None,
) -> Iterator[Any]:
    """The items a resumed local run still has to code: all but the articles the store holds
    (a batch is stored in one transaction, so a stored doc id is a finished article).

    The store is asked about ``chunk`` inputs at a time: reading every stored id into a set
    first held the whole store's ids in memory, gigabytes for a year of news.  With a
    ``position`` (``ReadPosition``) and ``when``, each item handed on sets ``when`` to where
    the input had been read when that item was."""
    buffer: list[tuple[Any, int]] = []

    def flush() -> Iterator[Any]:
        ids = sorted({i.doc_id for i, _ in buffer if isinstance(i, Article)})
        done: set[str] = set()
        if ids:
            marks = ", ".join("?" * len(ids))
            rows = store.query(f"SELECT doc_id FROM articles WHERE doc_id IN ({marks})", ids)
            done = {row["doc_id"] for row in rows}
        for item, read in buffer:
            if not (isinstance(item, Article) and item.doc_id in done):
                if when is not None:
                    when.read_bytes = read
                yield item
        buffer.clear()

    for item in items:
        buffer.append((item, position.read_bytes if position is not None else 0))
        if len(buffer) >= chunk:
            yield from flush()
    yield from flush()


_CODED_REASON = re.compile(r"\[E\d{3}\] (.*)", re.DOTALL)
"""A reason made from a ``FlashpointError``: its code, then the input it names."""


def report_error(error: CodingError) -> None:
    if _SHOWN:  # the progress line has no newline: the error must not be glued to it
        _SHOWN[-1].clear_line()
    where = error.origin or error.doc_id or "input"
    coded = _CODED_REASON.match(error.reason)
    if coded and coded.group(1).startswith(where):  # the reason names its input already
        click.echo(f"error: [{error.stage}] {error.reason}", err=True)
    else:
        click.echo(f"error: {where}: [{error.stage}] {error.reason}", err=True)


def _report_errors(errors: list[dict[str, Any]]) -> None:
    """Report the errors a Dask partition stored (each a ``CodingError``'s fields)."""
    for error in errors:
        report_error(CodingError(**error))


class _StopRequest:
    """Ctrl-C during a local run asks it to stop after the article in hand, so that the
    bookkeeping of one article (its counts, its events written, the batch held for the store)
    is never cut in half: a KeyboardInterrupt could land between counting an article and
    holding it for the store, and the summary then counted one more than was stored.  A
    second Ctrl-C stops at once.  Installed only over Python's own handler, in the main
    thread (a SIGINT ignored by the parent stays ignored)."""

    def __init__(self) -> None:
        self.requested = False
        self._before: Any = None

    def __enter__(self) -> _StopRequest:
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._before = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc: object) -> None:
        if self._before is not None:
            signal.signal(signal.SIGINT, self._before)


def run_coding(
    items: Iterable[Any],
    settings: Settings,
    writer: EventWriter,
    store: Any = None,
    unknown: Counter[str] | None = None,
    progress: Progress | None = None,
    summary: dict[str, int] | None = None,
) -> dict[str, int]:
    """Code items, write events, store results; returns the run summary counts (kept in
    ``summary`` when given, so that a run that fails half-way still says what it did)."""
    from flashpoint.pipeline import Pipeline

    if summary is None:
        summary = {}
    summary.update(
        {"articles": 0, "sentences": 0, "events": 0, "errors": 0, "not_english": 0, "interrupted": 0}
    )
    pending: list[CodingResult] = []
    if progress is not None:
        items = progress.track(items)
    with _StopRequest() as stop:  # also over the last write: a Ctrl-C there must not cut it
        try:
            for result in Pipeline(settings).code_articles(items):
                if progress is not None:
                    progress.update(summary["articles"] + summary["errors"] + 1, summary["errors"])
                if result.error is not None:
                    summary["errors"] += 1
                    report_error(result.error)
                else:
                    summary["articles"] += 1
                    summary["not_english"] += result.not_english
                    summary["sentences"] += len(result.sentences)
                    summary["events"] += len(result.events)
                    for event in result.events:
                        writer.write(event)
                    if unknown is not None:
                        unknown.update(result.unknown_actors)
                if store is not None:
                    pending.append(result)
                    if len(pending) >= 64:
                        store.write(pending)
                        pending = []
                if stop.requested:  # at an article's end: all of it is counted and held
                    raise KeyboardInterrupt
        except KeyboardInterrupt:  # Ctrl-C: keep every article coded so far (the store's batch too)
            summary["interrupted"] = 1
        if store is not None and pending:
            store.write(pending)
    if progress is not None:
        progress.close()
    writer.close()
    return summary


@click.command("code")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", callback=_date_option, help=SETTINGS_HELP["published"])
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write events here (default stdout; with --engine dask, events go only to --db unless this is given).",
)
@click.option("--db", help="Also store results in this DuckDB file (or postgresql:// URL).")
@click.option(
    "--coder",
    type=click.Choice(["rules", "dictionary"]),
    default="rules",
    show_default=True,
    help=SETTINGS_HELP["coder"],
)
@click.option(
    "--actors",
    "actor_dicts",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help=SETTINGS_HELP["actor_dictionaries"],
)
@click.option(
    "--agents",
    "agent_dicts",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help=SETTINGS_HELP["agent_dictionaries"],
)
@click.option("--verbs", type=click.Path(exists=True, dir_okay=False), help=SETTINGS_HELP["verb_dictionary"])
@click.option(
    "--discards", type=click.Path(exists=True, dir_okay=False), help=SETTINGS_HELP["discard_dictionary"]
)
@click.option(
    "--builtin-actors/--no-builtin-actors",
    default=True,
    show_default=True,
    help=SETTINGS_HELP["builtin_actors"],
)
@click.option(
    "--unknown-actors",
    "unknown_file",
    type=click.Path(dir_okay=False),
    help="Write the most frequent unresolved actor-like phrases to FILE.",
)
@click.option(
    "--min-confidence", type=click.FloatRange(0, 1), default=0.0, help=SETTINGS_HELP["min_confidence"]
)
@click.option("--prefilter/--no-prefilter", default=False, help=SETTINGS_HELP["prefilter"])
@click.option("--given-sentences", is_flag=True, help=SETTINGS_HELP["given_sentences"])
@click.option(
    "--require-dyad/--no-require-dyad", default=True, show_default=True, help=SETTINGS_HELP["require_dyad"]
)
@click.option(
    "--new-actor-length",
    type=click.IntRange(0, 50),
    default=0,
    show_default=True,
    help=SETTINGS_HELP["new_actor_length"],
)
@click.option("--ner/--no-ner", default=Settings().ner, show_default=True, help=SETTINGS_HELP["ner"])
@click.option(
    "--skip-non-english/--code-any-language",
    default=Settings().skip_non_english,
    show_default=True,
    help=SETTINGS_HELP["skip_non_english"],
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where to code: this process, or a Dask cluster (needs --db).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Dask LocalCluster worker processes (default: one per core, at most one per GB of "
    "available memory). With --scheduler: the cluster's size to plan partitions for (default: "
    "the workers that have joined it).",
)
@click.option("--scheduler", help="Address of an existing Dask scheduler (tcp://host:8786).")
@click.option(
    "--partition-size",
    type=click.IntRange(1, 100000),
    default=None,
    help="Articles per Dask partition (default: about four partitions per worker, 10 to 100 "
    "articles each, so that every worker has work; an input that cannot be counted cheaply "
    "(compressed, WARC, feeds, stdin) is counted by reading ahead up to 400 articles a worker, at "
    "most 2,000 and for 1 s at most; a larger one gets 100). "
    "With --scheduler, they are planned for the workers that have joined the cluster, or "
    "for --workers when given.",
)
@click.option(
    "--parts-dir",
    type=click.Path(file_okay=False),
    help="Folder of the writer's Parquet partitions and checkpoint manifest (default "
    "DB.parts). Workers that see it (same machine, or a shared filesystem at the same path) "
    "write into it; others send their partitions back through Dask.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run into --db without losing or duplicating events.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
def code_cmd(
    inputs: tuple[str, ...],
    published: Any,
    fmt: str,
    output: str | None,
    db: str | None,
    coder: str,
    actor_dicts: tuple[str, ...],
    agent_dicts: tuple[str, ...],
    verbs: str | None,
    discards: str | None,
    builtin_actors: bool,
    unknown_file: str | None,
    min_confidence: float,
    prefilter: bool,
    given_sentences: bool,
    require_dyad: bool,
    new_actor_length: int,
    ner: bool,
    skip_non_english: bool,
    engine: str,
    workers: int | None,
    scheduler: str | None,
    partition_size: int | None,
    parts_dir: str | None,
    resume: bool,
    quiet: bool,
) -> None:
    """Code INPUT... (.txt, .html, .jsonl, .csv, .warc, RSS/Atom, each also .gz/.bz2/.xz/.zst; directories, http(s) URLs of these, or - for stdin)
    into event records."""
    try:
        settings = Settings(
            published=published,
            coder=coder,
            actor_dictionaries=actor_dicts,
            agent_dictionaries=agent_dicts,
            verb_dictionary=verbs,
            discard_dictionary=discards,
            builtin_actors=builtin_actors,
            unknown_actors=bool(unknown_file),
            min_confidence=min_confidence,
            prefilter=prefilter,
            given_sentences=given_sentences,
            require_dyad=require_dyad,
            new_actor_length=new_actor_length,
            ner=ner,
            skip_non_english=skip_non_english,
        )
    except FlashpointError as exc:
        raise click.UsageError(exc.message) from exc
    if engine == "local":
        ctx = click.get_current_context()
        dask_only = [
            f"--{name.replace('_', '-')}"
            for name in ("workers", "scheduler", "partition_size", "parts_dir")
            if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        ]
        if dask_only:  # else a user asking for 4 workers would get one process without a word
            raise click.UsageError(
                f"{', '.join(dask_only)} set{'s' if len(dask_only) == 1 else ''} up a Dask run: "
                "add --engine dask (the local engine codes in this process)"
            )
    if (engine == "dask" or resume) and not db:
        raise click.UsageError(
            "--engine dask and --resume need --db (the store that partitions are loaded into)"
        )
    if engine == "dask":
        _code_dask(
            inputs,
            published,
            settings,
            db or "",
            workers,
            scheduler,
            partition_size,
            resume,
            quiet,
            parts_dir,
            output=output,
            fmt=fmt,
            unknown_file=unknown_file,
        )
        return
    started = time.perf_counter()
    store = None
    run_id: str | None = None
    status = "failed"
    summary: dict[str, int] = {}
    out: IO[str] = sys.stdout
    try:
        if db:
            from flashpoint.store import open_store

            store = open_store(db)
            run_id = begin_run(store, "local", settings, inputs, resume)
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        unknown: Counter[str] | None = Counter() if unknown_file else None
        progress, position = _progress(inputs, quiet, None if quiet else estimate_total(inputs))
        items: Iterable[Any] = _inputs_to_items(inputs, published, position)
        if resume and store is not None:
            when = ReadWhen() if progress is not None and progress.total_bytes else None
            items = unstored(items, store, position=position, when=when)
            if progress is not None and when is not None:
                progress.position = when  # the store check holds items back: go by where each was read
        run_coding(items, settings, EventWriter(out, fmt), store, unknown, progress, summary)
        status = "interrupted" if summary["interrupted"] else "finished"
    except FlashpointError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    finally:
        if output and out is not sys.stdout:
            out.close()
        if store is not None:
            if run_id is not None:
                counts = (summary.get("articles", 0), summary.get("events", 0), summary.get("errors", 0))
                _finish_run(store, run_id, status, *counts)
            store.close()
    if unknown_file and unknown is not None:
        write_unknown(unknown_file, unknown)
    if not quiet:
        secs = time.perf_counter() - started
        click.echo(
            f"coded {summary['articles']} articles{not_english_note(summary['not_english'])}, "
            f"{summary['sentences']} sentences, "
            f"{summary['events']} events, {summary['errors']} errors in {secs:.1f}s",
            err=True,
        )
    if summary["interrupted"]:
        click.echo(f"interrupted: {_resume_hint(db)}", err=True)
        sys.exit(130)
    if summary["articles"] == 0:
        if not summary["errors"]:  # else each error has been said already
            click.echo(f"error: {_nothing_coded(inputs, resume)}", err=True)
        sys.exit(1)


def _nothing_coded(inputs: tuple[str, ...], resume: bool) -> str:
    """Why a run without errors coded no article (it exits 1: a script must not take an empty
    input for a day's news coded)."""
    names = ", ".join(inputs)
    if resume:
        return f"nothing left to code: the store holds every article of {names}"
    return f"no articles in {names}: the input holds no records (empty files, blank lines, a feed without entries)"


def _run_inputs(inputs: Iterable[str]) -> list[str]:
    """The inputs as a run records them: local paths made absolute (the same command run from
    another folder is the same run), URLs and ``-`` as given."""
    from flashpoint.ingest import is_url

    return [i if i == "-" or is_url(i) else str(Path(i).resolve()) for i in inputs]


def begin_run(store: Any, engine: str, settings: Settings, inputs: Iterable[str], resume: bool) -> str:
    """Record a run in the store (``Store.start_run``); a ``--resume`` must code with the
    settings of the last run of the same inputs, else the store would hold events of two
    configurations side by side (the Dask engine checks its ``run.json`` the same way)."""
    from flashpoint.config import settings_changes, settings_record
    from flashpoint.errors import ConfigError

    record = settings_record(settings)
    given = _run_inputs(inputs)
    resumes = None
    if resume:
        earlier = store.runs(limit=1, inputs=given)
        if earlier:
            last = earlier[0]
            changed = settings_changes(last["settings"], record)
            if changed:
                raise ConfigError(
                    f"--resume: the last run of these inputs in {store.location} (run {last['run_id']}, "
                    f"{last['status']}) coded with other settings ({'; '.join(changed)}); rerun with "
                    "the same options, or without --resume to code every article again"
                )
            resumes = last["run_id"]
            _say_if_other_build(last)
        else:
            log.warning(
                "--resume: %s records no earlier run of these inputs; coding the articles it does not hold",
                store.location,
            )
    return str(store.start_run(engine, record, given, resumes))


def _say_if_other_build(last: dict[str, Any]) -> None:
    """Warn when a ``--resume`` runs other code than the run it continues (as the Dask engine
    does from its ``run.json``): the articles it codes now may get other events than those
    stored before, and only the settings are held to be the same."""
    from flashpoint.build import build, describe, other_build

    then = other_build(last.get("build"), last.get("flashpoint"))
    if then is not None:
        log.warning(
            "--resume: run %s was coded by %s, this one by %s: the events stored before may differ "
            "from what this build would code",
            last["run_id"], then, describe(build()),
        )  # fmt: skip


def _finish_run(store: Any, run_id: str, status: str, articles: int, events: int, errors: int) -> None:
    """Close the run's record (a Ctrl-C as the run ends waits for this one-row update); a
    failure to do so is logged, never raised over the run's own outcome (the events are
    stored either way)."""
    try:
        with _StopRequest():
            store.finish_run(run_id, status, articles, events, errors)
    except Exception:  # noqa: BLE001 - the run's record is secondary to its results
        log.warning("could not record the end of run %s", run_id, exc_info=True)


def _resume_hint(db: str | None) -> str:
    if db:
        return "the articles above are stored; rerun the same command with --resume to code the rest"
    return "the events above are written; nothing was stored (--db), so a rerun starts over"


def write_unknown(path: str, unknown: Counter[str]) -> None:
    """The unresolved actor-like phrases, one "count<TAB>phrase" line each, the most frequent
    first (ties in alphabetical order, so both engines write the same file)."""
    with open(path, "w", encoding="utf-8") as fh:
        for phrase, count in sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])):
            fh.write(f"{count}\t{phrase}\n")


def _dask_logging_follows_cli() -> None:
    """Dask sets up its own loggers when imported, at INFO, printing to stderr: a local run
    would print some thirty lines of scheduler and nanny chatter around the summary.  They get
    the CLI's level instead (``-v`` shows them)."""
    try:
        import distributed  # noqa: F401  (its import configures the loggers adjusted here)
    except ImportError:  # run_dask says what to install
        return
    logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())


def _code_dask(
    inputs: tuple[str, ...],
    published: Any,
    settings: Settings,
    db: str,
    workers: int | None,
    scheduler: str | None,
    partition_size: int | None,
    resume: bool,
    quiet: bool,
    parts_dir: str | None = None,
    *,
    output: str | None = None,
    fmt: str = "jsonl",
    unknown_file: str | None = None,
) -> None:
    """A Dask run: the store gets everything; ``output`` (and ``unknown_file``) get what each
    partition adds, written by this process as the store loads it, so a cluster run can
    still hand its events to a file in any of the local engine's formats.

    Without ``workers`` (``--workers``), partitions are sized for the workers that have joined
    a cluster of the user's (``scheduler``) by then (``cluster_workers``), else for a
    LocalCluster of one worker per core (``default_workers``)."""
    from flashpoint.distributed import (
        DEFAULT_PARTITION_SIZE,
        PARTITIONS_PER_WORKER,
        RunInterrupted,
        RunSummary,
        auto_partition_size,
        planned_workers,
        run_dask,
    )
    from flashpoint.pipeline import Pipeline
    from flashpoint.store import open_store
    from flashpoint.store.schema import event_record

    try:
        Pipeline(settings).check_dictionaries()
        with open_store(db) as store:  # closed again: the writer in run_dask opens its own
            run_id = begin_run(store, "dask", settings, inputs, resume)
    except FlashpointError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    _dask_logging_follows_cli()
    out = open(output, "w", encoding="utf-8", newline="") if output else None  # noqa: SIM115
    writer = EventWriter(out, fmt) if out is not None else None
    unknown: Counter[str] = Counter()

    def on_loaded(rows: dict[str, list[dict[str, Any]]]) -> None:
        if writer is not None:
            for row in rows["events"]:
                writer.write(Event.from_dict(event_record(row)))
        if unknown_file:
            for article in rows["articles"]:
                unknown.update(json.loads(article["unknown_actors"] or "[]"))

    total = estimate_total(inputs) if partition_size is None or not quiet else None
    progress, position = _progress(inputs, quiet, total)
    interrupted = False
    summary: Any = None
    # the workers extract the text of web pages (WARC, HTML): in this one process it would
    # set the pace of the whole cluster (``flashpoint.ingest.pages``)
    items: Iterator[Any] = _inputs_to_items(inputs, published, position, defer_pages=True)
    if progress is not None:
        items = progress.track(items)
    try:
        workers = planned_workers(workers, scheduler, ask=partition_size is None)
        if partition_size is None and total is None:  # compressed, WARC, feeds, stdin: count a small one
            items, total = look_ahead(
                items, min(LOOK_AHEAD_MAX, DEFAULT_PARTITION_SIZE * PARTITIONS_PER_WORKER * workers)
            )
            if progress is not None and total is not None:
                progress.know_total(total)
        summary = run_dask(
            items,
            settings,
            db,
            workers=workers,
            scheduler=scheduler,
            partition_size=partition_size or auto_partition_size(total, workers),
            resume=resume,
            work_dir=parts_dir,
            on_progress=(lambda s: progress.update(s.articles + s.errors + s.waiting, s.errors, force=True))
            if progress
            else None,
            on_loaded=on_loaded if writer is not None or unknown_file else None,
            on_errors=_report_errors,
        )
    except FlashpointError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except RunInterrupted as exc:  # what was coded is stored: finish as a run would, then say so
        summary, interrupted = exc.summary, True
    except KeyboardInterrupt:  # before any partition went out (reading ahead, asking the cluster)
        summary, interrupted = RunSummary(), True
    finally:
        if writer is not None and out is not None:
            writer.close()
            out.close()
        status = "failed" if summary is None else "interrupted" if interrupted else "finished"
        try:
            with open_store(db) as store:
                counts = (
                    (summary.articles, summary.events, summary.errors) if summary is not None else (0, 0, 0)
                )
                _finish_run(store, run_id, status, *counts)
        except FlashpointError as exc:
            log.warning("could not record the end of run %s: %s", run_id, exc.message)
    if unknown_file:
        write_unknown(unknown_file, unknown)
    if progress is not None:
        progress.close()
    if not quiet:
        click.echo(summary.line(), err=True)
    if interrupted:
        click.echo(
            f"interrupted: {summary.partitions} partitions loaded and checkpointed; {_resume_hint(db)}",
            err=True,
        )
        sys.exit(130)
    if summary.articles == 0 and summary.skipped_partitions == 0:
        if not summary.errors:
            click.echo(f"error: {_nothing_coded(inputs, False)}", err=True)
        sys.exit(1)


@click.command("evaluate")
@click.argument("dataset", type=click.Choice(["plover-gsr", "petrarch", "jsonl"]))
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--prefilter/--no-prefilter", default=False, help=SETTINGS_HELP["prefilter"])
def evaluate_cmd(dataset: str, path: str | None, fmt: str, prefilter: bool) -> None:
    """Score coded events against gold records (PLOVER GSR, PETRARCH unit tests, or our JSONL gold)."""
    from flashpoint import evaluate as ev

    try:
        report = ev.evaluate(dataset, path, settings=Settings(prefilter=prefilter))
    except FlashpointError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(report.format_text())


def write_jsonl(path: Path, events: Iterable[Event]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for event in events:
            fh.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n
