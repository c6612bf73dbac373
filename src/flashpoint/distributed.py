"""Run coding on Dask: partitions of articles are coded by workers that write Parquet, and one
writer (this process) loads each finished partition into the store.  Workers that see the
writer's parts folder write into it; others send their Parquet back with the task's result,
so a cluster needs no shared filesystem.

The engine adds no coding logic: a worker runs the same ``Pipeline`` as a laptop run, so the
events are identical (a test checks it).  Partitions are checkpointed in a manifest beside
the store: after a crash, ``resume=True`` skips partitions already loaded and redoes the rest;
loads replace by ``doc_id``, so a partition redone after a crash never duplicates events.
Inputs are streamed and at most ``2 * workers`` partitions are in flight, so memory stays
bounded however large the corpus.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint._version import __version__
from flashpoint.build import build, describe, other_build
from flashpoint.config import Settings, settings_changes, settings_record
from flashpoint.errors import ClusterError, ConfigError
from flashpoint.models import Article, CodingError, not_english_note

if TYPE_CHECKING:
    from flashpoint.ingest.pages import Item

log = logging.getLogger(__name__)

_WORKER_PIPELINES: dict[Settings, Any] = {}

WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}
"""Dask settings for the LocalCluster flashpoint starts.

- Dask spawns workers with ``MALLOC_TRIM_THRESHOLD_=65536`` so that glibc hands freed memory
  back to the OS at once.  Setting it also freezes glibc's mmap threshold at 128 KB, so every
  large array of the parser (allocated and freed per batch) was a fresh ``mmap`` whose pages
  fault in again: coding the same partitions, a worker made ~830,000 minor page faults and
  spent 1.5-1.8 s in the kernel where a plain process made ~1,000 and spent 0.01 s, 14-26%
  more CPU in all.  ``None`` leaves glibc's adaptive defaults (peak memory per worker stays
  flat: see ``docs/PERFORMANCE.md``).
- A task runs in a thread of the worker process beside its event loop, whose periodic work
  (the statistical profiler every 10 ms, a tick every 20 ms, the memory monitor every 100 ms)
  takes the GIL from the coder; with these a worker coded 2-6% faster in paired runs.  Nobody
  sees the profiler anyway: the cluster has no dashboard.

For a cluster of your own, set them in its Dask config (``docs/PERFORMANCE.md``, "Running on
a multi-machine Dask cluster")."""

LOAD_EVERY_S = 10.0
"""The longest a coded partition waits for the writer (see ``run_dask``'s ``load_group``)."""


def _check_build(info: dict[str, Any]) -> None:
    """Refuse a partition coded by another build than the writer's (see ``build``); its
    bundle is removed, the partitions loaded before it stay loaded and checkpointed."""
    theirs, ours = info.get("build") or {}, build()
    if theirs == ours:
        return
    if info.get("path"):  # a bundle sent back with the result was never written here
        shutil.rmtree(info["path"], ignore_errors=True)
    differ = ", ".join(k for k in ours if theirs.get(k) != ours[k]) or "build record"
    raise ClusterError(
        f"partition {info['part']} was coded on worker {info.get('worker', '?')} by "
        f"{describe(theirs)}; this writer runs {describe(ours)} ({differ} differ): its "
        "events would not be this run's. Install the same flashpoint, spaCy and model on every "
        "worker; the partitions loaded before it are checkpointed: --resume goes on from there"
    )


@dataclass
class RunSummary:
    """What a run did: the final summary line of the CLI."""

    articles: int = 0
    sentences: int = 0
    events: int = 0
    errors: int = 0
    not_english: int = 0
    """Of ``articles``: stored uncoded, taken for another language (``skip_non_english``)."""
    partitions: int = 0
    skipped_partitions: int = 0
    seconds: float = 0.0
    peak_worker_rss_mb: float = 0.0
    error_records: list[dict[str, Any]] = field(default_factory=list)
    waiting: int = 0
    """Articles (and input errors) coded and waiting for the next load: not yet counted above
    nor stored.  The progress line counts them, so that it moves as partitions finish rather
    than a load group (400 articles on two workers) at a time."""
    shipped: int = 0
    """Partitions whose bundle travelled back through Dask: their worker did not see the
    writer's parts folder (``code_partition``)."""

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (
            f"coded {self.articles} articles{not_english_note(self.not_english)}, "
            f"{self.sentences} sentences, {self.events} events, "
            f"{self.errors} errors in {self.seconds:.1f}s ({rate:.1f} articles/s; "
            f"{self.partitions} partitions, {self.skipped_partitions} resumed"
            f"{f', {self.shipped} sent back through Dask' if self.shipped else ''})"
        )


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``run_dask``, after the partitions coded by then were loaded and
    checkpointed: ``summary`` counts them (a ``resume`` run does the rest).  A
    ``KeyboardInterrupt``, so that callers that stop on one still do."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__("interrupted")
        self.summary = summary


def _record_failed_partition(
    store: Any, part_id: str, chunk: list[Item], exc: BaseException
) -> list[dict[str, Any]]:
    """Store an error for each article of a partition the cluster gave up on, and return them;
    the partition stays out of the checkpoint, so that ``resume`` tries it again (a success
    then replaces the errors, as every load replaces by ``doc_id``)."""
    from flashpoint.models import CodingResult

    reason = (
        f"partition {part_id} failed on the cluster ({type(exc).__name__}: {exc}); --resume tries it again"
    )
    results = []
    for item in chunk:
        if isinstance(item, Article):
            error = CodingError(item.doc_id, "worker", f"{item.origin or item.doc_id}: {reason}", item.origin)
            results.append(CodingResult(article=item, error=error))
        elif isinstance(item, CodingError):  # an input error travels with its partition: keep it
            results.append(CodingResult.of_error(item))
        else:  # a page never extracted: its error alone (its text is not known)
            error = CodingError(item.doc_id, "worker", f"{item.origin}: {reason}", item.origin)
            results.append(CodingResult.of_error(error))
    store.write(results)
    log.warning("%s: its %d articles are stored as errors", reason, len(results))
    return [r.error.to_dict() for r in results if r.error is not None]


def _quiet_cancelled_tasks() -> None:
    """Run on flashpoint's own workers when a run is interrupted: closing the cluster drops the
    partitions they are coding, and each worker would log a warning with a traceback-like
    repr ("Async instruction ... ended with CancelledError") for what is intended."""
    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)


_SHUTDOWN_RACES = (
    "Failed to communicate with scheduler during heartbeat",
    "Scheduler was unaware of this worker; shutting down",
)
"""What a worker logs when the scheduler of a closing LocalCluster goes first (dask/distributed
#7105): a heartbeat in flight fails, and the worker prints an ERROR with a traceback of some
twenty lines under the summary of a run that went well."""


class _ShutdownRaceFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_SHUTDOWN_RACES)


def _quiet_shutdown() -> None:
    """Run on flashpoint's own workers once all their work is loaded, just before their
    cluster closes: the heartbeat race of the close is expected and says nothing to the user
    (seen here under load, once in 19 runs; a likely cause of one failed CLI test, which
    allows one line of stderr).  Until then a failed heartbeat is logged as Dask logs it."""
    worker_log = logging.getLogger("distributed.worker")
    if not any(isinstance(f, _ShutdownRaceFilter) for f in worker_log.filters):
        worker_log.addFilter(_ShutdownRaceFilter())


class _CancelRaceFilter(logging.Filter):
    """Drops one traceback that distributed (2026.8) logs through tornado when a Ctrl-C lands
    in ``distributed.utils.sync`` before its coroutine has started: the interrupt schedules
    ``cancel``, which reads the not yet assigned ``future`` and raises NameError.  The
    interrupt itself is handled (``run_dask`` stores what is coded); the traceback is noise
    on a clean stop.  Anything else tornado logs passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (
            isinstance(exc, NameError)
            and "'future'" in str(exc)
            and "sync.<locals>.cancel" in record.getMessage()
        )


def partition(items: Iterable[Item], size: int) -> Iterator[tuple[str, list[Item]]]:
    """Group items into partitions with stable ids (index + hash of their doc ids)."""
    chunk: list[Item] = []
    index = 0

    def pid(chunk: list[Item]) -> str:
        h = hashlib.sha1("\n".join(f"{getattr(a, 'doc_id', '')}" for a in chunk).encode()).hexdigest()[:10]
        return f"{index:06d}-{h}"

    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield pid(chunk), chunk
            index += 1
            chunk = []
    if chunk:
        yield pid(chunk), chunk


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    Linux's ``VmHWM`` first: ``ru_maxrss`` survives ``exec``, so a worker process spawned by
    a parent that had loaded the model would report the parent's peak, not its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


WRITER_FILE = ".writer"
"""In the parts folder: a token the writer writes afresh at the start of each run.  A worker
that reads the same token there sees the writer's folder (one machine, or a shared
filesystem) and writes its bundle into it; any other worker sends the bundle back with its
result (``code_partition``)."""


def _sees_writer_folder(out_dir: str, token: str) -> bool:
    """Whether this worker sees the writer's parts folder at ``out_dir``: the same path on
    another machine may be missing, or a folder of its own, so the token decides, not the
    path.  A shared filesystem that is slow to show the new token (NFS caches attributes for
    seconds) only makes the first partitions travel through Dask: correct either way."""
    try:
        return (Path(out_dir) / WRITER_FILE).read_text(encoding="utf-8").strip() == token
    except (OSError, UnicodeDecodeError):
        return False


def code_partition(
    part_id: str,
    items: list[Item],
    settings: Settings,
    out_dir: str,
    writer_token: str | None = None,
) -> dict[str, Any]:
    """Worker task: code one partition and write its results as a Parquet bundle; return
    counts.

    The bundle goes into the writer's folder ``out_dir`` when this worker sees it (``path``
    in the result; always so without ``writer_token``).  Otherwise (a worker machine without
    the writer's filesystem, as on most cloud clusters) it is written to a temporary folder
    and its files travel back with the result (``bundle``: file name -> bytes; Dask sends a
    result straight from the worker to the client), for the writer to put in its folder."""
    from flashpoint.ingest.pages import resolve
    from flashpoint.pipeline import Pipeline
    from flashpoint.store import results_to_parquet

    started = time.perf_counter()
    pipeline = _WORKER_PIPELINES.get(settings)
    if pipeline is None:
        pipeline = _WORKER_PIPELINES[settings] = Pipeline(settings)
    results = list(pipeline.code_articles(resolve(item) for item in items))  # pages extracted here
    coded = time.perf_counter()
    # one name per attempt: two attempts at one partition may run at once (a task of an
    # interrupted run goes on on a cluster the user owns while --resume codes it again; a
    # retry after a worker was lost), and must not write into, replace or delete each
    # other's bundle while the writer loads one of them
    attempt = f"part-{part_id}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path: str | None = None
    shipped: dict[str, bytes] | None = None
    if writer_token is None or _sees_writer_folder(out_dir, writer_token):
        bundle, tmp = Path(out_dir) / f"{attempt}.parquet", Path(out_dir) / f"{attempt}.tmp"
        results_to_parquet(results, str(tmp))  # a bundle directory
        os.replace(tmp, bundle)
        path = str(bundle)
    else:
        with tempfile.TemporaryDirectory(prefix="flashpoint-part-") as scratch:
            results_to_parquet(results, scratch)
            shipped = {f.name: f.read_bytes() for f in sorted(Path(scratch).iterdir())}
    return {
        "code_seconds": coded - started,
        "write_seconds": time.perf_counter() - coded,
        "peak_rss_mb": _peak_rss_mb(),
        "part": part_id,
        "attempt": attempt,
        "path": path,
        "bundle": shipped,
        "articles": sum(1 for r in results if r.error is None),
        "not_english": sum(r.not_english for r in results),
        "sentences": sum(len(r.sentences) for r in results),
        "events": sum(len(r.events) for r in results),
        "errors": [r.error.to_dict() for r in results if r.error is not None],
        "build": build(),
        "worker": f"{socket.gethostname()}:{os.getpid()}",
    }


def _receive_bundle(info: dict[str, Any], parts_dir: Path) -> None:
    """Put a bundle that travelled with its result (``code_partition``) into the writer's
    folder, under its attempt's name, so that it is loaded, checkpointed and removed as the
    bundles workers write there are; then drop the bytes."""
    files: dict[str, bytes] = info.pop("bundle")
    attempt = str(info["attempt"])
    path = parts_dir / f"{attempt}.parquet"
    tmp = parts_dir / f"{attempt}.tmp"
    for name in (*files, attempt):
        if Path(name).name != name or name in ("", ".", ".."):  # a file name, never a path
            raise ClusterError(f"partition {info['part']}: a bundle file named {name!r}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ClusterError(
            f"{parts_dir}: cannot write partition {info['part']} received from worker "
            f"{info.get('worker', '?')}: {exc}; the partitions loaded before it are checkpointed: "
            "--resume goes on from there"
        ) from exc
    info["path"] = str(path)


def _remove_stale_bundles(parts_dir: Path) -> int:
    """Delete the bundles no run will load, once a run has finished: those of attempts whose
    result never reached the writer (a worker lost before it reported, a task of an
    interrupted run that went on on the user's cluster).  Each attempt writes under its own
    name (``code_partition``), and the writer loads only the paths its tasks return, so these
    are never read; without this they would pile up in ``--parts-dir`` run after run.  A
    folder that cannot be cleaned costs a warning, never the finished run."""
    removed = 0
    try:
        for path in parts_dir.glob("part-*"):
            if path.suffix in (".parquet", ".tmp"):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed += 1
    except OSError as exc:
        log.warning("%s: could not remove the bundles no run will load: %s", parts_dir, exc)
    if removed:
        log.debug("removed %d bundle(s) of attempts no run loaded from %s", removed, parts_dir)
    return removed


class Manifest:
    """Checkpoint of loaded partitions: one JSON line per partition, fsynced."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: set[str] = set()
        self.articles = 0
        """Articles the checkpointed partitions put in the store."""
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    part = record["part"]
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line after a crash: that partition is redone
                if part not in self.done:
                    self.articles += int(record.get("articles") or 0)
                self.done.add(part)

    def mark(self, *infos: dict[str, Any]) -> None:
        """Record loaded partitions (one write and one fsync for all of them)."""
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(
                "".join(
                    json.dumps({"part": i["part"], "articles": i["articles"], "events": i["events"]}) + "\n"
                    for i in infos
                )
            )
            fh.flush()
            os.fsync(fh.fileno())
        self.articles += sum(i["articles"] for i in infos if i["part"] not in self.done)
        self.done.update(i["part"] for i in infos)


DEFAULT_PARTITION_SIZE = 100
"""Articles per partition when nothing better is known: a crash redoes at most one per worker."""
PARTITIONS_PER_WORKER = 4


def auto_partition_size(total: int | None, workers: int) -> int:
    """Articles per partition for an input of ``total`` articles: about
    ``PARTITIONS_PER_WORKER`` partitions per worker, so that a small batch still reaches every
    worker and the last partitions finish close together, but at least 10 articles (each
    partition costs a task, a Parquet bundle and part of a load) and at most
    ``DEFAULT_PARTITION_SIZE``, which is also the answer when the size is unknown."""
    if total is None:
        return DEFAULT_PARTITION_SIZE
    return max(10, min(DEFAULT_PARTITION_SIZE, -(-total // (PARTITIONS_PER_WORKER * max(workers, 1)))))


def local_cluster(workers: int) -> Any:
    """A LocalCluster of ``workers`` single-threaded processes, without a dashboard, with
    ``WORKER_CONFIG`` (the workers read the Dask config when they are spawned).

    The scheduler's own HTTP server (health and metrics routes) starts even without a
    dashboard, on port 8787 unless told otherwise, and warns when another cluster holds that
    port: it gets a free loopback port instead."""
    import dask
    from dask.distributed import LocalCluster

    with dask.config.set(WORKER_CONFIG), _workers_ignore_ctrl_c():
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        )


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Spawn worker processes with SIGINT ignored (an ignored signal stays ignored across
    ``exec``, and Python then installs no handler of its own).  Ctrl-C in a terminal reaches
    the whole process group: each worker died with a KeyboardInterrupt traceback on stderr
    while this process was still loading and checkpointing what they had coded.  The workers
    stop when this process closes the cluster.  Only the main thread may set handlers;
    elsewhere the workers keep Python's default."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


RUN_FILE = "run.json"
"""Beside the manifest: what a resumed run must repeat (see ``_run_record``)."""


def _run_record(parts_dir: Path, settings: Settings, partition_size: int, resuming: bool) -> int:
    """Check a resumed run against the one it continues, or record this run; returns the
    partition size to use.

    Partition ids hash their articles' doc ids, so a resume finds its checkpoints only if
    the input is cut the same way: the recorded size wins over a new one (the CLI's default
    size depends on ``--workers``, which a user may well change after a crash).  A resume
    with other coding settings would store events of two configurations side by side, so
    it is refused, naming the settings that differ."""
    path = parts_dir / RUN_FILE
    current: dict[str, Any] = {
        "flashpoint": __version__,
        "build": build(),
        "partition_size": partition_size,
        "settings": settings_record(settings),
    }
    if resuming and path.exists():
        try:
            recorded = json.loads(path.read_text(encoding="utf-8"))
            before = dict(recorded["settings"])
            size = int(recorded["partition_size"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: cannot read the checkpointed run's record ({exc})") from exc
        changed = settings_changes(before, current["settings"])
        if changed:
            diff = "; ".join(changed)
            raise ConfigError(
                f"--resume: the run checkpointed in {parts_dir} coded with other settings ({diff}); "
                "rerun with the same options, or without --resume to start over"
            )
        then = other_build(recorded.get("build"), recorded.get("flashpoint"))
        if then is not None:
            log.warning(
                "resuming a run begun with %s under %s: its stored events may differ", then, describe(build())
            )
        if size != partition_size:
            log.info("resuming with the checkpointed run's partition size %d (not %d)", size, partition_size)
        return size
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return partition_size


def _new_writer_token(parts_dir: Path) -> str:
    """Write this run's token into the parts folder (see ``WRITER_FILE``) and return it."""
    token = uuid.uuid4().hex
    path = parts_dir / WRITER_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(token + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return token


def _check_store_holds_checkpoint(store: Any, manifest: Manifest, db: str) -> None:
    """Refuse to resume into a store that lacks what the checkpoint says it loaded (a store
    deleted or replaced while its parts folder stayed): the checkpointed partitions would be
    skipped, and their articles silently missing from the result."""
    held = int(store.query("SELECT count(*) AS n FROM articles")[0]["n"])
    if held < manifest.articles:
        store.close()
        raise ConfigError(
            f"--resume: the checkpoint in {manifest.path.parent} says {manifest.articles} articles were "
            f"loaded into {db}, which holds {held}: it is not the store that run wrote. Rerun without "
            "--resume to start over, or give the store and --parts-dir of the same run"
        )


def _connect(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """A client of the scheduler at ``scheduler``, or of a new LocalCluster (then returned too,
    for closing).  Dask reports an unreachable or malformed address with a traceback from
    deep inside its comm layer (after its 30 s connect timeout); this says what was asked."""
    from dask.distributed import Client

    if scheduler:
        try:
            return Client(scheduler), None
        except (OSError, ValueError, TypeError) as exc:  # TimeoutError is an OSError
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler!r}: {exc} "
                "(is `dask scheduler` running there, and is the address tcp://HOST:PORT?)"
            ) from exc
    try:
        cluster = local_cluster(workers)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ClusterError(f"cannot start a local Dask cluster of {workers} workers: {exc}") from exc
    try:
        return Client(cluster), cluster
    except (OSError, ValueError) as exc:
        cluster.close()
        raise ClusterError(f"cannot connect to the local Dask cluster: {exc}") from exc


DEFAULT_CLUSTER_WORKERS = 2
"""The workers a run on a cluster of the user's plans for when it is not told and none has
joined yet."""

WORKER_MEMORY_GB = 1.0
"""Memory to leave each worker of a LocalCluster that ``default_workers`` sizes: a worker's
peak resident memory is 415-445 MB on news (docs/PERFORMANCE.md), under the 1 GB target."""


def default_workers() -> int:
    """Worker processes for a LocalCluster when the user names none: one per core this process
    may use (Dask's count, which heeds CPU affinity and cgroup quotas), but no more than the
    available memory holds at ``WORKER_MEMORY_GB`` each, and at least one.  A fixed two left
    the cores of a larger machine idle."""
    from dask.system import CPU_COUNT

    cores = max(1, int(CPU_COUNT))
    try:
        import psutil

        available_gb = psutil.virtual_memory().available / 2**30
    except (ImportError, OSError):  # no memory figure: go by the cores
        return cores
    return max(1, min(cores, int(available_gb / WORKER_MEMORY_GB)))


def planned_workers(workers: int | None, scheduler: str | None, ask: bool = True) -> int:
    """The workers a run plans its partitions for: ``workers`` when the user names them; on a
    cluster of the user's, those that have joined it (asked only with ``ask``: it costs a
    connection), ``DEFAULT_CLUSTER_WORKERS`` until some join; else a LocalCluster of
    ``default_workers``."""
    if workers is not None:
        return workers
    if scheduler:
        return (cluster_workers(scheduler) if ask else 0) or DEFAULT_CLUSTER_WORKERS
    return default_workers()


def cluster_workers(scheduler: str) -> int:
    """How many workers the scheduler at ``scheduler`` has now (0 while none has joined): what
    a run on a cluster of the user's sizes its partitions for when not told (``--workers``).
    Raises ``ClusterError`` as ``run_dask`` does when the scheduler cannot be reached."""
    client, _ = _connect(scheduler, 0)
    try:
        return len(client.scheduler_info().get("workers", {}))
    finally:
        client.close()


def run_dask(
    items: Iterable[Item],
    settings: Settings,
    db: str,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    resume: bool = False,
    work_dir: str | None = None,
    on_progress: Callable[[RunSummary], None] | None = None,
    load_group: int = 0,
    on_loaded: Callable[[dict[str, list[dict[str, Any]]]], None] | None = None,
    on_errors: Callable[[list[dict[str, Any]]], None] | None = None,
) -> RunSummary:
    """Code ``items`` on a Dask cluster (an existing one at ``scheduler``, else a LocalCluster
    with ``workers`` single-threaded processes) and load the results into the store ``db``.

    Coded partitions are loaded ``load_group`` at a time (default: as many as may be in
    flight, twice the workers), or at least every ``LOAD_EVERY_S`` seconds: each load costs
    the writer a fixed ~50 ms of CPU, which on a machine whose cores all run workers is taken
    from them.  A partition is checkpointed once loaded; one coded but not yet loaded when
    the run dies is coded again by ``resume``.

    ``on_loaded`` (the CLI's ``--output`` and ``--unknown-actors``) receives each partition's
    rows, table by table as the store holds them (``read_bundle``), once the store has them,
    in the order partitions finish and before the partition is checkpointed: a run that dies
    in between codes it again.

    ``on_progress`` receives the summary after each load (what it counts is in the store)
    and, between loads, as each partition finishes (its articles in ``waiting``).

    ``on_errors`` receives the error records of each loaded (or failed) partition as they
    come, as the local engine reports them; without it they are kept in the summary's
    ``error_records``, which on a run of millions of stories could grow without bound.
    """
    from dask.distributed import as_completed
    from distributed import KilledWorker

    from flashpoint.store import open_store

    started = time.perf_counter()
    # absolute: workers on other machines that share the filesystem write here too (those
    # that do not send their bundles back with their results: ``code_partition``)
    default_dir = "flashpoint.parts" if "://" in db else f"{db}.parts"
    parts_dir = Path(work_dir or default_dir).resolve()
    parts_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(parts_dir / "manifest.jsonl")
    if not resume and manifest.done:
        manifest.path.unlink()
        manifest = Manifest(parts_dir / "manifest.jsonl")
    partition_size = _run_record(parts_dir, settings, partition_size, resume and bool(manifest.done))
    token = _new_writer_token(parts_dir)
    summary = RunSummary()
    store = open_store(db)  # first: a store that cannot be opened fails before any cluster starts
    if resume and manifest.done:
        _check_store_holds_checkpoint(store, manifest, db)
    cluster = client = None
    # defined before the cluster starts: a Ctrl-C at any point finds them (see the handler)
    ready: list[dict[str, Any]] = []
    last_load = time.perf_counter()

    def load() -> None:
        """Load the coded partitions waiting, in one transaction, checkpoint them, and
        count them: the summary (and the progress shown) is what the store holds."""
        nonlocal last_load
        summary.waiting = 0  # what waits is loaded now (or, after a Ctrl-C, was already)
        if ready:
            store.load_parquet([info["path"] for info in ready])
            if on_loaded is not None:
                from flashpoint.store.parquet import read_bundle

                for info in ready:
                    on_loaded(read_bundle(info["path"]))
            manifest.mark(*ready)
            loaded = list(ready)
            ready.clear()  # at once: a Ctrl-C from here on must not load them again
            for info in loaded:
                summary.partitions += 1
                summary.articles += info["articles"]
                summary.not_english += info.get("not_english", 0)
                summary.sentences += info["sentences"]
                summary.events += info["events"]
                summary.errors += len(info["errors"])
                summary.peak_worker_rss_mb = max(summary.peak_worker_rss_mb, info["peak_rss_mb"])
                report(info["errors"])
            for info in loaded:
                shutil.rmtree(info["path"], ignore_errors=True)  # bundles are directories
            summary.seconds = time.perf_counter() - started
            if on_progress:
                on_progress(summary)
        last_load = time.perf_counter()

    def report(errors: list[dict[str, Any]]) -> None:
        if not errors:
            return
        if on_errors is not None:
            on_errors(errors)
        else:
            summary.error_records.extend(errors)

    workers = planned_workers(workers, scheduler, ask=False)  # a cluster is asked its size below
    tornado_log = logging.getLogger("tornado.application")
    race = _CancelRaceFilter()
    tornado_log.addFilter(race)
    try:
        client, cluster = _connect(scheduler, workers)
        joined = len(client.scheduler_info().get("workers", {}))
        if scheduler and not joined:  # Dask queues the tasks silently: say why nothing moves
            log.warning(
                "the Dask scheduler at %s has no workers yet: partitions wait until some join", scheduler
            )
        n_workers = max(1, joined or workers)
        max_in_flight = 2 * n_workers
        group = load_group or max_in_flight
        pending = as_completed()
        in_flight = 0

        def drain(block_until: int) -> None:
            nonlocal in_flight
            while in_flight > block_until:
                future = next(pending)
                part_id, chunk = submitted.pop(future.key)
                in_flight -= 1
                try:
                    info = future.result()
                except KilledWorker as exc:
                    # the partition killed every worker that took it (a crash or out of memory
                    # inside the parser): one partition must not end a run of thousands
                    failed = _record_failed_partition(store, part_id, chunk, exc)
                    summary.errors += len(failed)
                    report(failed)
                except Exception as exc:
                    raise ClusterError(
                        f"partition {part_id} failed on a worker ({type(exc).__name__}: {exc}); the "
                        "partitions loaded before it are checkpointed: --resume goes on from there"
                    ) from exc
                else:
                    try:
                        _check_build(info)
                        if info.get("bundle") is not None:
                            if not summary.shipped:
                                log.info(
                                    "worker %s does not see %s: its partitions travel back through Dask",
                                    info.get("worker", "?"),
                                    parts_dir,
                                )
                            summary.shipped += 1
                            _receive_bundle(info, parts_dir)
                    except ClusterError:
                        load()  # the partitions coded by the writer's build are good: keep them
                        raise
                    ready.append(info)
                    summary.waiting += info["articles"] + len(info["errors"])
                if len(ready) >= group or time.perf_counter() - last_load >= LOAD_EVERY_S:
                    load()
                elif on_progress and summary.waiting:
                    summary.seconds = time.perf_counter() - started
                    on_progress(summary)

        submitted: dict[str, tuple[str, list[Item]]] = {}
        for part_id, chunk in partition(items, partition_size):
            if part_id in manifest.done:
                summary.skipped_partitions += 1
                continue
            future = client.submit(
                code_partition, part_id, chunk, settings, str(parts_dir), token, pure=False, retries=2
            )
            submitted[future.key] = (part_id, chunk)
            pending.add(future)
            in_flight += 1
            drain(max_in_flight - 1)
        drain(0)
        load()
        _remove_stale_bundles(parts_dir)
    except KeyboardInterrupt as exc:
        # Ctrl-C: what is coded is kept (loaded and checkpointed), what is not is for --resume;
        # one that came inside a load after its checkpoint is not loaded twice
        ready[:] = [info for info in ready if info["part"] not in manifest.done]
        if cluster is not None and client is not None:
            try:  # our own workers: their in-flight tasks are dropped on purpose
                client.run(_quiet_cancelled_tasks)
            except Exception:  # a quieter stderr is not worth a failed exit
                log.debug("could not quiet the workers", exc_info=True)
        load()
        summary.seconds = time.perf_counter() - started
        raise RunInterrupted(summary) from exc
    finally:
        store.close()
        if client is not None and cluster is not None:  # our own cluster: it closes now
            try:
                client.run(_quiet_shutdown, on_error="ignore")
            except Exception:  # a quieter stderr is not worth a failed exit
                log.debug("could not quiet the workers' shutdown", exc_info=True)
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        tornado_log.removeFilter(race)
    summary.seconds = time.perf_counter() - started
    return summary
