"""Analytics: dyad series, alerts, top actors/dyads and networks; SQL agrees with pure Python."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from corpus_gen import corpus, escalation_events
from flashpoint.analytics import (
    AlertOptions,
    alerts,
    alerts_sql,
    dyad_series,
    dyad_series_sql,
    network,
    network_sql,
    top_actors,
    top_actors_sql,
    top_dyads,
    top_dyads_sql,
)
from flashpoint.analytics.common import next_period, period_start, side_matches
from flashpoint.errors import ConfigError
from flashpoint.models import Article, CodingResult
from flashpoint.store import open_store
from flashpoint.store import side_matches as store_side_matches


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory):
    results, _ = corpus()
    with open_store(tmp_path_factory.mktemp("an") / "c.duckdb") as store:
        store.write(results)
        yield store


@pytest.fixture(scope="module")
def records(corpus_store) -> list[dict]:
    return corpus_store.events(limit=None)


@pytest.fixture(scope="module")
def escalation_store(tmp_path_factory: pytest.TempPathFactory):
    events = escalation_events()
    by_doc: dict[str, list] = {}
    for event in events:
        by_doc.setdefault(event.doc_id, []).append(event)
    results = [
        CodingResult(article=Article(doc_id=d, text="x"), events=tuple(evs)) for d, evs in by_doc.items()
    ]
    with open_store(tmp_path_factory.mktemp("esc") / "e.duckdb") as store:
        store.write(results)
        yield store


def close(a: list[dict], b: list[dict]) -> None:
    """Row lists equal, floats to 1e-9."""
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.keys() == y.keys()
        for key in x:
            if isinstance(x[key], float) or isinstance(y[key], float):
                assert x[key] == pytest.approx(y[key], abs=1e-9), key
            else:
                assert x[key] == y[key], key


DYADS = [("PRK", "USA"), ("CHN", "JPN"), ("RUS", "UKR"), ("UNO", "IRN")]


@pytest.mark.parametrize("by", ["day", "week", "month"])
@pytest.mark.parametrize("directed", [False, True])
def test_series_sql_matches_python(corpus_store, records, by: str, directed: bool) -> None:
    nonempty = 0
    for a, b in DYADS:
        python = dyad_series(records, a, b, by=by, directed=directed)
        sql = dyad_series_sql(corpus_store.duckdb, a, b, by=by, directed=directed)
        close(sql, python)
        nonempty += bool(python)
    assert nonempty >= 2


def test_series_shape(records) -> None:
    series = dyad_series(records, "PRK", "USA", by="week")
    assert series, "corpus should hold PRK-USA events"
    periods = [date.fromisoformat(p["period"]) for p in series]
    assert all(p.weekday() == 0 for p in periods)
    assert all(next_period(x, "week") == y for x, y in zip(periods, periods[1:], strict=False))
    total = sum(p["events"] for p in series)
    assert total == sum(1 for r in records if {r["source"]["code"], r["target"]["code"]} == {"PRK", "USA"})
    for point in series:
        assert point["events"] >= sum(point[f"quad{q}"] for q in (1, 2, 3, 4))
        if point["events"] == 0:
            assert point["conflict_score"] is None and point["goldstein_sum"] == 0
    since = dyad_series(records, "PRK", "USA", since=date(2025, 4, 1))
    assert all(p["period"] >= "2025-04-01" for p in since)


def test_series_via_store_query(corpus_store, records) -> None:
    """The SQL twins also run through ``Store.query`` (what a non-DuckDB caller passes)."""
    close(
        dyad_series_sql(corpus_store, "PRK", "USA", by="month"),
        dyad_series(records, "PRK", "USA", by="month"),
    )


def test_periods() -> None:
    d = date(2025, 4, 16)
    assert period_start(d, "day") == d
    assert period_start(d, "week") == date(2025, 4, 14)
    assert period_start(d, "month") == date(2025, 4, 1)
    assert next_period(date(2025, 12, 1), "month") == date(2026, 1, 1)
    with pytest.raises(ConfigError):
        period_start(d, "year")


def test_side_matching_is_one_definition() -> None:
    sides = [
        {"code": "USAGOV", "country": "USA"}, {"code": "UNO", "country": None}, {"code": "PRKMIL", "country": None},
        {"code": None, "country": None}, {"code": "UNO", "country": None}, None,
    ]  # fmt: skip
    for side in sides:
        for key in ("USA", "UNO", "PRK", "US", "USAGOV", "IGO"):
            assert side_matches(side, key) == store_side_matches(side, key)
    assert side_matches({"code": "PRKMIL"}, "PRK")
    assert not side_matches({"code": "USAGOV"}, "US")


@pytest.mark.parametrize(
    "options",
    [
        AlertOptions(),
        AlertOptions(window=5, threshold=1.5, min_events=1),
        AlertOptions(by="week", window=4, threshold=1.0, min_events=1, directed=True),
        AlertOptions(metric="goldstein", window=5, threshold=1.5, min_events=1, min_sd=2.0),
    ],
)
def test_alerts_sql_match_python(corpus_store, records, escalation_store, options: AlertOptions) -> None:
    close(alerts_sql(corpus_store.duckdb, options), alerts(records, options))
    close(alerts_sql(escalation_store.duckdb, options), alerts(escalation_store.events(limit=None), options))


def test_corpus_alerts_exist_with_loose_thresholds(records) -> None:
    assert alerts(records, AlertOptions(window=5, threshold=1.5, min_events=1))


def test_escalation_is_flagged(escalation_store) -> None:
    events = escalation_events()
    burst = sorted(e.event_id for e in events if e.doc_id == "burst")
    burst_day = next(e.date for e in events if e.doc_id == "burst")
    for found in (alerts_sql(escalation_store.duckdb), alerts(escalation_store.events(limit=None))):
        assert len(found) == 1
        alert = found[0]
        assert alert["dyad"] == ["PRK", "USA"]
        assert alert["period"] == burst_day.isoformat()
        assert alert["event_ids"] == burst
        assert alert["z"] >= 2.0
        assert alert["conflict_events"] == len(burst)
    # the baseline alone never alerts, and a threshold above the burst's z silences it
    quiet = [r for r in escalation_store.events(limit=None) if r["doc_id"] != "burst"]
    assert alerts(quiet) == []
    z = alerts(escalation_store.events(limit=None))[0]["z"]
    assert alerts(escalation_store.events(limit=None), AlertOptions(threshold=z + 0.01)) == []


def test_alert_options_are_checked() -> None:
    with pytest.raises(ConfigError):
        AlertOptions(window=1)
    with pytest.raises(ConfigError):
        AlertOptions(metric="tone")
    with pytest.raises(ConfigError):
        AlertOptions(by="fortnight")


def test_top_and_network_sql_match_python(corpus_store, records) -> None:
    for by in ("key", "code"):
        assert top_actors_sql(corpus_store.duckdb, 5, by=by) == top_actors(records, 5, by=by)
    for directed in (False, True):
        close(top_dyads_sql(corpus_store.duckdb, 8, directed), top_dyads(records, 8, directed))
        sql, python = network_sql(corpus_store.duckdb, directed, 2), network(records, directed, 2)
        assert sql["nodes"] == python["nodes"]
        close(sql["edges"], python["edges"])
    graph = network(records)
    assert sum(e["count"] for e in graph["edges"]) == len(records)
    assert {n["id"] for n in graph["nodes"]} == {e[k] for e in graph["edges"] for k in ("source", "target")}


def _coder_available() -> bool:
    return importlib.util.find_spec("flashpoint.pipeline") is not None


REFERENCE_RELATED = [
    (
        "North Korea condemns US bombers",
        "North Korea on Wednesday condemned the United States over bomber flights over the Korean Peninsula, "
        "calling the drills a grave provocation.",
        date(2025, 4, 16),
    ),
    (
        "Pyongyang threatens Washington",
        "North Korea threatened the United States with retaliation on Wednesday after joint air drills with South Korea.",
        date(2025, 4, 16),
    ),
    (
        "US urges talks",
        "The United States on Tuesday urged North Korea to return to negotiations over its nuclear programme.",
        date(2025, 4, 15),
    ),
]


@pytest.mark.slow
def test_reference_article_series_is_conflictual(tmp_path: Path, seed_text: str) -> None:
    if not _coder_available():
        pytest.skip("flashpoint.pipeline (the real coder) is not available yet")
    import flashpoint

    articles = [Article(doc_id="reference", text=seed_text, published=date(2025, 4, 17))]
    articles += [
        Article(doc_id=f"related-{i}", title=t, text=f"{t}\n\n{body}", published=day)
        for i, (t, body, day) in enumerate(REFERENCE_RELATED)
    ]
    with open_store(tmp_path / "ref.duckdb") as store:
        store.write(flashpoint.code_articles(articles))
        series = dyad_series_sql(store.duckdb, "PRK", "USA")
        point = next((p for p in series if p["period"] == "2025-04-16"), None)
        assert point is not None, series
        assert point["conflict_score"] is not None and point["conflict_score"] < 0
        close(series, dyad_series(store.events(limit=None), "PRK", "USA"))


def test_organisations_count_by_their_code_not_their_pseudo_country() -> None:
    """UN and NATO share the PLOVER country IGO but stay apart as dyad/network actors; the SQL
    twin agrees with the Python definition."""
    import duckdb

    from flashpoint.analytics.common import actor_key, actor_key_sql

    sides = [
        {"code": "UNO", "country": "IGO"}, {"code": "NATOMIL", "country": "IGO"}, {"code": "NGO", "country": "NGO"},
        {"code": "USAGOV", "country": "USA"}, {"code": "PRKMIL", "country": None}, {"code": None, "country": None},
        {"code": "UNO", "country": ""},
    ]  # fmt: skip
    assert [actor_key(s) for s in sides] == ["UNO", "NATOMIL", "NGO", "USA", "PRKMIL", None, "UNO"]
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (source_code VARCHAR, source_country VARCHAR, n INTEGER)")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?, ?)", [(s["code"], s["country"], i) for i, s in enumerate(sides)]
    )
    sql = [r[0] for r in conn.execute(f"SELECT {actor_key_sql('source')} FROM t ORDER BY n").fetchall()]
    assert sql == [actor_key(s) for s in sides]
