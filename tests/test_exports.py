"""Exports (Parquet, CSV, JSONL, GDELT, POLECAT, PLOVER) and the store CLI commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from corpus_gen import corpus, escalation_events
from flashpoint.analytics import dedup
from flashpoint.errors import ConfigError
from flashpoint.models import Article, CodingResult, Event
from flashpoint.store import open_store
from flashpoint.store.exports import FLAT_COLUMNS, GDELT_COLUMNS, POLECAT_COLUMNS, export, to_text


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    results, _ = corpus()
    path = str(tmp_path_factory.mktemp("exp") / "events.duckdb")
    by_doc: dict[str, list[Event]] = {}
    for event in escalation_events():
        by_doc.setdefault(event.doc_id, []).append(event)
    results += [CodingResult(article=Article(doc_id=d, text="x"), events=tuple(v)) for d, v in by_doc.items()]
    with open_store(path) as store:
        store.write(results)
    return path


@pytest.fixture(scope="module")
def records(db: str) -> list[dict]:
    with open_store(db, read_only=True) as store:
        out = store.events(limit=None)
    # one event with a location, and a sentence with a tab and a newline (TSV must survive it)
    out[0] = dict(
        out[0],
        location={"name": "Pyongyang", "country": "PRK", "lat": 39.03, "lon": 125.75, "feature": "city"},
        sentence="A\ttabbed\nsentence.",
    )
    return out


def test_gdelt_has_61_columns_in_codebook_order(records: list[dict]) -> None:
    assert len(GDELT_COLUMNS) == 61 == len(set(GDELT_COLUMNS))
    pinned = {0: "GLOBALEVENTID", 1: "SQLDATE", 5: "Actor1Code", 7: "Actor1CountryCode", 15: "Actor2Code",
              25: "IsRootEvent", 26: "EventCode", 28: "EventRootCode", 29: "QuadClass", 30: "GoldsteinScale",
              31: "NumMentions", 34: "AvgTone", 35: "Actor1Geo_Type", 43: "Actor2Geo_Type", 51: "ActionGeo_Type",
              56: "ActionGeo_Lat", 57: "ActionGeo_Long", 58: "ActionGeo_FeatureID", 59: "DATEADDED", 60: "SOURCEURL"}  # fmt: skip
    assert {i: GDELT_COLUMNS[i] for i in pinned} == pinned
    text = to_text(records, "gdelt")
    lines = text.splitlines()
    assert len(lines) == len(records)
    assert all(len(line.split("\t")) == 61 for line in lines)
    frame = pd.read_csv(
        io.StringIO(text), sep="\t", header=None, names=list(GDELT_COLUMNS), dtype={"EventCode": str}
    )
    first = frame.iloc[0]
    assert first["ActionGeo_Lat"] == pytest.approx(39.03)
    assert first["ActionGeo_Type"] == 4
    assert str(first["SQLDATE"]) == records[0]["date"].replace("-", "")
    assert first["EventCode"] == records[0]["cameo"]
    assert first["GoldsteinScale"] == pytest.approx(records[0]["goldstein"])
    assert frame["GLOBALEVENTID"].is_unique


def test_parquet_and_csv_read_back(tmp_path: Path, records: list[dict]) -> None:
    assert export(records, "parquet", tmp_path / "e.parquet") == len(records)
    frame = pd.read_parquet(tmp_path / "e.parquet")
    assert list(frame.columns) == [c for c, _ in FLAT_COLUMNS]
    assert len(frame) == len(records)
    assert duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'e.parquet'}' WHERE quad_class = 4").fetchall()[0][
        0
    ] == sum(1 for r in records if r["quad_class"] == 4)
    export(records, "csv", tmp_path / "e.csv")
    csv_frame = pd.read_csv(tmp_path / "e.csv", dtype={"cameo": str, "cameo_root": str})
    assert list(csv_frame.columns) == list(frame.columns)
    assert list(csv_frame["event_id"]) == [r["event_id"] for r in records]
    assert list(csv_frame["cameo"]) == [r["cameo"] for r in records]


def test_jsonl_round_trips_events(tmp_path: Path, records: list[dict]) -> None:
    export(records, "jsonl", tmp_path / "e.jsonl")
    lines = (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(records)
    for line, record in zip(lines, records, strict=True):
        back = json.loads(line)
        assert back == record
        assert (
            Event.from_dict(back).event_id == record["event_id"] or back["sentence"] != records[0]["sentence"]
        )


def test_plover_and_polecat(records: list[dict]) -> None:
    plover = json.loads(to_text(records, "plover"))
    assert len(plover) == len(records)
    for item, record in zip(plover, records, strict=True):
        assert item["id"] == record["event_id"]
        assert item["event"] == record["plover"]["type"]
        assert item["actor"]["code"] == record["source"]["code"]
        assert item["recipient"]["code"] == record["target"]["code"]
        assert item["text"] == record["sentence"]
    text = to_text(records, "polecat")
    frame = pd.read_csv(io.StringIO(text), sep="\t")
    assert list(frame.columns) == list(POLECAT_COLUMNS)
    assert len(frame) == len(records)
    assert list(frame["Event Type"]) == [r["plover"]["type"] for r in records]
    assert json.loads(to_text([], "plover")) == []


def test_deduplicated_exports_carry_source_counts(tmp_path: Path, records: list[dict]) -> None:
    clusters = dedup(records, "cluster")
    export(clusters, "csv", tmp_path / "c.csv")
    frame = pd.read_csv(tmp_path / "c.csv")
    assert list(frame["num_sources"]) == [c["num_sources"] for c in clusters]
    assert frame["mention_event_ids"].str.split("|").map(len).sum() == len(records)
    gdelt = pd.read_csv(
        io.StringIO(to_text(clusters, "gdelt")), sep="\t", header=None, names=list(GDELT_COLUMNS)
    )
    assert list(gdelt["NumSources"]) == [c["num_sources"] for c in clusters]
    assert list(gdelt["NumMentions"]) == [c["num_mentions"] for c in clusters]


def test_bad_format() -> None:
    with pytest.raises(ConfigError):
        to_text([], "xml")
    with pytest.raises(ConfigError):
        export([], "parquet", io.StringIO())


# -- the CLI ------------------------------------------------------------------------------


def _cli():
    from flashpoint.cli.store import alerts_cmd, dyad_cmd, export_cmd, query_cmd

    return query_cmd, dyad_cmd, alerts_cmd, export_cmd


def test_cli_query(db: str) -> None:
    query_cmd, *_ = _cli()
    runner = CliRunner()
    result = runner.invoke(
        query_cmd, ["--db", db, "--dyad", "PRK,USA", "--quad", "4", "--format", "json", "--limit", "500"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["quad_class"] == 4 for r in rows)
    assert all({r["source"]["country"], r["target"]["country"]} == {"PRK", "USA"} for r in rows)
    table = runner.invoke(query_cmd, ["--db", db, "--text", "air strikes", "--dedup", "cluster"])
    assert table.exit_code == 0 and "sources" in table.stdout
    bad = runner.invoke(query_cmd, ["--db", db, "--since", "yesterday"])
    assert bad.exit_code != 0 and "since" in bad.output
    missing = runner.invoke(query_cmd, ["--db", str(Path(db).parent / "none.duckdb")])
    assert missing.exit_code != 0 and "no such store" in missing.output


def test_cli_dyad_and_alerts(db: str, records: list[dict]) -> None:
    _, dyad_cmd, alerts_cmd, _ = _cli()
    runner = CliRunner()
    result = runner.invoke(dyad_cmd, ["PRK", "USA", "--db", db, "--by", "week", "--format", "json"])
    assert result.exit_code == 0, result.output
    series = json.loads(result.stdout)
    assert sum(p["events"] for p in series) == sum(
        1 for r in records if {r["source"]["country"], r["target"]["country"]} == {"PRK", "USA"}
    )
    csv_out = runner.invoke(dyad_cmd, ["PRK", "USA", "--db", db, "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("period,events,quad1")
    result = runner.invoke(alerts_cmd, ["--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    burst = sorted(r["event_id"] for r in records if r["doc_id"] == "burst")
    assert any(a["dyad"] == ["PRK", "USA"] and a["event_ids"] == burst for a in found)
    strict = runner.invoke(alerts_cmd, ["--db", db, "--threshold", "1000", "--format", "json"])
    assert json.loads(strict.stdout) == []


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "gdelt", "polecat", "plover"])
def test_cli_export(tmp_path: Path, db: str, fmt: str) -> None:
    *_, export_cmd = _cli()
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(
        export_cmd, ["--db", db, "--format", fmt, "--output", str(out), "--actor", "IRN"]
    )
    assert result.exit_code == 0, result.output
    with open_store(db, read_only=True) as store:
        from flashpoint.store import EventFilter

        expected = store.count(EventFilter(actor="IRN"))
    assert f"exported {expected} events" in result.output
    assert out.stat().st_size > 0


def test_cli_dyad_counts_deduplicated_events(db: str, records: list[dict]) -> None:
    _, dyad_cmd, alerts_cmd, _ = _cli()
    result = CliRunner().invoke(
        dyad_cmd, ["PRK", "USA", "--db", db, "--dedup", "cluster", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    between = [r for r in records if {r["source"]["country"], r["target"]["country"]} == {"PRK", "USA"}]
    assert (
        sum(p["events"] for p in json.loads(result.stdout)) == len(dedup(between, "cluster")) < len(between)
    )
    result = CliRunner().invoke(alerts_cmd, ["--db", db, "--dedup", "story", "--format", "json"])
    assert result.exit_code == 0, result.output


def test_gdelt_organisations_have_a_known_group_not_a_country(records: list[dict]) -> None:
    """An IGO/NGO side: empty ActorNCountryCode, its code without the sector as known group."""
    un = dict(
        records[0],
        source={"text": "UN troops", "name": "UN", "code": "UNOMIL", "country": "IGO", "agent": "MIL"},
        target={"text": "Amnesty", "name": "Amnesty", "code": "NGO", "country": "NGO", "agent": "NGO"},
    )
    state = dict(records[0], source={"code": "USAGOV", "country": "USA", "agent": "GOV"})
    rows = [
        dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True))
        for line in to_text([un, state], "gdelt").splitlines()
    ]
    assert (rows[0]["Actor1Code"], rows[0]["Actor1CountryCode"], rows[0]["Actor1KnownGroupCode"]) == (
        "UNOMIL",
        "",
        "UNO",
    )
    assert (rows[0]["Actor2CountryCode"], rows[0]["Actor2KnownGroupCode"]) == ("", "NGO")
    assert (rows[1]["Actor1CountryCode"], rows[1]["Actor1KnownGroupCode"]) == ("USA", "")
