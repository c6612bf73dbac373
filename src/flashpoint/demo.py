"""``make demo``: code the bundled sample articles (and the reference article when present).

Prints a table of events, writes ``demo.jsonl`` and ``demo.duckdb``, and prints the PRK-USA
dyad summary from the store.  It uses only the public API and the store, like a user would.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from flashpoint.models import Article, CodingResult

REFERENCE = Path("..") / "shared" / "seed" / "article.txt"
REFERENCE_PUBLISHED = date(2025, 4, 17)


def demo_articles() -> Iterator[Article]:
    """The bundled samples, then the reference article if ../shared is beside the checkout."""
    from flashpoint.ingest import read_inputs, sample_paths

    for item in read_inputs(sample_paths()):
        if isinstance(item, Article):
            yield item
    if REFERENCE.exists():
        yield Article(
            doc_id="reference-article",
            text=REFERENCE.read_text(encoding="utf-8"),
            title="North Korea issues fiery warning after US jets fly over South Korea",
            published=REFERENCE_PUBLISHED,
            published_source="demo",
            origin=str(REFERENCE),
        )


def main(out_dir: Path = Path(".")) -> int:
    from flashpoint import code_articles
    from flashpoint.analytics import dyad_series_sql
    from flashpoint.cli.code import format_table
    from flashpoint.store import open_store

    results: list[CodingResult] = list(code_articles(demo_articles()))
    records = [e.to_dict() for r in results for e in r.events]
    print(format_table(records))
    jsonl = out_dir / "demo.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    db_path = out_dir / "demo.duckdb"
    with open_store(str(db_path)) as store:
        store.write(results)
        series = dyad_series_sql(store.duckdb, "PRK", "USA", by="week")
    errors = [r.error for r in results if r.error is not None]
    print(
        f"\n{len(results) - len(errors)} articles, {len(records)} events -> {jsonl} and {db_path}"
        + (f"; {len(errors)} errors" if errors else "")
    )
    print("\nPRK-USA dyad (by week; conflict_score = mean Goldstein, negative = conflict):")
    for row in series:
        score = row["conflict_score"]
        print(
            f"  {row['period']}  events={row['events']:<3} verbal-coop={row['quad1']} material-coop={row['quad2']} "
            f"verbal-conflict={row['quad3']} material-conflict={row['quad4']} "
            f"goldstein_sum={row['goldstein_sum']:+.1f} conflict_score="
            + (f"{score:+.2f}" if score is not None else "-")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
