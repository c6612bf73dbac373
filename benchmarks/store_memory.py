"""Loads one coded bundle ``--copies`` times (new ids each time) into a fresh DuckDB store.

Usage: ``python benchmarks/store_memory.py BUNDLE STORE --copies N [--group G]``.  The child
process of ``run.py``'s writer-memory rows, which reports its own peak RSS (``VmHWM``), and
holds only what the writer of a Dask run holds for its store (DuckDB,
pyarrow, flashpoint's store code), without the spaCy model.  Each copy is written as its own
bundle with every ``doc_id`` and ``event_id`` suffixed, and ``G`` bundles go into each load,
as the writer groups the bundles of its workers.  Prints the stories stored and the seconds
the loads took, as JSON.  A benchmark helper, not a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path


def renamed_copy(bundle: Path, out: Path, suffix: str) -> None:
    """A copy of ``bundle`` whose doc and event ids end in ``suffix``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out.mkdir()
    for part in bundle.iterdir():
        table = pq.read_table(part)
        for column in ("doc_id", "event_id"):
            if column in table.column_names:
                where = table.column_names.index(column)
                renamed = pc.binary_join_element_wise(table.column(column), pa.scalar(suffix), "")
                table = table.set_column(where, column, renamed)
        pq.write_table(table, out / part.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("store")
    parser.add_argument("--copies", type=int, required=True)
    parser.add_argument("--group", type=int, default=4, help="bundles per load")
    args = parser.parse_args()

    from flashpoint.store import open_store

    work = Path(args.store).with_suffix(".copies")
    work.mkdir()
    seconds = 0.0
    try:
        with open_store(args.store) as store:
            (limit,) = store.duckdb.execute("SELECT current_setting('memory_limit')").fetchone()
            for first in range(0, args.copies, args.group):
                copies = []
                for k in range(first, min(first + args.group, args.copies)):
                    copy = work / f"c{k}"
                    renamed_copy(args.bundle, copy, f"~{k}")
                    copies.append(str(copy))
                started = time.perf_counter()
                store.load_parquet(copies)
                seconds += time.perf_counter() - started
                for done in copies:
                    shutil.rmtree(done)
            stories = store.stats()["articles"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from flashpoint.distributed import _peak_rss_mb  # VmHWM: the parent's size survives exec in ru_maxrss

    report = {
        "stories": stories,
        "load_seconds": seconds,
        "memory_limit": limit,
        "peak_rss_mb": _peak_rss_mb(),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
