"""``flashpoint query``, ``dyad``, ``alerts``, ``export``, ``runs`` and ``merge``: stores from the shell.

Thin front ends: options become an ``EventFilter``/``AlertOptions`` and the library does
the work; library errors become one-line messages here.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from flashpoint.errors import FlashpointError

DEFAULT_DB = "events.duckdb"
DEDUP_METHODS = ("none", "story", "day", "cluster")


def _db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        default=lambda: os.environ.get("FLASHPOINT_DB", DEFAULT_DB),
        show_default=f"$FLASHPOINT_DB or {DEFAULT_DB}",
        help="The store: a DuckDB file or a postgresql:// URL.",
    )(func)


def _format_option(choices: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def _filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--actor", help="Either side is this actor (code, 3-letter root, or country)."),
        click.option(
            "--dyad", help="Two actors 'A,B': events between them (either direction unless --directed)."
        ),
        click.option("--directed", is_flag=True, help="With --dyad: only A acting on B."),
        click.option("--code", help="CAMEO code prefix (e.g. 19, 138)."),
        click.option("--plover", help="PLOVER event type (e.g. ASSAULT)."),
        click.option("--quad", "quad_class", type=click.IntRange(1, 4), help="Quad class 1-4."),
        click.option("--country", help="Either side's country or the event location's country (ISO3)."),
        click.option("--since", help="First event date (YYYY-MM-DD)."),
        click.option("--until", help="Last event date (YYYY-MM-DD)."),
        click.option("--text", help="Case-insensitive substring of the sentence."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _event_filter(params: dict[str, Any]) -> Any:
    from flashpoint.store import EventFilter

    dyad = None
    if params.get("dyad"):
        parts = [p.strip() for p in params["dyad"].split(",")]
        if len(parts) != 2 or not all(parts):
            raise click.BadParameter("expected two actors as 'A,B'", param_hint="--dyad")
        dyad = (parts[0], parts[1])
    try:
        return EventFilter(
            actor=params.get("actor"),
            dyad=dyad,
            directed=bool(params.get("directed")),
            code=params.get("code"),
            plover=params.get("plover"),
            quad_class=params.get("quad_class"),
            country=params.get("country"),
            since=params.get("since"),
            until=params.get("until"),
            text=params.get("text"),
        )
    except FlashpointError as exc:
        raise click.UsageError(exc.message) from exc


@contextmanager
def _opened(db: str) -> Iterator[Any]:
    """Open the store read-only; turn library errors into messages for people."""
    from flashpoint.store import open_store

    try:
        store = open_store(db, read_only=True)
    except FlashpointError as exc:
        raise click.ClickException(exc.message) from exc
    try:
        yield store
    except FlashpointError as exc:
        raise click.ClickException(exc.message.splitlines()[0]) from exc
    except Exception as exc:
        if type(exc).__module__.partition(".")[0] not in ("duckdb", "_duckdb", "psycopg"):
            raise
        # the database's own failure (out of memory under FLASHPOINT_DUCKDB_MEMORY, a lost
        # connection): its first line, naming the store, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise click.ClickException(f"{db}: query failed: {first}") from exc
    finally:
        store.close()


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A fixed-width text table (no colour, safe to pipe)."""
    cells = [columns] + [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {c: _cell(row.get(c)) if isinstance(row.get(c), list) else row.get(c) for c in columns}
            )
    else:
        click.echo(format_table(rows, columns) if rows else "(no rows)")


def _event_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": record["event_id"],
        "date": record.get("date"),
        "source": record["source"].get("code"),
        "cameo": record.get("cameo"),
        "plover": (record.get("plover") or {}).get("type"),
        "target": record["target"].get("code"),
        "goldstein": record.get("goldstein"),
        "sources": record.get("num_sources"),
        "sentence": (record.get("sentence") or "")[:70],
    }


@click.command("query")
@_db_option
@_filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many events."
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many events first.")
@click.option(
    "--dedup", type=click.Choice(DEDUP_METHODS), default="none", show_default=True, help="Deduplicate."
)
@_format_option(("table", "json", "csv"))
def query_cmd(db: str, limit: int, offset: int, dedup: str, fmt: str, **filters: Any) -> None:
    """Find events in a store by actor, dyad, code, type, date or text."""
    from flashpoint.analytics import dedup as run_dedup
    from flashpoint.store.exports import export

    flt = _event_filter(filters)
    with _opened(db) as store:
        if dedup == "none":
            records = store.events(flt, limit=limit, offset=offset)
        else:
            records = run_dedup(store.iter_events(flt), dedup)[offset : offset + limit]
        if fmt == "json":
            click.echo(json.dumps(records, ensure_ascii=False, indent=1, default=str))
        elif fmt == "csv":
            export(records, "csv", sys.stdout)
        else:
            rows = [_event_summary(r) for r in records]
            columns = ["event_id", "date", "source", "cameo", "plover", "target", "goldstein", "sentence"]
            if dedup != "none":
                columns.insert(-1, "sources")
            _emit(rows, "table", columns)
            total = store.count(flt)
            click.echo(f"{len(records)} shown of {total} matching events", err=True)


SERIES_COLUMNS = [
    "period", "events", "quad1", "quad2", "quad3", "quad4", "goldstein_sum", "goldstein_mean", "conflict_score",
]  # fmt: skip


@click.command("dyad")
@click.argument("actor_a")
@click.argument("actor_b")
@_db_option
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="day", show_default=True)
@click.option("--directed", is_flag=True, help="Only ACTOR_A acting on ACTOR_B (default: both directions).")
@click.option("--since", help="First date (YYYY-MM-DD).")
@click.option("--until", help="Last date (YYYY-MM-DD).")
@click.option(
    "--dedup", type=click.Choice(DEDUP_METHODS), default="none", show_default=True,
    help="Count deduplicated events (e.g. 'cluster': one per event, not one per report).",
)  # fmt: skip
@_format_option(("table", "json", "csv"))
def dyad_cmd(
    actor_a: str, actor_b: str, db: str, by: str, directed: bool, since: str | None, until: str | None,
    dedup: str, fmt: str,
) -> None:  # fmt: skip
    """Time series of events between two actors: counts by quad class and Goldstein scores."""
    from flashpoint.analytics import dyad_series, dyad_series_sql

    flt = _event_filter({"since": since, "until": until})
    with _opened(db) as store:
        if dedup == "none" and store.duckdb is not None:
            series = dyad_series_sql(store.duckdb, actor_a, actor_b, by, directed, flt.since, flt.until)
        else:
            from flashpoint.analytics import dedup as run_dedup

            between = _event_filter({"dyad": f"{actor_a},{actor_b}", "directed": directed})
            records = run_dedup(store.iter_events(between), dedup)
            series = dyad_series(records, actor_a, actor_b, by, directed, flt.since, flt.until)
    _emit(series, fmt, SERIES_COLUMNS)


ALERT_COLUMNS = [
    "period", "dyad", "value", "conflict_events", "baseline_mean", "baseline_sd", "z", "event_ids",
]  # fmt: skip


@click.command("alerts")
@_db_option
@click.option("--window", type=click.IntRange(min=2), default=7, show_default=True, help="Baseline periods.")
@click.option(
    "--threshold", type=float, default=2.0, show_default=True, help="Alert at this z-score or above."
)
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="day", show_default=True)
@click.option(
    "--min-events", type=click.IntRange(min=1), default=3, show_default=True, help="Conflict events needed."
)
@click.option(
    "--min-sd", type=click.FloatRange(min=0.01), default=1.0, show_default=True, help="Floor on baseline sd."
)
@click.option("--metric", type=click.Choice(["count", "goldstein"]), default="count", show_default=True)
@click.option("--directed", is_flag=True, help="Treat A->B and B->A as different dyads.")
@click.option("--since", help="First date (YYYY-MM-DD).")
@click.option("--until", help="Last date (YYYY-MM-DD).")
@click.option(
    "--dedup", type=click.Choice(DEDUP_METHODS), default="none", show_default=True,
    help="Score deduplicated events (e.g. 'cluster', so one event told by five outlets counts once).",
)  # fmt: skip
@_format_option(("table", "json", "csv"))
def alerts_cmd(
    db: str, window: int, threshold: float, by: str, min_events: int, min_sd: float, metric: str, directed: bool,
    since: str | None, until: str | None, dedup: str, fmt: str,
) -> None:  # fmt: skip
    """Escalation alerts: dyads whose conflict jumps above their own recent baseline."""
    from flashpoint.analytics import AlertOptions, alerts, alerts_sql

    flt = _event_filter({"since": since, "until": until})
    try:
        options = AlertOptions(
            by, window, threshold, min_events, min_sd, metric, directed, flt.since, flt.until
        )
    except FlashpointError as exc:
        raise click.ClickException(exc.message) from exc
    with _opened(db) as store:
        if dedup == "none" and store.duckdb is not None:
            found = alerts_sql(store.duckdb, options)
        else:
            from flashpoint.analytics import dedup as run_dedup

            found = alerts(run_dedup(store.iter_events(), dedup), options)
    _emit(found, fmt, ALERT_COLUMNS)


@click.command("export")
@_db_option
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl", "gdelt", "polecat", "plover"]), required=True,
    help="parquet/csv (flat columns), jsonl (full records), gdelt (GDELT 2.0 TSV), polecat (TSV), plover (JSON).",
)  # fmt: skip
@click.option("--output", "-o", required=True, help="Output file ('-' for stdout, text formats only).")
@click.option(
    "--dedup", type=click.Choice(DEDUP_METHODS), default="none", show_default=True, help="Deduplicate."
)
@click.option("--gdelt-header", is_flag=True, help="With --format gdelt: write a header row.")
@_filter_options
def export_cmd(db: str, fmt: str, output: str, dedup: str, gdelt_header: bool, **filters: Any) -> None:
    """Export (filtered) events for pandas, R, DuckDB or GDELT/POLECAT/PLOVER tools."""
    from flashpoint.analytics import dedup as run_dedup
    from flashpoint.store.exports import export

    flt = _event_filter(filters)
    if output == "-" and fmt == "parquet":
        raise click.BadParameter("parquet needs a file", param_hint="--output")
    with _opened(db) as store:
        records: Any = store.iter_events(flt)
        if dedup != "none":
            records = run_dedup(records, dedup)
        n = export(records, fmt, sys.stdout if output == "-" else output, header=gdelt_header)
    click.echo(f"exported {n} events as {fmt} to {output}", err=True)


def _changed_settings(settings: dict[str, Any], default: dict[str, Any]) -> str:
    """The settings a run changed from ``default`` (``settings_record(Settings())``), as
    ``name=value`` (the defaults are the common case, and a full record is 18 columns wide)."""
    return " ".join(f"{k}={v}" for k, v in sorted(settings.items()) if default.get(k, v) != v) or "defaults"


@click.command("runs")
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The newest runs.")
@_format_option(("table", "json", "csv"))
def runs_cmd(db: str, limit: int, fmt: str) -> None:
    """The coding runs that wrote into a store: when, engine, settings, inputs, outcome."""
    with _opened(db) as store:
        rows = store.runs(limit=limit)
    if fmt != "json":
        from flashpoint.config import Settings, settings_record

        default = settings_record(Settings())
        for row in rows:
            row["settings"] = _changed_settings(row["settings"], default)
            row["inputs"] = " ".join(row["inputs"])
            for key in ("started_at", "finished_at"):  # to the second: a table, not a log
                row[key] = f"{row[key]:%Y-%m-%d %H:%M:%S}" if row[key] is not None else None
            if row["build"]:  # the release and its files' digest; the rest is in the JSON
                row["flashpoint"] = f"{row['flashpoint']} ({row['build']['files'][:8]})"
    columns = [
        "run_id", "engine", "status", "started_at", "finished_at", "articles", "events", "errors",
        "settings", "resumes", "flashpoint", "inputs",
    ]  # fmt: skip
    _emit(rows, fmt, columns)


@click.command("merge")
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_db_option
def merge_cmd(sources: tuple[str, ...], db: str) -> None:
    """Merge the DuckDB stores SOURCE... into the store --db (created if needed).

    Each source goes in whole or not at all, in order: an article in several stores ends as
    the last one holds it, as when the runs write into one store; the runs and input
    errors are copied too. A source that cannot be merged is reported and the others are
    merged; the exit status is 1 if any failed. The sources are only read.
    """
    import time

    from flashpoint.store import CommittedInterrupt, WriteSummary, open_store

    started = time.perf_counter()
    try:
        store = open_store(db)
    except FlashpointError as exc:
        raise click.ClickException(exc.message) from exc
    total, merged, failed = WriteSummary(), 0, 0
    try:
        for source in sources:
            try:
                summary = store.merge(source)
            except FlashpointError as exc:
                click.echo(f"error: {exc.message}", err=True)
                failed += 1
                continue
            merged += 1
            total += summary
            click.echo(
                f"{source}: {summary.articles} articles, {summary.events} events, {summary.errors} errors"
                + (f" ({summary.replaced_events} events replaced)" if summary.replaced_events else ""),
                err=True,
            )
        held = store.stats()
    except CommittedInterrupt:  # Ctrl-C as a source was committing: that one is in
        click.echo(f"interrupted: {merged + 1} stores merged into {db}, the last as Ctrl-C came", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo(f"interrupted: {merged} stores merged into {db}, the one under way rolled back", err=True)
        sys.exit(130)
    finally:
        store.close()
    click.echo(
        f"merged {merged} of {len(sources)} stores into {db}: {total.articles} articles, {total.events} events, "
        f"{total.errors} errors copied in {time.perf_counter() - started:.1f}s; the store holds "
        f"{held['articles']} articles, {held['events']} events, {held['errors']} errors",
        err=True,
    )
    if failed:
        sys.exit(1)
