"""The queries behind every page: one function per page, returning plain JSON-ready dicts.

Datasette's rule: the HTML page and its JSON twin call the same function here, so the
dashboard and the API cannot drift.  Functions take the store and the request's query
parameters (a mapping of strings) and raise ``ApiError`` for bad input or missing records.
Aggregations run in the database; only a page of rows ever reaches the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from flashpoint.store import EventFilter, Store
from flashpoint.web.highlight import event_spans, segments
from flashpoint.web.params import ApiError, filter_query, parse_code, parse_filter, parse_int, parse_page

MAX_ARTICLE_EVENTS = 500
"""Events drawn over one article; a story with more is almost surely a coder fault."""


def _link(path: str, query: Mapping[str, Any]) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


def events_view(store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """One page of filtered events, the total, and links to the neighbouring pages."""
    filters = parse_filter(params)
    page = parse_page(params)
    total = store.count(filters)
    rows = store.events(filters, limit=page.limit, offset=page.offset)
    query = filter_query(params)
    nxt = prev = None
    if page.offset + page.limit < total:
        nxt = _link("/api/events", {**query, "limit": page.limit, "offset": page.offset + page.limit})
    if page.offset > 0:
        prev = _link(
            "/api/events", {**query, "limit": page.limit, "offset": max(0, page.offset - page.limit)}
        )
    return {
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
        "filters": query,
        "events": rows,
        "next": nxt,
        "previous": prev,
    }


def _slice(text: str | None, span: list[int] | None) -> str | None:
    if not text or not span:
        return None
    start, end = span
    return text[start:end] if 0 <= start < end <= len(text) else None


def event_view(store: Store, event_id: str) -> dict[str, Any]:
    """One event with its evidence: the article words each span points at."""
    event = store.event(event_id)
    if event is None:
        raise ApiError(404, "no such event", {"event_id": event_id})
    rows = store.query("SELECT clean_text, text FROM articles WHERE doc_id = ?", [event["doc_id"]])
    text = (rows[0]["clean_text"] or rows[0]["text"]) if rows else None
    evidence = event.get("evidence") or {}
    words = {role: _slice(text, evidence.get(role)) for role in ("source", "trigger", "target")}
    return {
        "event": event,
        "evidence_text": words,
        "article_url": f"/articles/{quote(event['doc_id'], safe='/')}?event={quote(event_id, safe='')}#sel",
    }


def article_view(store: Store, doc_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """A stored story's coded text, its events, and text runs marked with their evidence.

    Offsets in event records point into the cleaned text (what the coder read), so that is
    the text shown; the raw text is available from the JSON as ``article.text``.
    """
    article = store.article(doc_id)
    if article is None:
        raise ApiError(404, "no such article", {"doc_id": doc_id})
    text = article.get("clean_text") or article.get("text") or ""
    events = store.events(EventFilter(doc_id=doc_id), limit=MAX_ARTICLE_EVENTS)
    selected_id = params.get("event")
    selected = next((i for i, e in enumerate(events) if e["event_id"] == selected_id), None)
    marks, bad = event_spans(events, len(text))
    article = {k: v for k, v in article.items() if k not in ("clean_text", "sentences", "event_ids")}
    return {
        "article": article,
        "text": text,
        "events": events,
        "spans": [
            {"event_id": events[m.event]["event_id"], "role": m.role, "start": m.start, "end": m.end}
            for m in marks
        ],
        "unplaced_spans": bad,
        "segments": segments(text, marks, selected),
        "selected": selected,
    }


def actors_view(store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """Actors seen in the store, most frequent first; ``q`` keeps codes or names containing it."""
    page = parse_page(params)
    needle = (params.get("q") or "").strip().lower()
    if needle:
        rows = [
            a
            for a in store.actors()
            if needle in (a.get("code") or "").lower() or needle in (a.get("name") or "").lower()
        ]
        total = len(rows)
        rows = rows[page.offset : page.offset + page.limit]
    else:
        total = int(store.query("SELECT count(*) AS n FROM actors")[0]["n"])
        rows = store.query(
            "SELECT code, name, country, agent, count FROM actors ORDER BY count DESC, code LIMIT ? OFFSET ?",
            [page.limit, page.offset],
        )
    return {"total": total, "limit": page.limit, "offset": page.offset, "actors": rows}


def map_view(store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """Located events grouped by place (one dot per place, not per event) for the map page."""
    filters = parse_filter(params)
    limit = parse_int(params, "limit", 500, 1, 5000)
    where, values = filters.where()
    rows = store.query(
        "SELECT location_name AS name, location_country AS country, "
        "round(location_lat, 2) AS lat, round(location_lon, 2) AS lon, count(*) AS n, "
        "avg(goldstein) AS goldstein_mean, min(date) AS first, max(date) AS last "
        f"FROM events WHERE {where} AND location_lat IS NOT NULL AND location_lon IS NOT NULL "
        "GROUP BY 1, 2, 3, 4 ORDER BY n DESC, name LIMIT ?",
        [*values, limit],
    )
    unlocated = store.query(
        f"SELECT count(*) AS n FROM events WHERE {where} AND (location_lat IS NULL OR location_lon IS NULL)",
        values,
    )[0]["n"]
    for row in rows:
        for key in ("first", "last"):
            row[key] = row[key].isoformat() if row[key] is not None else None
        if row["goldstein_mean"] is not None:
            row["goldstein_mean"] = round(float(row["goldstein_mean"]), 2)
    return {"filters": filter_query(params), "places": rows, "unlocated": int(unlocated)}


def summary_view(store: Store) -> dict[str, Any]:
    """Row counts and the date range, for the home page."""
    stats = store.stats()
    span = store.query("SELECT min(date) AS first, max(date) AS last FROM events")[0]
    quads = store.query("SELECT quad_class, count(*) AS n FROM events GROUP BY 1 ORDER BY 1")
    return {
        "counts": stats,
        "first_date": span["first"].isoformat() if span["first"] else None,
        "last_date": span["last"].isoformat() if span["last"] else None,
        "quad_classes": quads,
        "top_actors": store.actors(limit=10),
        "top_dyads": _top_dyads(store, 8),
    }


def _top_dyads(store: Store, n: int) -> list[dict[str, Any]]:
    from flashpoint.analytics import top_dyads_sql

    return [{**d, "goldstein_mean": _round(d["goldstein_mean"])} for d in top_dyads_sql(_conn(store), n=n)]


def actor_key(value: str, what: str = "actor") -> str:
    """Validate an actor key taken from a URL path segment."""
    return parse_code(value, what)


def _conn(store: Store) -> Any:
    """What the analytics ``*_sql`` functions run on: the store's DuckDB connection."""
    return store.duckdb


def _round(value: Any, digits: int = 2) -> float | None:
    return round(float(value), digits) if value is not None else None


def dyads_view(store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """The busiest dyads and a matrix of event counts among the most active actors.

    Actors are counted as analytics does (country, else code), so the matrix rows are
    states and organisations; each cell links to that dyad's timeline.
    """
    from flashpoint.analytics import network_sql, top_actors_sql, top_dyads_sql

    n = parse_int(params, "n", 25, 1, 200)
    size = parse_int(params, "size", 12, 2, 40)
    conn = _conn(store)
    dyads = top_dyads_sql(conn, n=n)
    actors = [a["actor"] for a in top_actors_sql(conn, n=size)]
    keep = set(actors)
    cells = [
        {**e, "goldstein_mean": _round(e["goldstein_mean"])}
        for e in network_sql(conn)["edges"]
        if e["source"] in keep and e["target"] in keep
    ]
    for d in dyads:
        d["goldstein_mean"] = _round(d["goldstein_mean"])
    return {"dyads": dyads, "matrix": {"actors": actors, "cells": cells}}


def dyad_series_view(store: Store, a: str, b: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Conflict-cooperation over time for one dyad: counts by quad class and mean Goldstein."""
    from flashpoint.analytics import dyad_series_sql
    from flashpoint.web.params import parse_by, parse_date

    a, b = parse_code(a, "a"), parse_code(b, "b")
    by = parse_by(params)
    since, until = parse_date(params, "since"), parse_date(params, "until")
    directed = params.get("directed") in ("1", "true", "yes", "on")
    points = dyad_series_sql(_conn(store), a, b, by=by, directed=directed, since=since, until=until)
    if len(points) > 5000:
        raise ApiError(
            400, "series too long: use a coarser by= or a since/until range", {"periods": len(points)}
        )
    for p in points:
        for key in ("goldstein_mean", "conflict_score"):
            p[key] = _round(p[key])
        p["goldstein_sum"] = _round(p["goldstein_sum"])
    for p in points:
        first = date.fromisoformat(p["period"])
        last = _period_end(first, by)
        p["events_url"] = _link(
            "/events",
            {
                "dyad": f"{a}-{b}",
                "directed": "1" if directed else None,
                "since": p["period"],
                "until": last.isoformat(),
            },
        )
    totals = {k: sum(p[k] for p in points) for k in ("events", "quad1", "quad2", "quad3", "quad4")}
    return {
        "a": a,
        "b": b,
        "by": by,
        "directed": directed,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "totals": totals,
        "points": points,
        "events_url": _link("/events", {"dyad": f"{a}-{b}", "since": since, "until": until}),
    }


def _period_end(first: date, by: str) -> date:
    """The last day of the period starting at ``first`` (for the events behind a bar)."""
    if by == "day":
        return first
    if by == "week":
        return first + timedelta(days=6)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def network_view(store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """The actor network cut to its ``nodes`` busiest actors (default 30), so it stays legible."""
    from flashpoint.analytics import network_sql

    size = parse_int(params, "nodes", 30, 2, 200)
    min_count = parse_int(params, "min_count", 1, 1, 10**6)
    graph = network_sql(_conn(store), directed=False, min_count=min_count)
    nodes = sorted(graph["nodes"], key=lambda n: (-n["count"], n["id"]))[:size]
    keep = {n["id"] for n in nodes}
    edges = [
        {**e, "goldstein_mean": _round(e["goldstein_mean"])}
        for e in graph["edges"]
        if e["source"] in keep and e["target"] in keep
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "total_nodes": len(graph["nodes"]),
        "total_edges": len(graph["edges"]),
    }


def alerts_view(
    store: Store, params: Mapping[str, Any], compute: Callable[[Any, Any], list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """Escalation alerts (newest first), computed in the database with ``AlertOptions``.

    ``compute`` defaults to ``analytics.alerts_sql``; the app passes a memoised one because
    alerts scan the whole store (seconds at 100k events) and a served store is read-only.
    """
    from flashpoint.analytics import AlertOptions, alerts_sql
    from flashpoint.web.params import parse_by, parse_date

    page = parse_page(params)
    metric = (params.get("metric") or "count").strip()
    if metric not in ("count", "goldstein"):
        raise ApiError(400, "metric must be count or goldstein", {"metric": metric})
    try:
        threshold = float(params.get("threshold") or 2.0)
    except ValueError:
        raise ApiError(400, "threshold must be a number", {"threshold": params.get("threshold")}) from None
    if not 0 < threshold <= 100:
        raise ApiError(400, "threshold must be in (0, 100]", {"threshold": threshold})
    options = AlertOptions(
        by=parse_by({"by": params.get("by") or "day"}),
        window=parse_int(params, "window", 7, 2, 365),
        threshold=threshold,
        min_events=parse_int(params, "min_events", 3, 1, 10**6),
        metric=metric,
        since=parse_date(params, "since"),
        until=parse_date(params, "until"),
    )
    found = [dict(a) for a in (compute or alerts_sql)(_conn(store), options)]
    found.sort(key=lambda a: (a["period"], a["z"]), reverse=True)
    for alert in found:
        for key in ("value", "baseline_mean", "baseline_sd", "z"):
            alert[key] = _round(alert[key])
        end = _period_end(date.fromisoformat(alert["period"]), options.by)
        alert["events_url"] = _link(
            "/events", {"dyad": "-".join(alert["dyad"]), "since": alert["period"], "until": end.isoformat()}
        )
    return {
        "options": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(options).items()},
        "total": len(found),
        "limit": page.limit,
        "offset": page.offset,
        "alerts": found[page.offset : page.offset + page.limit],
    }
