"""``make bench``: speed and memory of flashpoint, measured in one run on one corpus.

Measures, on the VOA stories (../shared/data/voa, 89 real articles; the bundled samples when
absent), repeated to size:
  1. bare spaCy throughput (same model, same components, same paragraphs),
  2. flashpoint end to end without the first pass, and the ratio to (1),
  3. flashpoint with the first pass (sentences/s and how many sentences it parsed),
  4. the Dask engine with one and with two workers,
  5. peak memory per worker as the corpus grows tenfold,
  6. a bounded load test of the REST API on loopback (p50/p99 latency, errors).
Writes ``.bench/results.json`` and rewrites the results block of ``docs/PERFORMANCE.md``.
Benchmarks, not tests: nothing here asserts a target; the document says what was measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VOA = ROOT.parent / "shared" / "data" / "voa" / "voa_stories.jsonl"
DOC = ROOT / "docs" / "PERFORMANCE.md"
MARK_BEGIN, MARK_END = "<!-- bench:begin -->", "<!-- bench:end -->"


def load_corpus(copies: int) -> list[Any]:
    """The base corpus repeated ``copies`` times, with distinct doc ids."""
    from flashpoint.ingest import read_inputs, sample_paths
    from flashpoint.models import Article

    source = [VOA] if VOA.exists() else sample_paths()
    base = [a for a in read_inputs(source) if isinstance(a, Article)]
    out = []
    for c in range(copies):
        for a in base:
            out.append(Article(doc_id=f"{a.doc_id}-{c}", text=a.text, title=a.title, published=a.published))
    return out


def bench_spacy(texts: list[str]) -> dict[str, Any]:
    """Bare spaCy with exactly the model and components the pipeline uses."""
    from flashpoint import nlp
    from flashpoint.pipeline import Pipeline

    model = Pipeline().nlp
    paras = [t[s:e] for t in texts for s, e in nlp.paragraphs(t)]
    start = time.perf_counter()
    sents = words = 0
    for doc in model.pipe(paras, batch_size=64):
        sents += sum(1 for _ in doc.sents)
        words += len(doc)
    secs = time.perf_counter() - start
    return {"seconds": secs, "sentences": sents, "words": words, "sentences_per_s": sents / secs, "words_per_s": words / secs}


def bench_pipeline(articles: list[Any], prefilter: bool) -> dict[str, Any]:
    from flashpoint.config import Settings
    from flashpoint.pipeline import Pipeline

    pipeline = Pipeline(Settings(prefilter=prefilter))
    _ = pipeline.coder, pipeline.gazetteer  # build tables before timing
    from flashpoint import nlp

    nlp.load()
    start = time.perf_counter()
    events = 0
    for result in pipeline.code_articles(articles):
        events += len(result.events)
    secs = time.perf_counter() - start
    seen = pipeline.stats["sentences_seen"]
    return {
        "seconds": secs,
        "articles": len(articles),
        "sentences": seen,
        "sentences_parsed": pipeline.stats["sentences_parsed"],
        "events": events,
        "sentences_per_s": seen / secs,
        "articles_per_s": len(articles) / secs,
    }


def bench_dask(articles: list[Any], workers: int) -> dict[str, Any]:
    from flashpoint.config import Settings
    from flashpoint.distributed import run_dask

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        summary = run_dask(iter(articles), Settings(), db, workers=workers, partition_size=25)
        secs = time.perf_counter() - start
    return {
        "workers": workers,
        "seconds": secs,
        "articles": summary.articles,
        "sentences": summary.sentences,
        "events": summary.events,
        "sentences_per_s": summary.sentences / secs,
        "peak_worker_rss_mb": summary.peak_worker_rss_mb,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_api(articles: list[Any], requests: int = 2000, clients: int = 4) -> dict[str, Any]:
    """Start `flashpoint serve` for real on loopback and send a bounded number of requests."""
    import httpx

    from flashpoint import code_articles
    from flashpoint.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "api.duckdb")
        with open_store(db) as store:
            store.write(code_articles(articles))
        port = _free_port()
        exe = Path(sys.executable).parent / "flashpoint"
        proc = subprocess.Popen(
            [str(exe), "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if httpx.get(base + "/api/events?limit=1", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            paths = ["/api/events?limit=50", "/api/dyads", "/api/alerts", "/api/events?actor=PRK&limit=20", "/api/actors"]
            latencies: list[float] = []
            errors = 0
            lock = threading.Lock()
            per_client = requests // clients

            def client(k: int) -> None:
                nonlocal errors
                with httpx.Client(base_url=base, timeout=10) as c:
                    for i in range(per_client):
                        t = time.perf_counter()
                        try:
                            ok = c.get(paths[(i + k) % len(paths)]).status_code == 200
                        except httpx.HTTPError:
                            ok = False
                        dt = time.perf_counter() - t
                        with lock:
                            latencies.append(dt)
                            errors += 0 if ok else 1

            threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            secs = time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    latencies.sort()
    return {
        "requests": len(latencies),
        "clients": clients,
        "errors": errors,
        "seconds": secs,
        "requests_per_s": len(latencies) / secs,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def write_doc(results: dict[str, Any]) -> None:
    r = results
    lines = [
        MARK_BEGIN,
        f"Measured {r['when']} on {r['machine']} with `make bench` (`.venv/bin/python benchmarks/run.py`).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| corpus | {r['corpus']['articles']} articles, {r['spacy']['sentences']} sentences, {r['spacy']['words']} tokens |",
        f"| bare spaCy pipeline (same model & components) | {r['spacy']['sentences_per_s']:.0f} sentences/s, {r['spacy']['words_per_s']:.0f} tokens/s |",
        f"| flashpoint end to end, no first pass | {r['full']['sentences_per_s']:.0f} sentences/s ({r['full']['articles_per_s']:.1f} articles/s) |",
        f"| ratio end-to-end / bare spaCy | {r['ratio']:.2f} (target >= 0.85) |",
        f"| flashpoint with first pass | {r['prefilter']['sentences_per_s']:.0f} sentences/s; parsed {r['prefilter']['sentences_parsed']} of {r['prefilter']['sentences']} sentences (stretch target >= 1,000/s) |",
        f"| Dask, 1 worker | {r['dask1']['sentences_per_s']:.0f} sentences/s ({r['dask1']['seconds']:.1f} s incl. cluster start) |",
        f"| Dask, 2 workers | {r['dask2']['sentences_per_s']:.0f} sentences/s; speed-up {r['speedup']:.2f}x (target >= 1.7x) |",
        f"| peak memory per worker, corpus x1 -> x10 | {r['mem_small']['peak_worker_rss_mb']:.0f} MB -> {r['mem_large']['peak_worker_rss_mb']:.0f} MB (target < 1 GB, flat) |",
    ]
    if r.get("api"):
        a = r["api"]
        lines.append(
            f"| REST API load, {a['requests']} requests, {a['clients']} clients | p50 {a['p50_ms']:.1f} ms, p99 {a['p99_ms']:.1f} ms, "
            f"{a['requests_per_s']:.0f} req/s, {a['errors']} errors |"
        )
    lines.append(MARK_END)
    block = "\n".join(lines)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n" + MARK_BEGIN + "\n" + MARK_END + "\n"
    if MARK_BEGIN in text and MARK_END in text:
        head, rest = text.split(MARK_BEGIN, 1)
        tail = rest.split(MARK_END, 1)[1]
        text = head + block + tail
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="corpus repetitions for the throughput runs")
    parser.add_argument("--no-api", action="store_true", help="skip the REST API load test")
    args = parser.parse_args()
    corpus = load_corpus(args.copies)
    from flashpoint.ingest import clean

    texts = [clean(a.text).text for a in corpus]
    results: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "corpus": {"articles": len(corpus), "source": str(VOA if VOA.exists() else "bundled samples")},
    }
    print("bare spaCy ...", flush=True)
    results["spacy"] = bench_spacy(texts)
    print("flashpoint, no first pass ...", flush=True)
    results["full"] = bench_pipeline(corpus, prefilter=False)
    results["ratio"] = results["full"]["sentences_per_s"] / results["spacy"]["sentences_per_s"]
    print("flashpoint, first pass ...", flush=True)
    results["prefilter"] = bench_pipeline(corpus, prefilter=True)
    print("dask 1 and 2 workers ...", flush=True)
    results["dask1"] = bench_dask(corpus, 1)
    results["dask2"] = bench_dask(corpus, 2)
    results["speedup"] = results["dask2"]["sentences_per_s"] / results["dask1"]["sentences_per_s"]
    print("memory x1 and x10 ...", flush=True)
    small = load_corpus(1)
    results["mem_small"] = bench_dask(small, 2)
    results["mem_large"] = bench_dask(load_corpus(10), 2)
    if not args.no_api:
        print("REST API load test ...", flush=True)
        results["api"] = bench_api(small)
    out = ROOT / ".bench"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    write_doc(results)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
