"""The first pass (``Prefilter.needs_parse``) and what the pipeline reports about it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from flashpoint.coding.prefilter import NO_EVENT_ALONE, Prefilter
from flashpoint.config import Settings
from flashpoint.pipeline import Pipeline

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "prefilter.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def prefilter() -> Prefilter:
    from flashpoint.actors import ActorDictionary

    return Prefilter(ActorDictionary.default())


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_needs_parse_cases(prefilter: Prefilter, case: dict[str, object]) -> None:
    assert prefilter.needs_parse(str(case["text"])) is case["parse"]


def test_reporting_and_light_verbs_alone_are_no_triggers(prefilter: Prefilter) -> None:
    assert {"speech", "light"} == NO_EVENT_ALONE
    for word in ("said", "told", "says", "has", "added"):
        assert not prefilter.has_trigger(f"Officials {word} something."), word
    assert prefilter.has_trigger("Officials said troops attacked.")
    assert prefilter.has_trigger("They took part in talks.")  # the object noun is the trigger


def test_prefilter_loses_under_one_percent_of_gold_records(shared: Path, prefilter: Prefilter) -> None:
    """A PLOVER GSR record is one event sentence: if the first pass skips all its sentences
    (split as the pipeline splits them), its gold event is lost."""
    from flashpoint import nlp
    from flashpoint.ingest import clean

    records = json.loads(
        (shared / "data" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8")
    )
    texts = [r["text"] for r in records if r.get("event") != "DOCUMENT" and r.get("text")]
    lost = 0
    for text in texts:
        sents = nlp.rule_sentences(clean(text).text)
        lost += not any(prefilter.needs_parse(s.text) for s in sents)
    assert len(texts) > 300
    assert lost / len(texts) < 0.01, lost


def test_needs_parse_is_cheap(prefilter: Prefilter) -> None:
    sentence = "The foreign ministers of Japan and South Korea met in Tokyo on Monday to discuss trade."
    prefilter.needs_parse(sentence)
    started = time.perf_counter()
    for _ in range(200):
        prefilter.needs_parse(sentence)
    per_call = (time.perf_counter() - started) / 200
    assert per_call < 0.005  # a parse costs ~10 ms or more; the first pass must be far cheaper


def test_pipeline_reports_skipped_sentences_and_articles() -> None:
    pipeline = Pipeline(Settings(prefilter=True, places=False))
    texts = [
        "Russia attacked Ukraine on Monday. The weather was mild. Japan condemned the attack.",
        "The weather was mild. Markets were quiet.",
    ]
    first, second = list(pipeline.code_articles(texts))
    assert first.article.meta["prefilter_skipped_sentences"] == [1]
    assert first.article.meta["prefilter_skipped"] is False
    assert [s.index for s in first.sentences] == [0, 1, 2]  # skipped sentences are kept, unparsed
    assert {e.sentence_index for e in first.events} <= {0, 2} and first.events
    assert second.article.meta["prefilter_skipped"] is True
    assert second.events == ()
    assert pipeline.stats == {"sentences_seen": 5, "sentences_parsed": 2, "not_english": 0}


def test_evaluation_counts_records_the_first_pass_skipped() -> None:
    from flashpoint import evaluate as ev

    gold = ev.load_jsonl_gold(str(Path(__file__).parent / "cases" / "gold_example.jsonl"))
    pipeline = Pipeline(Settings(prefilter=True, places=False))
    results = list(pipeline.code_articles(ev._articles(gold)))
    report = ev.score("jsonl", gold, results)
    flagged = {r.article.doc_id for r in results if r.article.meta.get("prefilter_skipped")}
    assert report.prefilter_skipped_records == len(flagged)
    assert report.prefilter_lost_gold_events == sum(len(r.events) for r in gold if r.id in flagged)
