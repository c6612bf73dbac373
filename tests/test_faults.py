"""Fault injection: kill -9 mid-run, full disk, read-only output, a Dask worker killed (issue 10).

The promises under test: a crashed run resumed with ``--resume`` ends with exactly the store a
clean run makes (event for event); a write that cannot complete (no space, read-only) is a
clear ``StoreError``/CLI error and leaves the store as it was; a Dask worker dying mid-run only
costs a redo of its partition.  Real faults are used where the sandbox allows (SIGKILL, a 3 MB
tmpfs, a read-only remount); where it does not (not root), the test skips and the simulated
``ENOSPC`` test still runs.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import string
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flashpoint.errors import StoreError
from flashpoint.models import (
    ActorRef,
    Article,
    CleanText,
    CodingError,
    CodingResult,
    Event,
    Evidence,
    Plover,
    Sentence,
)
from flashpoint.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

COUNTRIES = (
    "North Korea",
    "South Korea",
    "Japan",
    "China",
    "Russia",
    "Ukraine",
    "Iran",
    "Israel",
    "India",
    "Pakistan",
    "France",
    "Germany",
)
ACTIONS = (
    "{a} fired a missile toward {b} on {d}, officials said.",
    "{a} signed a trade agreement with {b} on {d}.",
    "{a} warned {b} on {d} against further provocations.",
    "{a} accused {b} of violating the ceasefire on {d}.",
    "Officials from {a} met their counterparts from {b} on {d} to discuss border security.",
    "{a} expelled diplomats from {b} on {d}.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def generated_articles(n: int) -> list[dict[str, str]]:
    """``n`` small, deterministic news-like articles (two or three sentences each)."""
    rows = []
    for i in range(n):
        a = COUNTRIES[i % len(COUNTRIES)]
        b = COUNTRIES[(i * 5 + 3) % len(COUNTRIES)]
        if a == b:
            b = COUNTRIES[(i + 1) % len(COUNTRIES)]
        first = ACTIONS[i % len(ACTIONS)].format(a=a, b=b, d=DAYS[i % len(DAYS)])
        second = ACTIONS[(i + 2) % len(ACTIONS)].format(a=b, b=a, d=DAYS[(i + 1) % len(DAYS)])
        text = f"Report {i}\n\n{first} {second}"
        if i % 3 == 0:
            text += f"\n\nThe statement, number {i}, was issued in the capital."
        rows.append({"id": f"gen-{i:04d}", "text": text, "published": f"2025-03-{1 + i % 28:02d}"})
    return rows


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def store_snapshot(db: str | Path) -> dict[str, object]:
    """What must survive a fault: event ids, event rows (minus write times), articles, errors."""
    with open_store(str(db), read_only=True) as store:
        events = store.query("SELECT * FROM events ORDER BY event_id")
        for row in events:
            row.pop("written_at", None)
        articles = store.query("SELECT doc_id, text FROM articles ORDER BY doc_id")
        errors = store.query("SELECT doc_id, stage, reason FROM errors ORDER BY doc_id, stage")
        sentences = store.query("SELECT doc_id, sentence_index, text FROM sentences ORDER BY 1, 2")
    return {
        "event_ids": [r["event_id"] for r in events],
        "events": events,
        "articles": articles,
        "sentences": sentences,
        "errors": errors,
    }


def synthetic_result(i: int, pad: int = 0) -> CodingResult:
    """A coded article built by hand (no spaCy): for store faults only the rows matter."""
    text = f"North Korea fired a missile toward Japan, report {i}." + " filler" * pad
    doc_id = f"syn-{i:04d}"
    event = Event(
        doc_id=doc_id,
        sentence_index=0,
        sentence=text,
        source=ActorRef(text="North Korea", name="North Korea", code="PRK", country="PRK"),
        target=ActorRef(text="Japan", name="Japan", code="JPN", country="JPN"),
        cameo="190",
        cameo_root="19",
        cameo_name="Use conventional military force",
        goldstein=-10.0,
        quad_class=4,
        plover=Plover(type="ASSAULT"),
        evidence=Evidence(source=(0, 11), trigger=(12, 17), target=(38, 43)),
    )
    return CodingResult(
        article=Article(doc_id=doc_id, text=text),
        clean=CleanText(text, ((0, 0, len(text)),)),
        sentences=(Sentence(0, text, 0, len(text)),),
        events=(event,),
    )


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "flashpoint", *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


# --- read-only output -----------------------------------------------------------------------


def test_write_to_read_only_store_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "ro.duckdb"
    with open_store(db) as store:
        store.write([synthetic_result(i) for i in range(5)])
    before = store_snapshot(db)
    with open_store(db, read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.write([synthetic_result(i) for i in range(5, 9)])
    assert store_snapshot(db) == before


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real small filesystem (root only); skips the test where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_filesystem_gives_a_clear_cli_error_and_keeps_the_store(tmp_path: Path) -> None:
    inputs = write_jsonl(tmp_path / "in.jsonl", generated_articles(3))
    with tmpfs(tmp_path / "ro", "8m") as mnt:
        db = mnt / "events.duckdb"
        with open_store(db) as store:
            store.write([synthetic_result(i) for i in range(4)])
        before = store_snapshot(db)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip("cannot remount read-only")
        done = run_cli("code", str(inputs), "--db", str(db), "-q", "-o", str(tmp_path / "out.jsonl"))
        assert done.returncode == 2, done.stderr
        assert "error:" in done.stderr and "Traceback" not in done.stderr
        assert "read-only" in done.stderr.lower() or "read only" in done.stderr.lower()
        assert store_snapshot(db) == before


# --- full disk ------------------------------------------------------------------------------


def test_full_disk_rolls_back_and_store_keeps_previous_content(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "3m") as mnt:
        db = mnt / "events.duckdb"
        store = open_store(db)
        store.write([synthetic_result(i) for i in range(20)])
        before = store.stats()
        with pytest.raises(StoreError, match="No space left|rolled back"):
            store.write([synthetic_result(100 + i, pad=30_000) for i in range(50)])
        assert store.stats() == before  # the connection still answers, with the old rows
        store.close()
        with open_store(db, read_only=True) as reopened:
            assert reopened.stats() == before
            assert {r["doc_id"] for r in reopened.query("SELECT doc_id FROM articles")} == {
                f"syn-{i:04d}" for i in range(20)
            }


def test_full_disk_gives_a_clear_cli_error(tmp_path: Path) -> None:
    rng = random.Random(7)
    # incompressible, space-free padding: cheap to code (cut, never parsed as prose), big to store
    big = [
        {
            "id": f"big-{i}",
            "text": f"Japan protested to China on Monday, report {i}.\n\n"
            + "".join(rng.choice(string.ascii_letters) for _ in range(400_000)),
        }
        for i in range(2)
    ]
    inputs = write_jsonl(tmp_path / "big.jsonl", big)
    with tmpfs(tmp_path / "full", "2m") as mnt:
        db = mnt / "events.duckdb"
        done = run_cli(
            "code", str(inputs), "--db", str(db), "-q", "-o", str(tmp_path / "out.jsonl"), timeout=120
        )
        assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
        assert "No space left on device" in done.stderr
        assert "Traceback" not in done.stderr


def test_simulated_enospc_mid_write_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without privileges for a tmpfs: the bulk insert of events fails after articles went in."""
    from flashpoint.store.duck import DuckDBStore

    db = tmp_path / "events.duckdb"
    with open_store(db) as store:
        store.write([synthetic_result(i) for i in range(10)])
    before = store_snapshot(db)
    real_insert = DuckDBStore._insert

    def failing_insert(self: DuckDBStore, table: str, rows: list[dict[str, object]]) -> None:
        if table == "events":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_insert(self, table, rows)

    monkeypatch.setattr(DuckDBStore, "_insert", failing_insert)
    with open_store(db) as store, pytest.raises(StoreError, match="No space left on device"):
        store.write([synthetic_result(i) for i in range(5, 15)])  # replaces 5..9, adds 10..14
    monkeypatch.undo()
    assert store_snapshot(db) == before


def test_ctrl_c_mid_write_rolls_back_and_the_same_write_then_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI stores its held batch after a Ctrl-C; if the Ctrl-C came inside a write, that
    write's transaction must not stay open (KeyboardInterrupt is no Exception)."""
    from flashpoint.store.duck import DuckDBStore

    db = tmp_path / "events.duckdb"
    real_insert = DuckDBStore._insert

    def interrupted_insert(self: DuckDBStore, table: str, rows: list[dict[str, object]]) -> None:
        if table == "events":
            raise KeyboardInterrupt
        real_insert(self, table, rows)

    with open_store(db) as store:
        monkeypatch.setattr(DuckDBStore, "_insert", interrupted_insert)
        with pytest.raises(KeyboardInterrupt):
            store.write([synthetic_result(i) for i in range(5)])
        monkeypatch.undo()
        assert store.count() == 0 and not store.query("SELECT doc_id FROM articles")  # rolled back
        store.write([synthetic_result(i) for i in range(5)])  # no transaction left open
    assert len(store_snapshot(db)["articles"]) == 5


def test_a_real_sigint_inside_a_duckdb_statement_is_an_interrupt_not_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB takes a SIGINT that arrives during a statement and raises ``RuntimeError("Query
    interrupted")``: the CLI then said "write failed" for a Ctrl-C (and lost its held batch),
    and a Ctrl-C during the run record's update vanished.  The store turns it back into a
    KeyboardInterrupt, rolled back, after which the same write succeeds."""
    import threading

    from flashpoint.store.duck import DuckDBStore

    db = tmp_path / "events.duckdb"
    real_insert = DuckDBStore._insert

    def slow_insert(self: DuckDBStore, table: str, rows: list[dict[str, object]]) -> None:
        real_insert(self, table, rows)
        if table == "events":  # a statement of a second or two, inside the write (on a file,
            # DuckDB notices the interrupt only as the statement ends, so it must end)
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
            self._conn.execute("SELECT count(*) FROM range(500000000) t(x) WHERE x % 7 = 3").fetchall()

    # as in a terminal, whatever SIGINT's disposition this process inherited (ignored when
    # the suite was started in the background: see ``_sigint_as_in_a_terminal``)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with open_store(db) as store:
            monkeypatch.setattr(DuckDBStore, "_insert", slow_insert)
            with pytest.raises(KeyboardInterrupt) as caught:
                store.write([synthetic_result(i) for i in range(5)])
            monkeypatch.undo()
            assert isinstance(caught.value.__cause__, RuntimeError)  # DuckDB's own report of it
            assert store.count() == 0 and not store.query("SELECT doc_id FROM articles")  # rolled back
            store.write([synthetic_result(i) for i in range(5)])
    finally:
        signal.signal(signal.SIGINT, before)
    assert len(store_snapshot(db)["articles"]) == 5


def test_errors_of_a_batch_reach_the_store(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    bad = CodingResult(
        article=Article(doc_id="bad-1", text=""),
        error=CodingError("bad-1", "clean", "empty text", "in.jsonl:2"),
    )
    with open_store(db) as store:
        store.write([synthetic_result(1), bad])
        assert store.errors()[0]["doc_id"] == "bad-1"
        assert (store.errors()[0]["stage"], store.errors()[0]["reason"]) == ("clean", "empty text")


# --- a bad setting -----------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_malformed_dictionary_is_one_error_before_any_article(tmp_path: Path, engine: str) -> None:
    """A bad setting is no article's fault: it used to fail every article of the run with the
    same message (and, on Dask, every task of every worker with a logged traceback)."""
    rows = write_jsonl(tmp_path / "in.jsonl", generated_articles(6))
    bad = tmp_path / "bad.actors"
    bad.write_text("NORTHLAND_ARMY\n", encoding="utf-8")  # a phrase without its [CODE]
    db = tmp_path / "s.duckdb"
    extra = ["--engine", "dask", "--workers", "1"] if engine == "dask" else []
    done = run_cli("code", str(rows), "--actors", str(bad), "--db", str(db), *extra)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"error: {bad}:1: actor 'NORTHLAND_ARMY' has no [CODE]"], done.stderr
    assert done.stdout == ""


def test_the_python_api_raises_a_bad_setting_once() -> None:
    from flashpoint.config import Settings
    from flashpoint.errors import DictionaryError
    from flashpoint.pipeline import Pipeline

    settings = Settings(coder="dictionary", verb_dictionary=str(Path(__file__)))  # not a verbs file
    with pytest.raises(DictionaryError):
        next(Pipeline(settings).code_articles(["Japan and China signed a trade deal on Monday."]))


# --- kill -9 and --resume -----------------------------------------------------------------


def _inputs_and_clean_run(tmp_path: Path, rows: list[dict[str, str]]) -> tuple[Path, Path]:
    """The rows as a JSONL input, and the store an uninterrupted local run makes of it."""
    inputs = write_jsonl(tmp_path / "in.jsonl", rows)
    clean_db = tmp_path / "clean.duckdb"
    done = run_cli("code", str(inputs), "--db", str(clean_db), "-q", "-o", os.devnull)
    assert done.returncode == 0, done.stderr[-2000:]
    return inputs, clean_db


def _start_killable(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PY, "-m", "flashpoint", "-vv", *args], stdout=subprocess.DEVNULL, stderr=log.open("wb"), cwd=ROOT
    )


def _kill_after_first_store_write(proc: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> None:
    """SIGKILL the run as soon as the store has committed a first batch (its debug log says so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be killed: {log.read_text(errors='replace')[-2000:]}")
        if b"flashpoint.store.base: stored" in log.read_bytes():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no store write within the timeout")


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_equals_a_clean_run(tmp_path: Path) -> None:
    rows = generated_articles(100)
    rows.insert(30, {"id": "empty-1", "text": "   "})  # an error record must survive too
    inputs, clean_db = _inputs_and_clean_run(tmp_path, rows)

    db = tmp_path / "crashed.duckdb"
    log = tmp_path / "run.log"
    proc = _start_killable(["code", str(inputs), "--db", str(db), "-o", os.devnull], log)
    _kill_after_first_store_write(proc, log)
    assert proc.returncode == -signal.SIGKILL
    partial = store_snapshot(db)  # a killed run leaves a store that opens, with whole articles
    assert 0 < len(partial["articles"]) < len(rows) - 1
    stored = {r["doc_id"] for r in partial["articles"]}
    assert {r["doc_id"] for r in partial["sentences"]} <= stored

    done = run_cli("code", str(inputs), "--db", str(db), "--resume", "-q", "-o", os.devnull)
    assert done.returncode == 0, done.stderr[-2000:]
    with open_store(str(db), read_only=True) as store:
        resumed_run, killed_run = store.runs()
    assert killed_run["status"] == "running" and killed_run["finished_at"] is None  # it never ended
    assert resumed_run["status"] == "finished" and resumed_run["resumes"] == killed_run["run_id"]
    expected, resumed = store_snapshot(clean_db), store_snapshot(db)
    assert expected["event_ids"], "the generated corpus must produce events"
    assert resumed["event_ids"] == expected["event_ids"]
    assert resumed["events"] == expected["events"]
    assert resumed["articles"] == expected["articles"]
    assert resumed["sentences"] == expected["sentences"]
    assert resumed["errors"] == expected["errors"]
    assert [e["doc_id"] for e in expected["errors"]] == ["empty-1"]


def _sigint_as_in_a_terminal() -> None:
    """SIGINT at its default in the child, so that Python turns it into KeyboardInterrupt.

    A shell without job control starts a background command (``make test &``, a CI runner's
    script) with SIGINT ignored, and a child inherits that: Python then leaves SIGINT
    ignored, and the Ctrl-C these tests send did nothing (4 failures in a suite run started
    so).  A user's terminal gives the default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ctrl_c_once(args: list[str], log: Path, ready: Callable[[], bool]) -> str:
    """Run ``flashpoint ARGS`` in its own process group, send it the terminal's SIGINT once
    ``ready()`` says it has stored something, check it exits 130, and return its stderr."""
    proc = subprocess.Popen(
        [PY, "-m", "flashpoint", *args],
        stdout=subprocess.DEVNULL, stderr=log.open("wb"), cwd=ROOT, start_new_session=True,
        preexec_fn=_sigint_as_in_a_terminal,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.05)
    assert proc.poll() is None, f"the run ended before Ctrl-C: {log.read_text(errors='replace')[-2000:]}"
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=120) == 130
    return log.read_text(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_ctrl_c_keeps_what_is_coded_and_resume_finishes_the_run(tmp_path: Path, engine: str) -> None:
    """Ctrl-C in a terminal (SIGINT to the whole process group, Dask's workers included): the
    articles coded so far are stored, the run says how to go on and exits 130, no worker prints
    a traceback, and ``--resume`` ends with the store a clean run makes."""
    rows = generated_articles(200)  # the local engine stores every 64: time to interrupt it
    inputs, clean_db = _inputs_and_clean_run(tmp_path, rows)

    db = tmp_path / "int.duckdb"
    log = tmp_path / "run.log"
    dask = ["--engine", "dask", "--workers", "2", "--partition-size", "10"] if engine == "dask" else []
    verbose = [] if dask else ["-vv"]  # the local engine's debug log says when it stored a batch
    args = [*verbose, "code", str(inputs), "--db", str(db), "-o", os.devnull, *dask]
    manifest = Path(f"{db}.parts") / "manifest.jsonl"
    text = _ctrl_c_once(
        args,
        log,
        lambda: (
            (dask and manifest.exists() and bool(manifest.read_bytes().strip()))
            or (not dask and b"flashpoint.store.base: stored" in log.read_bytes())
        ),
    )
    assert "interrupted: " in text and "rerun the same command with --resume" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-3000:]
    partial = store_snapshot(db)
    assert 0 < len(partial["articles"]) < len(rows)
    assert f"coded {len(partial['articles'])} articles," in text  # the summary counts what is stored
    with open_store(str(db), read_only=True) as store:
        (interrupted,) = store.runs()
    assert (interrupted["status"], interrupted["engine"]) == ("interrupted", engine)
    assert interrupted["articles"] == len(partial["articles"])

    done = run_cli("code", str(inputs), "--db", str(db), "--resume", "-q", "-o", os.devnull, *dask)
    assert done.returncode == 0, done.stderr[-2000:]
    expected, resumed = store_snapshot(clean_db), store_snapshot(db)
    assert resumed["event_ids"] == expected["event_ids"] and resumed["events"] == expected["events"]
    assert resumed["articles"] == expected["articles"]


# --- Dask: the coordinator crashes, a worker is killed ---------------------------------------

DASK_ARTICLES = 24
DASK_PARTITION = 3


@pytest.fixture(scope="module")
def dask_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The Dask corpus and the store the local engine makes of it (the reference)."""
    from flashpoint.config import Settings
    from flashpoint.ingest import read_inputs
    from flashpoint.pipeline import Pipeline

    folder = tmp_path_factory.mktemp("dask")
    inputs = write_jsonl(folder / "in.jsonl", generated_articles(DASK_ARTICLES))
    local_db = folder / "local.duckdb"
    with open_store(local_db) as store:
        store.write(Pipeline(Settings()).code_articles(read_inputs([inputs])))
    reference = store_snapshot(local_db)
    assert reference["event_ids"], "the generated corpus must produce events"
    return inputs, reference


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """One LocalCluster (2 single-threaded worker processes) shared by the Dask fault tests,
    so the workers load the model once."""
    pytest.importorskip("dask.distributed")
    from flashpoint.distributed import local_cluster

    with local_cluster(2) as local:  # the cluster flashpoint itself starts
        yield local


class CoordinatorCrash(Exception):
    """Stands for the process running ``run_dask`` dying right after a checkpoint."""


@pytest.mark.slow
def test_dask_run_crashed_after_checkpoints_resumes_without_loss_or_duplicates(
    tmp_path: Path, dask_inputs: tuple[Path, dict[str, object]], cluster: object
) -> None:
    from flashpoint.config import Settings
    from flashpoint.distributed import run_dask
    from flashpoint.ingest import read_inputs

    inputs, reference = dask_inputs
    db = str(tmp_path / "dask.duckdb")
    at_crash: list[int] = []

    def crash_after_two(summary: object) -> None:
        # progress is reported after each (group) load, so what it counts is in the store
        if summary.partitions >= 2:
            at_crash[:] = [summary.partitions, summary.articles]
            raise CoordinatorCrash

    with pytest.raises(CoordinatorCrash):
        run_dask(
            read_inputs([inputs]),
            Settings(),
            db,
            scheduler=cluster.scheduler_address,
            partition_size=DASK_PARTITION,
            on_progress=crash_after_two,
            load_group=2,
        )
    loaded, articles = at_crash
    assert loaded == 2 and articles == 2 * DASK_PARTITION
    assert len(store_snapshot(db)["articles"]) == articles
    summary = run_dask(
        read_inputs([inputs]),
        Settings(),
        db,
        scheduler=cluster.scheduler_address,
        partition_size=DASK_PARTITION,
        resume=True,
    )
    assert summary.skipped_partitions == loaded
    assert summary.partitions == DASK_ARTICLES // DASK_PARTITION - loaded
    resumed = store_snapshot(db)
    assert resumed["event_ids"] == reference["event_ids"]
    assert resumed["events"] == reference["events"]
    assert resumed["articles"] == reference["articles"]


@pytest.mark.slow
def test_dask_worker_killed_mid_run_redoes_its_partition(
    tmp_path: Path, dask_inputs: tuple[Path, dict[str, object]], cluster: object
) -> None:
    from dask.distributed import Client

    from flashpoint.config import Settings
    from flashpoint.distributed import run_dask
    from flashpoint.ingest import read_inputs

    inputs, reference = dask_inputs
    client = Client(cluster)
    killed: list[int] = []

    def kill_one_worker(summary: object) -> None:
        if killed:
            return
        pids = client.run(os.getpid)  # {worker address: pid}
        pid = sorted(pids.values())[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    try:
        summary = run_dask(
            read_inputs([inputs]),
            Settings(),
            str(tmp_path / "dask.duckdb"),
            scheduler=cluster.scheduler_address,
            partition_size=DASK_PARTITION,
            on_progress=kill_one_worker,
        )
    finally:
        client.close()
    assert killed, "a worker was killed while partitions were in flight"
    assert summary.partitions == DASK_ARTICLES // DASK_PARTITION
    assert summary.articles == DASK_ARTICLES
    dask = store_snapshot(tmp_path / "dask.duckdb")
    assert dask["event_ids"] == reference["event_ids"]
    assert dask["events"] == reference["events"]
    assert dask["articles"] == reference["articles"]


@pytest.mark.slow
def test_ctrl_c_on_a_cluster_the_user_owns_then_an_immediate_resume_equals_a_clean_run(
    tmp_path: Path, cluster: object
) -> None:
    """With ``--scheduler``, the cluster outlives the run: a Ctrl-C stops the run, but the
    partitions its workers were coding go on there, and an immediate ``--resume`` codes
    them again beside them.  The resumed store is still the clean run's, the cluster keeps
    its workers, and no bundle is left in the parts folder once the resume has finished."""
    from dask.distributed import Client

    rows = generated_articles(160)
    inputs, clean_db = _inputs_and_clean_run(tmp_path, rows)
    db = tmp_path / "owned.duckdb"
    log = tmp_path / "run.log"
    dask = ["--engine", "dask", "--scheduler", cluster.scheduler_address, "--partition-size", "10"]
    manifest = Path(f"{db}.parts") / "manifest.jsonl"
    text = _ctrl_c_once(
        ["code", str(inputs), "--db", str(db), "-o", os.devnull, *dask],
        log,
        lambda: manifest.exists() and bool(manifest.read_bytes().strip()),
    )
    assert "rerun the same command with --resume" in text and "Traceback" not in text, text[-3000:]
    assert 0 < len(store_snapshot(db)["articles"]) < len(rows)

    done = run_cli("code", str(inputs), "--db", str(db), "--resume", "-q", "-o", os.devnull, *dask)
    assert done.returncode == 0, done.stderr[-2000:]
    expected, resumed = store_snapshot(clean_db), store_snapshot(db)
    assert resumed["event_ids"] == expected["event_ids"] and resumed["events"] == expected["events"]
    assert resumed["articles"] == expected["articles"]
    assert not list(Path(f"{db}.parts").glob("part-*")), "no bundle is left behind"
    client = Client(cluster)
    try:
        assert len(client.scheduler_info()["workers"]) == 2, "the user's cluster keeps its workers"
    finally:
        client.close()


@pytest.mark.slow
def test_a_partition_that_kills_its_workers_is_stored_as_errors_and_the_run_goes_on(
    tmp_path: Path, dask_inputs: tuple[Path, dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A story that crashes the worker coding it (as a parser crash or the kernel's OOM
    killer would) used to end the whole run with Dask's KilledWorker once Dask gave up on its
    partition: now its articles are stored as errors, the other partitions are loaded, and
    ``--resume`` tries that partition again."""
    import dask

    pytest.importorskip("dask.distributed")  # before config.set: its defaults must exist to restore
    from flashpoint import distributed
    from flashpoint.config import Settings
    from flashpoint.ingest import read_inputs

    inputs, reference = dask_inputs
    items = list(read_inputs([inputs]))
    poison = items[DASK_PARTITION].doc_id  # the second partition's first story
    real = distributed.code_partition

    def crashing(part_id: str, chunk: list, settings: Settings, out_dir: str, token: str | None) -> dict:
        if any(getattr(a, "doc_id", None) == poison for a in chunk):
            os._exit(1)  # the worker process dies, as it would in a segfault
        return real(part_id, chunk, settings, out_dir, token)

    monkeypatch.setattr(distributed, "code_partition", crashing)  # shipped to workers by value
    db = str(tmp_path / "poison.duckdb")
    # a cluster of its own: Dask gives up on a task at the first worker it kills
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), distributed.local_cluster(1) as one:
        summary = distributed.run_dask(
            iter(items), Settings(), db, scheduler=one.scheduler_address, partition_size=DASK_PARTITION
        )
    stored = store_snapshot(db)
    failed = {e["doc_id"] for e in stored["errors"] if e["stage"] == "worker"}
    assert poison in failed and len(failed) % DASK_PARTITION == 0  # whole partitions
    assert summary.errors == len(failed)
    assert summary.partitions == DASK_ARTICLES // DASK_PARTITION - len(failed) // DASK_PARTITION
    assert {a["doc_id"] for a in stored["articles"]}.isdisjoint(failed)
    assert len(stored["articles"]) + len(failed) == DASK_ARTICLES

    monkeypatch.setattr(distributed, "code_partition", real)  # the story no longer crashes
    with distributed.local_cluster(1) as one:
        again = distributed.run_dask(
            iter(items),
            Settings(),
            db,
            scheduler=one.scheduler_address,
            partition_size=DASK_PARTITION,
            resume=True,
        )
    assert again.partitions == len(failed) // DASK_PARTITION
    resumed = store_snapshot(db)
    assert resumed["events"] == reference["events"] and resumed["articles"] == reference["articles"]
    assert resumed["errors"] == reference["errors"]  # the worker errors are replaced


def test_a_partition_that_fails_on_every_attempt_stops_the_run_with_a_clear_error(
    tmp_path: Path,
    dask_inputs: tuple[Path, dict[str, object]],
    cluster: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unlike a worker dying on one story, an exception from the task itself (a full disk
    under the parts folder, an unwritable share) would fail every partition alike: the run
    stops, saying where it can resume from."""
    from flashpoint import distributed
    from flashpoint.config import Settings
    from flashpoint.errors import ClusterError
    from flashpoint.ingest import read_inputs

    inputs, _reference = dask_inputs

    def no_space(part_id: str, chunk: list, settings: Settings, out_dir: str, token: str | None) -> dict:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(distributed, "code_partition", no_space)
    with pytest.raises(
        ClusterError, match=r"failed on a worker \(OSError: \[Errno 28\] No space left on device\)"
    ):
        distributed.run_dask(
            read_inputs([inputs]), Settings(), str(tmp_path / "s.duckdb"),
            scheduler=cluster.scheduler_address, partition_size=DASK_PARTITION,
        )  # fmt: skip
    with open_store(str(tmp_path / "s.duckdb"), read_only=True) as store:  # closed, usable
        assert store.count() == 0


def test_a_local_resume_asks_the_store_a_chunk_at_a_time(tmp_path: Path) -> None:
    """``--resume`` on the local engine skips the stored articles without reading every stored
    id first (a year of news would hold gigabytes of them), in input order, lazily."""
    from flashpoint.cli.code import unstored

    db = tmp_path / "events.duckdb"
    with open_store(db) as store:
        store.write([synthetic_result(i) for i in (1, 2, 5)])
        stored = {r["doc_id"] for r in store.query("SELECT doc_id FROM articles")}
        items = [synthetic_result(i).article for i in range(7)]
        items.insert(3, CodingError(None, "read", "bad line", "in.jsonl:4"))
        pulled: list[object] = []

        def source() -> Iterator[object]:
            for item in items:
                pulled.append(item)
                yield item

        lazy = unstored(source(), store, chunk=2)
        first = next(lazy)
        assert first.doc_id not in stored and len(pulled) == 2  # one chunk read, not the input
        rest = [first, *lazy]
    assert rest == [i for i in items if not (isinstance(i, Article) and i.doc_id in stored)]
    assert len(rest) == len(items) - 3


def test_a_local_resume_hands_on_where_each_item_was_read(tmp_path: Path) -> None:
    """The store check holds items back a chunk at a time, so the reader's position leads the
    items it hands on; the progress line must go by where each kept item was read."""
    from flashpoint.cli.code import ReadWhen, unstored

    class Position:
        read_bytes = 0

    position, when = Position(), ReadWhen()
    with open_store(tmp_path / "events.duckdb") as store:
        store.write([synthetic_result(i) for i in (1, 2, 5)])
        stored = {r["doc_id"] for r in store.query("SELECT doc_id FROM articles")}
        items = [synthetic_result(i).article for i in range(8)]

        def source() -> Iterator[object]:
            for k, item in enumerate(items, start=1):
                position.read_bytes = 100 * k  # item k ends at byte 100 k
                yield item

        seen = [(item.doc_id, when.read_bytes) for item in unstored(source(), store, 3, position, when)]
    expected = [(a.doc_id, 100 * k) for k, a in enumerate(items, start=1) if a.doc_id not in stored]
    assert seen == expected and len(seen) == 5


def test_a_local_resume_under_another_build_says_so(tmp_path: Path) -> None:
    """The settings are held to be the same on a ``--resume``, but not the code: a resume
    after an upgrade (or an edited checkout) may code the rest differently, and says so,
    naming both builds; ``flashpoint runs`` shows each run's release and files digest."""
    import duckdb

    from flashpoint.build import build

    inputs = write_jsonl(tmp_path / "in.jsonl", generated_articles(3))
    db = tmp_path / "events.duckdb"
    first = run_cli("code", str(inputs), "--db", str(db), "-q", "-o", os.devnull)
    assert first.returncode == 0, first.stderr[-2000:]
    same = run_cli("code", str(inputs), "--db", str(db), "--resume", "-q", "-o", os.devnull)
    assert "may differ" not in same.stderr, same.stderr
    older = json.dumps(dict(build(), flashpoint="0.0.9", files="0123456789abcdef"))
    with duckdb.connect(str(db)) as conn:
        conn.execute("UPDATE runs SET build = ?", [older])
    resumed = run_cli("code", str(inputs), "--db", str(db), "--resume", "-q", "-o", os.devnull)
    assert "was coded by flashpoint 0.0.9 (files 0123456789abcdef)" in resumed.stderr, resumed.stderr
    assert f"this one by flashpoint {build()['flashpoint']} (files {build()['files']})" in resumed.stderr
    listed = run_cli("runs", "--db", str(db))
    assert f"({build()['files'][:8]})" in listed.stdout.splitlines()[2]  # the newest run's build


def test_a_local_resume_with_other_settings_is_refused_and_the_store_kept(tmp_path: Path) -> None:
    """A local ``--resume`` codes with the settings of the last run of the same inputs (the
    store records each run): with others it would store events of two configurations side by
    side.  The refusal names the settings and changes nothing; the same settings resume, from
    another folder too (inputs are recorded as absolute paths)."""
    inputs = write_jsonl(tmp_path / "in.jsonl", generated_articles(6))
    db = tmp_path / "events.duckdb"
    first = run_cli("code", str(inputs), "--db", str(db), "-q", "-o", os.devnull)
    assert first.returncode == 0, first.stderr[-2000:]
    before = store_snapshot(db)

    refused = run_cli("code", str(inputs), "--db", str(db), "--resume", "--ner", "--min-confidence", "0.5")
    assert refused.returncode == 2
    assert "--resume: the last run of these inputs" in refused.stderr
    assert (
        "min_confidence: 0.0 then, 0.5 now" in refused.stderr
        and "ner: False then, True now" in refused.stderr
    )
    assert store_snapshot(db) == before

    elsewhere = subprocess.run(
        [PY, "-m", "flashpoint", "code", os.path.relpath(inputs, tmp_path), "--db", str(db), "--resume", "-q"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert elsewhere.returncode == 1, elsewhere.stderr  # nothing left to code
    assert "records no earlier run" not in elsewhere.stderr
    with open_store(str(db), read_only=True) as store:
        resumed, original = store.runs()
        assert store.runs(inputs=[str(inputs)]) == [resumed, original]
    assert resumed["resumes"] == original["run_id"] and resumed["articles"] == 0
    assert original["status"] == "finished" and original["articles"] == 6 and original["events"] > 0
    assert original["inputs"] == [str(inputs.resolve())] and original["settings"]["ner"] is False

    fresh = [{**row, "id": f"other-{k}"} for k, row in enumerate(generated_articles(2))]
    other = write_jsonl(tmp_path / "other.jsonl", fresh)
    unknown = run_cli("code", str(other), "--db", str(db), "--resume", "--ner", "-q", "-o", os.devnull)
    assert unknown.returncode == 0, unknown.stderr[-2000:]  # no run of these inputs to differ from
    assert "records no earlier run of these inputs" in unknown.stderr
    listed = run_cli("runs", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    newest, *_rest = listed.stdout.splitlines()[2:]
    assert newest.split()[1:3] == ["local", "finished"] and " ner=True " in newest
    assert newest.endswith(str(other.resolve())) and len(_rest) == 2


def test_a_run_that_fails_half_way_is_recorded_as_failed_with_what_it_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's record tells a failed run from a finished one, with the articles it coded."""
    from click.testing import CliRunner

    from flashpoint.cli import cli
    from flashpoint.store.duck import DuckDBStore

    inputs = write_jsonl(tmp_path / "in.jsonl", generated_articles(70))  # stored in batches of 64
    db = tmp_path / "events.duckdb"
    real_insert = DuckDBStore._insert
    writes: list[str] = []

    def second_batch_fails(self: DuckDBStore, table: str, rows: list[dict[str, object]]) -> None:
        writes.append(table)
        if writes.count("articles") == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_insert(self, table, rows)

    monkeypatch.setattr(DuckDBStore, "_insert", second_batch_fails)
    result = CliRunner().invoke(cli, ["code", str(inputs), "--db", str(db), "-q", "-o", os.devnull])
    monkeypatch.undo()
    assert result.exit_code == 2 and "No space left on device" in result.output
    with open_store(str(db), read_only=True) as store:
        (run,) = store.runs()
        stored = len(store.query("SELECT doc_id FROM articles"))
    assert (run["status"], run["articles"], stored) == ("failed", 70, 64)
    assert run["finished_at"] is not None


def test_ctrl_c_stops_a_local_run_between_articles_never_inside_one(tmp_path: Path) -> None:
    """A Ctrl-C asks the local engine to stop after the article in hand: the summary counts
    exactly the articles stored (a KeyboardInterrupt landing between counting an article and
    holding it for the store had made it count one more), and a second Ctrl-C stops at once."""
    from flashpoint.cli.code import EventWriter, _StopRequest, run_coding
    from flashpoint.config import Settings
    from flashpoint.ingest import read_inputs

    inputs = write_jsonl(tmp_path / "in.jsonl", generated_articles(40))
    pulled = 0

    def items() -> Iterator[object]:
        nonlocal pulled
        for item in read_inputs([inputs]):
            pulled += 1
            if pulled == 20:  # the pipeline is filling its second batch of 16
                os.kill(os.getpid(), signal.SIGINT)
            yield item

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        with open_store(tmp_path / "s.duckdb") as store, open(os.devnull, "w") as out:
            summary = run_coding(items(), Settings(), EventWriter(out, "jsonl"), store)
            stored = len(store.query("SELECT doc_id FROM articles"))
        assert summary["interrupted"] == 1 and 0 < summary["articles"] == stored < 40
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
        with _StopRequest() as stop:
            os.kill(os.getpid(), signal.SIGINT)
            assert stop.requested
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)  # the handler runs at the next bytecode
    finally:
        signal.signal(signal.SIGINT, before)
