"""Definitions shared by every analysis: actor keys, periods, and their SQL twins.

Each analysis exists twice, as DuckDB SQL (fast on a large store) and as pure Python over
event records (so tests recompute it independently).  The few definitions both must agree
on live here, each next to its SQL form.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flashpoint.errors import ConfigError
from flashpoint.models import ORG_COUNTRIES, state_of

PERIODS = {"day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY", "month": "INTERVAL 1 MONTH"}


def check_period(by: str) -> str:
    """Validate a period name (it is spliced into SQL, so only known names pass)."""
    if by not in PERIODS:
        raise ConfigError(f"period must be one of {', '.join(PERIODS)}, got {by!r}")
    return by


def period_start(day: date, by: str) -> date:
    """The first day of the period holding ``day``: itself, its ISO week's Monday, or the 1st."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    raise ConfigError(f"period must be one of {', '.join(PERIODS)}, got {by!r}")


def next_period(day: date, by: str) -> date:
    """The start of the period after the one starting at ``day``."""
    if by == "day":
        return day + timedelta(days=1)
    if by == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_range(first: date, last: date, by: str) -> list[date]:
    """Every period start from ``first`` to ``last`` inclusive (both already period starts)."""
    out = []
    current = first
    while current <= last:
        out.append(current)
        current = next_period(current, by)
    return out


def period_sql(by: str, column: str = "date") -> str:
    """SQL for ``period_start`` of a DATE column."""
    return f"CAST(date_trunc('{check_period(by)}', {column}) AS DATE)"


def actor_key(side: dict[str, Any] | None) -> str | None:
    """The actor an event side counts as in dyads and networks: its country, else its code.

    So ``USAGOV`` and ``USAMIL`` both count as ``USA``; an organisation, whose country is the
    pseudo-country ``IGO``/``NGO``, keeps its own code (``UNO``, ``NATO``), so the UN and
    NATO are not lumped together as one ``IGO`` actor.
    """
    if not side:
        return None
    return state_of(side.get("country")) or side.get("code") or None


def actor_key_sql(side: str) -> str:
    """SQL for ``actor_key`` of the ``source`` or ``target`` side."""
    orgs = ", ".join(f"'{c}'" for c in sorted(ORG_COUNTRIES))
    return (
        f"coalesce(CASE WHEN {side}_country IN ({orgs}) THEN NULL ELSE nullif({side}_country, '') END, "
        f"nullif({side}_code, ''))"
    )


def side_matches(side: dict[str, Any] | None, key: str) -> bool:
    """Whether an event side names ``key`` (its country, full code, or 3-letter code root).

    The same definition as ``flashpoint.store.filters.side_matches`` (the two layers may not
    import each other; a test keeps them equal).
    """
    if not side:
        return False
    code = side.get("code") or ""
    return side.get("country") == key or code == key or (len(key) == 3 and code[:3] == key)


def side_match_sql(side: str) -> tuple[str, int]:
    """SQL for ``side_matches`` and how many times the key must be bound."""
    return f"({side}_country = ? OR {side}_code = ? OR (length(?) = 3 AND substr({side}_code, 1, 3) = ?))", 4


def dyad_match_sql(a: str, b: str, directed: bool) -> tuple[str, list[Any]]:
    """SQL condition (+ parameters) selecting events between ``a`` and ``b``."""
    src, n = side_match_sql("source")
    tgt, _ = side_match_sql("target")
    forward = f"({src} AND {tgt})"
    params: list[Any] = [a] * n + [b] * n
    if directed:
        return forward, params
    return f"({forward} OR {forward})", params + [b] * n + [a] * n


def in_dyad(record: dict[str, Any], a: str, b: str, directed: bool) -> bool:
    """Pure-Python twin of ``dyad_match_sql``."""
    src, tgt = record.get("source"), record.get("target")
    if side_matches(src, a) and side_matches(tgt, b):
        return True
    return not directed and side_matches(src, b) and side_matches(tgt, a)


def event_day(record: dict[str, Any]) -> date | None:
    """An event record's date as a ``date`` (records carry ISO strings)."""
    value = record.get("date")
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def date_bounds_sql(since: date | None, until: date | None) -> tuple[str, list[Any]]:
    """SQL condition for an optional date range (and that the event is dated at all)."""
    clauses, params = ["date IS NOT NULL"], []
    if since:
        clauses.append("date >= ?")
        params.append(since)
    if until:
        clauses.append("date <= ?")
        params.append(until)
    return " AND ".join(clauses), params


def in_bounds(day: date | None, since: date | None, until: date | None) -> bool:
    """Pure-Python twin of ``date_bounds_sql``."""
    return day is not None and (since is None or day >= since) and (until is None or day <= until)


def rows(conn: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Run parameterised SQL on a DuckDB connection (or a Store's ``query``) -> dict rows."""
    if not hasattr(conn, "execute"):
        return conn.query(sql, params)
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
