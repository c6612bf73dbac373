"""Where the end-to-end time goes: CPU seconds per pipeline stage on the VOA stories.

Usage: ``.venv/bin/python benchmarks/stages.py [--ner] [--rounds N]``.  Wraps the stage
functions of one warmed ``Pipeline`` (parse = ``nlp.segment_and_parse_many``, i.e. spaCy plus
flashpoint's segmentation, printed apart: "spaCy" is the time spent inside the model's ``pipe``
generator, "segmentation" the rest of the parse stage -- paragraph split, quote repair, spans,
``Sentence`` records; coder = ``RulesCoder.code``, actors included; place/date =
``Pipeline._place_and_date``) with CPU timers; "other" is the rest (cleaning, publication
dates, records).  CPU time of this process, so other processes on the machine disturb it
far less than wall time.  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VOA = ROOT.parent / "shared" / "data" / "voa" / "voa_stories.jsonl"


def _timed(acc: dict[str, float], key: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            acc[key] += time.process_time() - started

    return wrapper


def _timed_iter(acc: dict[str, float], key: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Like ``_timed`` for a generator function: only the time inside each ``next`` counts."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        it = iter(func(*args, **kwargs))
        while True:
            started = time.process_time()
            try:
                item = next(it)
            except StopIteration:
                acc[key] += time.process_time() - started
                return
            acc[key] += time.process_time() - started
            yield item

    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner", action="store_true", help="run spaCy's named-entity recogniser too")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the corpus (each printed)")
    args = parser.parse_args()

    from flashpoint import nlp
    from flashpoint.config import Settings
    from flashpoint.ingest import read_inputs, sample_paths
    from flashpoint.models import Article
    from flashpoint.pipeline import Pipeline

    articles = [a for a in read_inputs([VOA] if VOA.exists() else sample_paths()) if isinstance(a, Article)]
    pipeline = Pipeline(Settings(ner=args.ner))
    list(pipeline.code_articles(["Japan and South Korea signed a trade agreement in Tokyo on Monday."]))
    _ = pipeline.gazetteer
    acc: dict[str, float] = defaultdict(float)
    nlp.segment_and_parse_many = _timed(acc, "parse", nlp.segment_and_parse_many)  # type: ignore[assignment]
    pipeline.coder.code = _timed(acc, "coder", pipeline.coder.code)
    pipeline._place_and_date = _timed(acc, "place/date", pipeline._place_and_date)  # type: ignore[method-assign]
    spacy_time: dict[str, float] = defaultdict(float)
    pipeline.nlp.pipe = _timed_iter(spacy_time, "spacy", pipeline.nlp.pipe)
    print(f"components: {', '.join(pipeline.nlp.pipe_names)}; {len(articles)} articles")
    for _ in range(args.rounds):
        acc.clear()
        spacy_time.clear()
        started = time.process_time()
        events = sum(len(r.events) for r in pipeline.code_articles(articles))
        total = time.process_time() - started
        acc["other"] = total - sum(acc.values())
        shares = ", ".join(f"{k} {v:.2f} s ({100 * v / total:.0f}%)" for k, v in acc.items())
        inside = spacy_time["spacy"]
        split = f"; inside parse: spaCy {inside:.2f} s, segmentation {acc['parse'] - inside:.2f} s"
        print(f"{total:.2f} CPU-s, {events} events: {shares}{split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
