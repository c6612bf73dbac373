"""CPU seconds per spaCy component on the VOA stories, stock model against flashpoint's.

Usage: ``.venv/bin/python benchmarks/components.py [--rounds N] [--sentences]``.  Runs the
tokenizer and then each component's ``pipe`` over the docs of the one before (the order of
``nlp.pipe``), for the model as ``spacy.load`` gives it ("stock") and for the model object
flashpoint runs (``flashpoint.nlp.load``: the indexed attribute ruler, the cached lemmatizer,
set lemma indexes), alternating the two each round, and prints the median CPU time of each
component.  ``--sentences`` pipes rule-split sentences instead of paragraphs (what the first
pass parses).  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VOA = ROOT.parent / "shared" / "data" / "voa" / "voa_stories.jsonl"


def per_component(model: Any, texts: list[str]) -> dict[str, float]:
    """CPU seconds of the tokenizer and of each component over ``texts``."""
    out: dict[str, float] = {}
    started = time.process_time()
    docs = [model.make_doc(text) for text in texts]
    out["tokenizer"] = time.process_time() - started
    for name, component in model.pipeline:
        started = time.process_time()
        docs = list(component.pipe(docs, batch_size=64))
        out[name] = time.process_time() - started
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (median)")
    parser.add_argument("--sentences", action="store_true", help="pipe rule-split sentences, not paragraphs")
    args = parser.parse_args()

    import spacy

    from flashpoint import nlp
    from flashpoint.ingest import clean, read_inputs, sample_paths
    from flashpoint.models import Article

    articles = [a for a in read_inputs([VOA] if VOA.exists() else sample_paths()) if isinstance(a, Article)]
    cleaned = [clean(a.text).text for a in articles]
    if args.sentences:
        texts = [s.text for t in cleaned for s in nlp.rule_sentences(t)]
    else:
        texts = [t[s:e] for t in cleaned for s, e in nlp.paragraphs(t)]
    ours = nlp.load(disable=("ner",))
    stock = spacy.load(nlp.MODEL_NAME, exclude=["ner"])
    models = {"stock": stock, "flashpoint": ours}
    for model in models.values():  # warm-up (the lemmatizer validates its tables on first use)
        per_component(model, texts[:3])
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in models}
    for k in range(args.rounds):
        for name in list(models) if k % 2 == 0 else list(models)[::-1]:
            runs[name].append(per_component(models[name], texts))
    print(
        f"{len(texts)} {'sentences' if args.sentences else 'paragraphs'}, median of {args.rounds} rounds (CPU-s)"
    )
    names = list(runs["stock"][0])
    print(f"{'component':16} {'stock':>8} {'flashpoint':>11}")
    for component in [*names, "total"]:
        row = []
        for name in models:
            values = [sum(r.values()) if component == "total" else r[component] for r in runs[name]]
            row.append(statistics.median(values))
        print(f"{component:16} {row[0]:8.2f} {row[1]:11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
