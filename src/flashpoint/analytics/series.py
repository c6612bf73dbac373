"""Dyad time series: events between two actors per day, week or month.

Each period reports event counts by quad class and the Goldstein measures:
``goldstein_sum`` (the PLOVER-style conflict-cooperation score: summed Goldstein, so it
grows with the number of events), ``goldstein_mean`` (the count-weighted score), and
``conflict_score`` = ``goldstein_mean`` (negative = conflict, positive = cooperation;
None when no event in the period has a Goldstein value).  Periods between the first and
last event are filled with zero rows so charts and baselines see quiet periods.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flashpoint.analytics.common import (
    PERIODS,
    check_period,
    date_bounds_sql,
    dyad_match_sql,
    event_day,
    in_bounds,
    in_dyad,
    period_range,
    period_sql,
    period_start,
    rows,
)

SERIES_KEYS = (
    "period",
    "events",
    "quad1",
    "quad2",
    "quad3",
    "quad4",
    "goldstein_sum",
    "goldstein_mean",
    "conflict_score",
)


def _point(period: date, counts: dict[str, int], values: list[float]) -> dict[str, Any]:
    mean = sum(values) / len(values) if values else None
    return {
        "period": period.isoformat(),
        "events": counts.get("events", 0),
        **{f"quad{q}": counts.get(f"quad{q}", 0) for q in (1, 2, 3, 4)},
        "goldstein_sum": float(sum(values)),
        "goldstein_mean": mean,
        "conflict_score": mean,
    }


def dyad_series(
    events: Iterable[dict[str, Any]],
    a: str,
    b: str,
    by: str = "day",
    directed: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """The series of events between ``a`` and ``b`` (pure Python over event records)."""
    check_period(by)
    counts: dict[date, dict[str, int]] = {}
    values: dict[date, list[float]] = {}
    for record in events:
        day = event_day(record)
        if not in_bounds(day, since, until) or not in_dyad(record, a, b, directed):
            continue
        period = period_start(day, by)  # type: ignore[arg-type]
        bucket = counts.setdefault(period, {})
        bucket["events"] = bucket.get("events", 0) + 1
        quad = record.get("quad_class")
        if quad in (1, 2, 3, 4):
            bucket[f"quad{quad}"] = bucket.get(f"quad{quad}", 0) + 1
        if record.get("goldstein") is not None:
            values.setdefault(period, []).append(float(record["goldstein"]))
    if not counts:
        return []
    return [
        _point(p, counts.get(p, {}), values.get(p, [])) for p in period_range(min(counts), max(counts), by)
    ]


def dyad_series_sql(
    conn: Any,
    a: str,
    b: str,
    by: str = "day",
    directed: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """The same series computed in DuckDB over the store's ``events`` table."""
    dyad, params = dyad_match_sql(a, b, directed)
    bounds, bound_params = date_bounds_sql(since, until)
    sql = f"""
        WITH ev AS (
            SELECT {period_sql(by)} AS period, quad_class, goldstein
            FROM events WHERE {bounds} AND {dyad}
        ), agg AS (
            SELECT period, count(*) AS events,
                   count(*) FILTER (WHERE quad_class = 1) AS quad1,
                   count(*) FILTER (WHERE quad_class = 2) AS quad2,
                   count(*) FILTER (WHERE quad_class = 3) AS quad3,
                   count(*) FILTER (WHERE quad_class = 4) AS quad4,
                   coalesce(sum(goldstein), 0) AS goldstein_sum,
                   avg(goldstein) AS goldstein_mean
            FROM ev GROUP BY period
        ), span AS (
            SELECT CAST(unnest(generate_series(lo, hi, {PERIODS[by]})) AS DATE) AS period
            FROM (SELECT min(period) AS lo, max(period) AS hi FROM agg) WHERE lo IS NOT NULL
        )
        SELECT span.period, coalesce(events, 0) AS events, coalesce(quad1, 0) AS quad1,
               coalesce(quad2, 0) AS quad2, coalesce(quad3, 0) AS quad3, coalesce(quad4, 0) AS quad4,
               coalesce(goldstein_sum, 0) AS goldstein_sum, goldstein_mean, goldstein_mean AS conflict_score
        FROM span LEFT JOIN agg ON agg.period = span.period
        ORDER BY span.period
    """
    out = rows(conn, sql, bound_params + params)
    for point in out:
        point["period"] = point["period"].isoformat()
        for key in ("events", "quad1", "quad2", "quad3", "quad4"):
            point[key] = int(point[key])
        point["goldstein_sum"] = float(point["goldstein_sum"])
    return out
