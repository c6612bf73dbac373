"""Escalation alerts: a dyad whose conflict in one period departs from its own recent past.

For every dyad (undirected by default) and period, the *conflict value* is either the
number of material/verbal conflict events (quad class 3 or 4; ``metric="count"``) or the
magnitude of negative Goldstein (sum of ``-goldstein`` over events with goldstein < 0;
``metric="goldstein"``).  The baseline is the previous ``window`` periods of the same dyad
(quiet periods count as 0, from the dyad's first event on); the period alerts when

    z = (value - mean(baseline)) / max(sd(baseline), min_sd) >= threshold

and at least ``min_events`` conflict events happened in it.  ``sd`` is the population
standard deviation; the floor ``min_sd`` keeps a dyad that was perfectly quiet from
alerting on a single event.  Each alert lists the ids of the events that made its value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flashpoint.analytics.common import (
    PERIODS,
    actor_key,
    actor_key_sql,
    check_period,
    date_bounds_sql,
    event_day,
    in_bounds,
    period_range,
    period_sql,
    period_start,
    rows,
)
from flashpoint.errors import ConfigError

METRICS = ("count", "goldstein")


@dataclass(frozen=True)
class AlertOptions:
    """How alerts are computed (one options object instead of many keyword arguments)."""

    by: str = "day"
    window: int = 7
    threshold: float = 2.0
    min_events: int = 3
    min_sd: float = 1.0
    metric: str = "count"
    directed: bool = False
    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        check_period(self.by)
        if int(self.window) < 2:
            raise ConfigError(f"window must be at least 2 periods, got {self.window!r}")
        if self.metric not in METRICS:
            raise ConfigError(f"metric must be one of {', '.join(METRICS)}, got {self.metric!r}")
        if not self.min_sd > 0:
            raise ConfigError(f"min_sd must be positive, got {self.min_sd!r}")


def _contributes(record: dict[str, Any], metric: str) -> tuple[bool, float]:
    """Whether an event counts toward the conflict value, and by how much."""
    if metric == "count":
        hit = record.get("quad_class") in (3, 4)
        return hit, 1.0 if hit else 0.0
    goldstein = record.get("goldstein")
    if goldstein is not None and goldstein < 0:
        return True, -float(goldstein)
    return False, 0.0


def _dyad(record: dict[str, Any], directed: bool) -> tuple[str, str] | None:
    a, b = actor_key(record.get("source")), actor_key(record.get("target"))
    if a is None or b is None:
        return None
    return (a, b) if directed or a <= b else (b, a)


def alerts(events: Iterable[dict[str, Any]], options: AlertOptions | None = None) -> list[dict[str, Any]]:
    """Escalation alerts over event records (pure Python), sorted by period then dyad."""
    opts = options or AlertOptions()
    # (dyad, period) -> [value, conflict events, ids]
    cells: dict[tuple[tuple[str, str], date], list[Any]] = {}
    first: dict[tuple[str, str], date] = {}
    last: date | None = None
    for record in events:
        day = event_day(record)
        if not in_bounds(day, opts.since, opts.until):
            continue
        period = period_start(day, opts.by)  # type: ignore[arg-type]
        dyad = _dyad(record, opts.directed)
        if dyad is None:
            continue
        last = period if last is None or period > last else last
        first[dyad] = min(first.get(dyad, period), period)
        cell = cells.setdefault((dyad, period), [0.0, 0, []])
        hit, value = _contributes(record, opts.metric)
        if hit:
            cell[0] += value
            cell[1] += 1
            cell[2].append(record["event_id"])
    found = []
    window = int(opts.window)
    for dyad, start in first.items():
        periods = period_range(start, last, opts.by)  # type: ignore[arg-type]
        values = [cells.get((dyad, p), [0.0, 0, []])[0] for p in periods]
        for i in range(window, len(periods)):
            value, n_conflict, ids = cells.get((dyad, periods[i]), [0.0, 0, []])
            if n_conflict < opts.min_events:
                continue
            base = values[i - window : i]
            mean = sum(base) / window
            sd = math.sqrt(sum((v - mean) ** 2 for v in base) / window)
            z = (value - mean) / max(sd, opts.min_sd)
            if z >= opts.threshold:
                found.append(_alert(dyad, periods[i], value, n_conflict, mean, sd, z, sorted(ids), opts))
    found.sort(key=lambda a: (a["period"], a["dyad"]))
    return found


def _alert(
    dyad: tuple[str, str],
    period: date,
    value: float,
    n: int,
    mean: float,
    sd: float,
    z: float,
    ids: list[str],
    opts: AlertOptions,
) -> dict[str, Any]:
    return {
        "dyad": list(dyad),
        "period": period.isoformat(),
        "by": opts.by,
        "metric": opts.metric,
        "value": float(value),
        "conflict_events": int(n),
        "baseline_mean": float(mean),
        "baseline_sd": float(sd),
        "z": float(z),
        "window": int(opts.window),
        "event_ids": ids,
    }


def alerts_sql(conn: Any, options: AlertOptions | None = None) -> list[dict[str, Any]]:
    """The same alerts computed in DuckDB over the store's ``events`` table."""
    opts = options or AlertOptions()
    window = int(opts.window)
    bounds, params = date_bounds_sql(opts.since, opts.until)
    src, tgt = actor_key_sql("source"), actor_key_sql("target")
    if opts.directed:
        a_expr, b_expr = "ka", "kb"
    else:
        a_expr, b_expr = "least(ka, kb)", "greatest(ka, kb)"
    if opts.metric == "count":
        hit, amount = "quad_class IN (3, 4)", "1.0"
    else:
        hit, amount = "goldstein < 0", "-goldstein"
    sql = f"""
        WITH ev AS (
            SELECT event_id, {period_sql(opts.by)} AS period, {src} AS ka, {tgt} AS kb, quad_class, goldstein
            FROM events WHERE {bounds}
        ), d AS (
            SELECT {a_expr} AS a, {b_expr} AS b, period, event_id,
                   coalesce({hit}, FALSE) AS hit, CASE WHEN {hit} THEN {amount} ELSE 0.0 END AS amount
            FROM ev WHERE ka IS NOT NULL AND kb IS NOT NULL
        ), agg AS (
            SELECT a, b, period, sum(amount) AS value, count(*) FILTER (WHERE hit) AS n,
                   list(event_id ORDER BY event_id) FILTER (WHERE hit) AS ids
            FROM d GROUP BY a, b, period
        ), grid AS (
            SELECT a, b, CAST(unnest(generate_series(lo, hi, {PERIODS[opts.by]})) AS DATE) AS period
            FROM (SELECT a, b, min(period) AS lo FROM agg GROUP BY a, b) f,
                 (SELECT max(period) AS hi FROM agg) l
        ), series AS (
            SELECT grid.a, grid.b, grid.period, coalesce(agg.value, 0.0) AS value,
                   coalesce(agg.n, 0) AS n, agg.ids
            FROM grid LEFT JOIN agg ON agg.a = grid.a AND agg.b = grid.b AND agg.period = grid.period
        ), scored AS (
            SELECT *, avg(value) OVER w AS mean, stddev_pop(value) OVER w AS sd, count(*) OVER w AS k
            FROM series
            WINDOW w AS (PARTITION BY a, b ORDER BY period ROWS BETWEEN {window} PRECEDING AND 1 PRECEDING)
        )
        SELECT a, b, period, value, n, mean, sd, (value - mean) / greatest(sd, ?) AS z, ids
        FROM scored
        WHERE k = ? AND n >= ? AND (value - mean) / greatest(sd, ?) >= ?
        ORDER BY period, a, b
    """
    params += [float(opts.min_sd), window, int(opts.min_events), float(opts.min_sd), float(opts.threshold)]
    return [
        _alert(
            (r["a"], r["b"]),
            r["period"],
            r["value"],
            r["n"],
            r["mean"],
            r["sd"],
            r["z"],
            list(r["ids"] or []),
            opts,
        )
        for r in rows(conn, sql, params)
    ]
