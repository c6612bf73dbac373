"""How fast one writer loads coded partitions as its store grows (the Dask engine's ceiling).

Usage: ``.venv/bin/python benchmarks/writer.py [--rounds N] [--group G]``.  Codes the VOA
stories ten times over (890 articles, distinct doc ids) into Parquet bundles of 100 articles
once, in this process, as Dask workers would; then loads renamed copies of those bundles
(every ``doc_id`` and ``event_id`` made new, so each round adds 890 articles) into one fresh
DuckDB store, ``G`` bundles per load as the writer groups them (default 4: two workers' worth
in flight), and prints the mean CPU and wall time of a round over each ten rounds, with the
seconds spent in each kind of statement.  A run of millions of stories on a cluster is fed by this one process, so
a cost that grows with the store caps the cluster.  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


class _TimedConnection:
    """Wraps a DuckDB connection and adds up the wall time of each kind of statement."""

    def __init__(self, conn: Any, acc: Counter[str]) -> None:
        self._conn = conn
        self._acc = acc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._conn.execute(sql, *args, **kwargs)
        finally:
            self._acc[" ".join(str(sql).split()[:3])] += time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41, help="rounds of 890 articles loaded")
    parser.add_argument("--group", type=int, default=4, help="bundles per load")
    args = parser.parse_args()

    from run import load_corpus
    from store_memory import renamed_copy

    from flashpoint.config import Settings
    from flashpoint.distributed import code_partition, partition
    from flashpoint.store import open_store

    work = Path(tempfile.mkdtemp(prefix="flashpoint-writer-"))
    try:
        articles = load_corpus(10)
        started = time.perf_counter()
        bundles = [
            Path(code_partition(pid, chunk, Settings(), str(work))["path"])
            for pid, chunk in partition(iter(articles), 100)
        ]
        print(
            f"coded {len(articles)} articles into {len(bundles)} bundles in {time.perf_counter() - started:.0f} s"
        )
        store = open_store(str(work / "grow.duckdb"))
        acc: Counter[str] = Counter()
        store._conn = _TimedConnection(store._conn, acc)  # type: ignore[attr-defined]
        stored = 0
        block_cpu = block_wall = 0.0
        for r in range(args.rounds):
            copies = []
            for bundle in bundles:
                renamed_copy(bundle, work / f"r{r}-{bundle.name}", f"~{r}")
                copies.append(str(work / f"r{r}-{bundle.name}"))
            cpu, wall = time.process_time(), time.perf_counter()
            for k in range(0, len(copies), args.group):
                store.load_parquet(copies[k : k + args.group])
            block_cpu += time.process_time() - cpu
            block_wall += time.perf_counter() - wall
            stored += len(articles)
            if r % 10 == 0 or r == args.rounds - 1:  # the first round alone, then blocks of ten
                n = 1 if r == 0 else (r - 1) % 10 + 1
                top = "; ".join(f"{k} {v / n:.3f}" for k, v in acc.most_common(5))
                print(
                    f"store {stored:7d} articles: {len(articles)} loaded in {block_cpu / n:.2f} CPU-s, "
                    f"{block_wall / n:.2f} s ({len(articles) * n / block_wall:.0f} articles/s; mean of the "
                    f"last {n} round(s)); seconds a round: {top}",
                    flush=True,
                )
                acc.clear()
                block_cpu = block_wall = 0.0
            for copy in copies:
                shutil.rmtree(copy)
        store.close()
        print(f"store file {(work / 'grow.duckdb').stat().st_size >> 20} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
