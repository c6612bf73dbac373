"""The `flashpoint code` command end to end: the reference article, formats, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from flashpoint.cli import cli

SCHEMA = json.loads((Path(__file__).parent / "event.schema.json").read_text())


@pytest.fixture(scope="module")
def seed_events(shared: Path) -> list[dict]:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["code", str(shared / "seed" / "article.txt"), "--published", "2025-04-17", "-q"]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _has(events: list[dict], src: str, tgt: str, root: set[str]) -> bool:
    return any(
        e["source"]["country"] == src and e["target"]["country"] == tgt and e["cameo_root"] in root
        for e in events
    )


def test_every_record_matches_the_schema(seed_events: list[dict]) -> None:
    assert seed_events, "the reference article yields events"
    for record in seed_events:
        jsonschema.validate(record, SCHEMA)


def test_reference_article_core_events(seed_events: list[dict]) -> None:
    assert _has(seed_events, "PRK", "USA", {"13"}), "North Korea threatens the US"
    assert _has(seed_events, "PRK", "USA", {"11"}), "North Korea accuses/condemns the US"
    assert _has(seed_events, "PRK", "KOR", {"11"}), "North Korea accuses/condemns South Korea"
    assert _has(seed_events, "USA", "PRK", {"05"}), "the US praises North Korea's leader"


def test_no_invented_dyads(seed_events: list[dict]) -> None:
    for e in seed_events:
        src = e["source"]["country"]
        if src in ("USA", "KOR"):
            assert e["cameo_root"] not in {"13", "18", "19", "20"}, e
        if src == "PRK":
            assert e["quad_class"] not in (1, 2), e


def test_each_caption_coded_at_most_once(seed_events: list[dict], shared: Path) -> None:
    captions = [s for s in {e["sentence"] for e in seed_events} if "Getty Images" in s or "smart guy" in s]
    normalised = [c.replace("’", "'").replace("‘", "'") for c in captions]
    assert len(normalised) == len(set(normalised))


def test_evidence_spans_point_into_the_sentence(seed_events: list[dict]) -> None:
    for e in seed_events:
        for part in ("source", "trigger", "target"):
            span = e["evidence"][part]
            if span:
                assert 0 <= span[0] < span[1]


def test_table_and_csv_formats(shared: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    seed = str(shared / "seed" / "article.txt")
    table = runner.invoke(cli, ["code", seed, "--published", "2025-04-17", "--format", "table", "-q"])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split()[:3] == ["doc", "sent", "date"]
    out = tmp_path / "ev.csv"
    res = runner.invoke(
        cli, ["code", seed, "--published", "2025-04-17", "--format", "csv", "-o", str(out), "-q"]
    )
    assert res.exit_code == 0
    header = out.read_text().splitlines()[0].split(",")
    assert {"event_id", "source_code", "target_code", "cameo", "plover_type"} <= set(header)


def test_bad_inputs_are_reported_and_others_coded(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(
        "Russian forces shelled the Ukrainian city of Kharkiv on Monday, Ukraine's military said.\n"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    bad_jsonl = tmp_path / "rows.jsonl"
    bad_jsonl.write_text(
        json.dumps(
            {
                "id": "ok1",
                "text": "Iran condemned the Israeli strikes on Damascus.",
                "published": "2024-04-02",
            }
        )
        + "\n{not json\n"
    )
    no_text = tmp_path / "page.html"
    no_text.write_text("<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    missing = tmp_path / "nope.txt"
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "code",
            str(good),
            str(empty),
            str(binary),
            str(bad_jsonl),
            str(no_text),
            str(missing),
            "--published",
            "2024-04-03",
        ],
    )
    assert res.exit_code == 0, res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    joined = "\n".join(errors)
    for name in ("empty.txt", "blob.txt", "rows.jsonl:2", "page.html", "nope.txt"):
        assert name in joined, (name, joined)
    assert all("\n" not in e for e in errors)
    for name in ("blob.txt", "rows.jsonl:2", "page.html"):  # each line names its input once
        line = next(e for e in errors if name in e)
        assert line.count(str(tmp_path)) == 1, line
    docs = {json.loads(line)["doc_id"] for line in res.stdout.splitlines() if line.strip()}
    assert "good" in docs


def test_exit_status_nonzero_when_nothing_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = CliRunner().invoke(cli, ["code", str(empty), str(tmp_path / "missing.txt")])
    assert res.exit_code != 0
    assert "empty.txt" in res.stderr


def test_an_input_without_records_says_so(tmp_path: Path) -> None:
    """No error line to explain the exit status 1 was printed for a file of blank lines (or
    of one byte-order mark), nor for a resume that found everything stored."""
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes("\ufeff\n  \n".encode())
    res = CliRunner().invoke(cli, ["code", "-q", str(blank)])
    assert res.exit_code == 1
    assert res.stderr == f"error: no articles in {blank}: the input holds no records " + (
        "(empty files, blank lines, a feed without entries)\n"
    )
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "a1", "text": "Iran criticised Israel on Monday."}) + "\n")
    db = str(tmp_path / "s.duckdb")
    assert CliRunner().invoke(cli, ["code", "-q", str(rows), "--db", db]).exit_code == 0
    again = CliRunner().invoke(cli, ["code", "-q", str(rows), "--db", db, "--resume"])
    assert again.exit_code == 1
    assert again.stderr.strip() == f"error: nothing left to code: the store holds every article of {rows}"


def test_a_bad_duckdb_memory_limit_is_one_clear_error_and_the_store_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "a1", "text": "Iran criticised Israel on Monday."}) + "\n")
    db = str(tmp_path / "s.duckdb")
    assert CliRunner().invoke(cli, ["code", "-q", str(rows), "--db", db]).exit_code == 0
    monkeypatch.setenv("FLASHPOINT_DUCKDB_MEMORY", "half")
    for args in (["code", "-q", str(rows), "--db", db], ["query", "--db", db]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code != 0
        assert res.stderr.lower().startswith(
            "error: flashpoint_duckdb_memory='half': not a duckdb memory limit"
        )
        assert len(res.stderr.splitlines()) == 1
    monkeypatch.setenv("FLASHPOINT_DUCKDB_MEMORY", "1MB")  # a limit too small to query under
    for args in (
        ["query", "--db", db],
        ["export", "--db", db, "--format", "parquet", "-o", str(tmp_path / "x")],
    ):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 1
        assert res.stderr.startswith(f"Error: {db}: query failed: Out of Memory Error"), res.stderr
        assert len(res.stderr.splitlines()) == 1
    monkeypatch.setenv("FLASHPOINT_DUCKDB_MEMORY", "1GB")
    res = CliRunner().invoke(cli, ["query", "--db", db, "--format", "csv"])
    assert res.exit_code == 0 and "IRN" in res.output


def test_merge_makes_the_store_of_one_run_from_the_stores_of_several(tmp_path: Path) -> None:
    """Runs cut apart, each with its own store (one writer each), merge into what one run
    over all the inputs stores; a source that cannot be merged is one error line, the
    others are merged and the exit status says one failed."""
    texts = [
        "Iran criticised Israel on Monday.",
        "Japan and South Korea signed a trade agreement in Tokyo on Tuesday.",
        "Russian troops attacked Ukrainian positions near Kharkiv on Wednesday.",
        "China urged the United States to lift its sanctions on Thursday.",
    ]
    parts = []
    for name, rows in (("a", texts[:3]), ("b", texts[1:])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"id": f"d{texts.index(t)}", "text": t}) + "\n" for t in rows))
        parts.append(path)
        res = CliRunner().invoke(cli, ["code", "-q", str(path), "--db", str(tmp_path / f"{name}.duckdb")])
        assert res.exit_code == 0, res.output
    assert (
        CliRunner()
        .invoke(cli, ["code", "-q", *map(str, parts), "--db", str(tmp_path / "one.duckdb")])
        .exit_code
        == 0
    )
    exe = Path(sys.executable).parent / "flashpoint"
    merged = tmp_path / "merged.duckdb"
    sources = [str(tmp_path / "a.duckdb"), str(tmp_path / "missing.duckdb"), str(tmp_path / "b.duckdb")]
    proc = subprocess.run(
        [str(exe), "merge", *sources, "--db", str(merged)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 1
    assert f"error: {tmp_path / 'missing.duckdb'}: no such store" in proc.stderr
    assert f"merged 2 of 3 stores into {merged}: 6 articles, 8 events, 0 errors copied in" in proc.stderr
    assert "the store holds 4 articles, 5 events, 0 errors" in proc.stderr

    def events(db: Path) -> list[dict]:
        res = CliRunner().invoke(cli, ["query", "--db", str(db), "--format", "json", "--limit", "1000"])
        assert res.exit_code == 0, res.output
        return sorted(
            (
                {k: v for k, v in e.items() if k not in ("written_at", "article")}
                for e in json.loads(res.output)
            ),
            key=lambda e: e["event_id"],
        )

    assert events(merged) == events(tmp_path / "one.duckdb") != []
    runs = CliRunner().invoke(cli, ["runs", "--db", str(merged), "--format", "json"])
    assert len(json.loads(runs.output)) == 2


def test_bad_published_date_is_a_usage_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["code", "-", "--published", "17/04/2025"], input="text")
    assert res.exit_code == 2
    assert "YYYY-MM-DD" in res.output


def test_stdin_and_real_entry_point(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "flashpoint"
    proc = subprocess.run(
        [str(exe), "code", "-", "--published", "2024-05-01", "-q"],
        input="Japan's foreign ministry condemned North Korea's missile launch on Tuesday.",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert any(r["source"]["country"] == "JPN" and r["target"]["country"] == "PRK" for r in records)


def test_compressed_and_binary_stdin_through_the_real_entry_point(tmp_path: Path) -> None:
    """``zcat`` is not needed: stdin that is compressed is decompressed; stdin that is binary
    is one error naming stdin (it once crashed with a UnicodeEncodeError traceback)."""
    import gzip

    exe = Path(sys.executable).parent / "flashpoint"
    rows = "".join(
        json.dumps(
            {"id": f"s{k}", "text": "Japan's foreign ministry condemned North Korea's missile launch."}
        )
        + "\n"
        for k in range(3)
    ).encode()
    for data, expected in ((gzip.compress(rows), 0), (bytes(range(256)) * 20, 1)):
        proc = subprocess.run(
            [str(exe), "code", "-", "-o", str(tmp_path / "out.jsonl")],
            input=data, capture_output=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == expected, proc.stderr
        assert b"Traceback" not in proc.stderr
    assert b"<stdin>: binary file" in proc.stderr


def test_reference_article_dates_and_places(seed_events: list[dict]) -> None:
    """Issue 6's must-show, end to end through the CLI."""
    statement = [e for e in seed_events if "In a statement released" in e["sentence"]]
    assert statement and all(e["date"] == "2025-04-16" and e["date_precision"] == "day" for e in statement)
    remarks = [e for e in seed_events if e["sentence"].startswith("Speaking on March 31")]
    assert remarks and all(e["date"] == "2025-03-31" for e in remarks)
    exercise = [e for e in seed_events if "joint training exercise this week" in e["sentence"]]
    assert exercise
    for e in exercise:
        assert e["date_precision"] == "week" and "2025-04-14" <= e["date"] <= "2025-04-17"
        assert e["location"]["name"] in ("South Korea", "Korean Peninsula")


def test_reference_article_without_publication_date(shared: Path) -> None:
    res = CliRunner().invoke(cli, ["code", str(shared / "seed" / "article.txt"), "-q"])
    assert res.exit_code == 0
    events = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    statement = [e for e in events if "In a statement released" in e["sentence"]]
    assert statement and all(e["date"] == "2025-04-16" and e["date_inferred"] for e in statement)


def test_given_sentences_flag_codes_each_input_as_one_sentence() -> None:
    """Pre-split corpora: --given-sentences must not re-split a record (and without it, we do)."""
    text = "Japan condemned North Korea on Monday. China praised Russia on Tuesday."

    def sentences(*flags: str) -> set[str]:
        res = CliRunner().invoke(cli, ["code", "-", "--published", "2024-05-01", "-q", *flags], input=text)
        assert res.exit_code == 0, res.output
        return {json.loads(line)["sentence"] for line in res.stdout.splitlines() if line.strip()}

    assert sentences() == {"Japan condemned North Korea on Monday.", "China praised Russia on Tuesday."}
    assert sentences("--given-sentences") == {text}


def test_dictionary_coder_options_are_validated() -> None:
    res = CliRunner().invoke(cli, ["code", "-", "--new-actor-length", "-1"], input="x")
    assert res.exit_code == 2
    assert "new-actor-length" in res.output


def test_dask_options_without_the_dask_engine_are_a_usage_error(tmp_path: Path) -> None:
    """``--workers 4`` on the local engine used to run one process without a word."""
    text = tmp_path / "a.txt"
    text.write_text("Japan and China signed a trade deal on Monday.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["code", str(text), "--workers", "4"])
    assert result.exit_code == 2
    assert "--workers sets up a Dask run: add --engine dask" in result.output
    result = CliRunner().invoke(
        cli, ["code", str(text), "--scheduler", "tcp://h:8786", "--partition-size", "5"]
    )
    assert result.exit_code == 2 and "--scheduler, --partition-size set up a Dask run" in result.output
