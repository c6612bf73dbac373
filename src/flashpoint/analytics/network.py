"""Top actors, top dyads and the actor network (nodes and weighted edges) for the dashboard.

Actors are counted by ``actor_key`` (country, else code), so the network shows states and
organisations rather than every agent code; ``top_actors(by="code")`` counts full codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from flashpoint.analytics.common import actor_key, actor_key_sql, rows
from flashpoint.errors import ConfigError


def _key(side: dict[str, Any] | None, by: str) -> str | None:
    if by == "code":
        return (side or {}).get("code") or None
    if by == "key":
        return actor_key(side)
    raise ConfigError(f"actors are counted by 'key' or 'code', got {by!r}")


def top_actors(events: Iterable[dict[str, Any]], n: int = 10, by: str = "key") -> list[dict[str, Any]]:
    """The ``n`` actors appearing most often on either side (ties by name)."""
    counts: Counter[str] = Counter()
    for record in events:
        for side in ("source", "target"):
            key = _key(record.get(side), by)
            if key:
                counts[key] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [{"actor": k, "count": c} for k, c in ranked]


def top_actors_sql(conn: Any, n: int = 10, by: str = "key") -> list[dict[str, Any]]:
    """``top_actors`` in DuckDB."""
    src = actor_key_sql("source") if by == "key" else "nullif(source_code, '')"
    tgt = actor_key_sql("target") if by == "key" else "nullif(target_code, '')"
    _key(None, by)
    sql = f"""
        SELECT actor, count(*) AS count FROM (
            SELECT {src} AS actor FROM events UNION ALL SELECT {tgt} FROM events
        ) s WHERE actor IS NOT NULL GROUP BY actor ORDER BY count DESC, actor LIMIT ?
    """
    return [{"actor": r["actor"], "count": int(r["count"])} for r in rows(conn, sql, [int(n)])]


def _edges(events: Iterable[dict[str, Any]], directed: bool) -> dict[tuple[str, str], list[float]]:
    edges: dict[tuple[str, str], list[float]] = {}
    for record in events:
        a, b = actor_key(record.get("source")), actor_key(record.get("target"))
        if a is None or b is None:
            continue
        pair = (a, b) if directed or a <= b else (b, a)
        cell = edges.setdefault(pair, [0, 0.0, 0])  # count, goldstein sum, goldstein n
        cell[0] += 1
        if record.get("goldstein") is not None:
            cell[1] += float(record["goldstein"])
            cell[2] += 1
    return edges


def _edge(pair: tuple[str, str], count: float, gsum: float, gn: float) -> dict[str, Any]:
    return {
        "source": pair[0],
        "target": pair[1],
        "count": int(count),
        "goldstein_mean": gsum / gn if gn else None,
    }


def top_dyads(events: Iterable[dict[str, Any]], n: int = 10, directed: bool = False) -> list[dict[str, Any]]:
    """The ``n`` busiest dyads with their event count and mean Goldstein."""
    edges = _edges(events, directed)
    ranked = sorted(edges.items(), key=lambda kv: (-kv[1][0], kv[0]))[:n]
    return [_edge(pair, *cell) for pair, cell in ranked]


def _dyads_sql(directed: bool) -> str:
    src, tgt = actor_key_sql("source"), actor_key_sql("target")
    a, b = ("ka", "kb") if directed else ("least(ka, kb)", "greatest(ka, kb)")
    return f"""
        SELECT {a} AS source, {b} AS target, count(*) AS count, avg(goldstein) AS goldstein_mean
        FROM (SELECT {src} AS ka, {tgt} AS kb, goldstein FROM events) e
        WHERE ka IS NOT NULL AND kb IS NOT NULL
        GROUP BY 1, 2
    """


def top_dyads_sql(conn: Any, n: int = 10, directed: bool = False) -> list[dict[str, Any]]:
    """``top_dyads`` in DuckDB."""
    sql = f"SELECT * FROM ({_dyads_sql(directed)}) d ORDER BY count DESC, source, target LIMIT ?"
    return [{**r, "count": int(r["count"])} for r in rows(conn, sql, [int(n)])]


def network(events: Iterable[dict[str, Any]], directed: bool = False, min_count: int = 1) -> dict[str, Any]:
    """The actor network: ``nodes`` (id, count) and ``edges`` (source, target, count,
    goldstein_mean), keeping edges seen at least ``min_count`` times and their nodes."""
    edges = [
        _edge(pair, *cell) for pair, cell in sorted(_edges(events, directed).items()) if cell[0] >= min_count
    ]
    return _graph(edges)


def network_sql(conn: Any, directed: bool = False, min_count: int = 1) -> dict[str, Any]:
    """``network`` in DuckDB."""
    sql = f"SELECT * FROM ({_dyads_sql(directed)}) d WHERE count >= ? ORDER BY source, target"
    edges = [{**r, "count": int(r["count"])} for r in rows(conn, sql, [int(min_count)])]
    return _graph(edges)


def _graph(edges: list[dict[str, Any]]) -> dict[str, Any]:
    nodes: Counter[str] = Counter()
    for edge in edges:
        nodes[edge["source"]] += edge["count"]
        if edge["target"] != edge["source"]:
            nodes[edge["target"]] += edge["count"]
    return {
        "nodes": [{"id": k, "count": c} for k, c in sorted(nodes.items())],
        "edges": edges,
    }
