"""Analyses over stored events: deduplication, dyad series, escalation alerts, networks.

Each analysis has a pure-Python form over event records and, where it matters for large
stores, a DuckDB SQL form (``*_sql(conn, ...)``, ``conn`` being ``store.duckdb``) that
returns the same rows.
"""

from __future__ import annotations

from flashpoint.analytics.alerts import AlertOptions, alerts, alerts_sql
from flashpoint.analytics.dedup import ClusterOptions, dedup
from flashpoint.analytics.network import (
    network,
    network_sql,
    top_actors,
    top_actors_sql,
    top_dyads,
    top_dyads_sql,
)
from flashpoint.analytics.series import dyad_series, dyad_series_sql

__all__ = [
    "AlertOptions",
    "ClusterOptions",
    "alerts",
    "alerts_sql",
    "dedup",
    "dyad_series",
    "dyad_series_sql",
    "network",
    "network_sql",
    "top_actors",
    "top_actors_sql",
    "top_dyads",
    "top_dyads_sql",
]
