"""The pipeline: public API, item conversion, and one bad article never stopping a batch."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

import flashpoint
from flashpoint.config import Settings
from flashpoint.errors import InputError
from flashpoint.models import Article, CodingError
from flashpoint.pipeline import Pipeline, to_article


def test_to_article_accepts_records_and_text() -> None:
    a = to_article({"id": "x1", "text": "Hello.", "published": "2024-01-02"})
    assert isinstance(a, Article) and a.doc_id == "x1" and a.published == date(2024, 1, 2)
    b = to_article("Some text.")
    assert isinstance(b, Article) and len(b.doc_id) == 12
    assert isinstance(to_article({"id": "x2"}), CodingError)
    assert isinstance(to_article({"id": "x3", "text": "t", "published": "yesterday"}), CodingError)
    assert isinstance(to_article(42), CodingError)  # type: ignore[arg-type]


def test_code_text_public_api() -> None:
    events = flashpoint.code_text(
        "Russian forces shelled the Ukrainian city of Kharkiv on Monday.", published="2024-05-15"
    )
    assert events
    ev = events[0]
    assert ev.source.country == "RUS" and ev.target.country == "UKR"
    assert ev.cameo_root in {"18", "19", "20"}
    assert ev.date == date(2024, 5, 13) and ev.date_precision == "day"
    assert ev.coder.startswith("flashpoint.rules.v1/")


def test_code_text_rejects_empty() -> None:
    with pytest.raises(InputError):
        flashpoint.code_text("   ")


def test_one_failing_article_does_not_stop_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = Pipeline()
    real = pipeline.coder

    class Exploding:
        def code(self, article, clean, parsed, when=None):
            if article.doc_id == "bad":
                raise RuntimeError("boom")
            return real.code(article, clean, parsed, when=when)

    pipeline._coder = Exploding()
    items = [
        {"id": "a", "text": "Iran condemned Israel on Monday.", "published": "2024-04-02"},
        {"id": "bad", "text": "Iran condemned Israel on Monday.", "published": "2024-04-02"},
        {"id": "c", "text": "", "published": "2024-04-02"},
        {"id": "d", "text": "China criticized Japan.", "published": "2024-04-02"},
    ]
    results = {r.article.doc_id: r for r in pipeline.code_articles(items)}
    assert set(results) == {"a", "bad", "c", "d"}
    assert results["bad"].error is not None and results["bad"].error.stage == "code"
    assert "boom" in results["bad"].error.reason
    assert results["c"].error is not None and results["c"].error.stage == "clean"
    assert results["a"].ok and results["a"].events
    assert results["d"].ok


def test_results_are_independent_of_batching() -> None:
    texts = [
        {"id": f"d{i}", "text": t, "published": "2025-03-03"}
        for i, t in enumerate(
            [
                "Pakistan accused India of violating the ceasefire along the Line of Control.",
                "The European Union imposed new sanctions on Iran on Friday.",
                "Egypt and Qatar hosted talks between Israel and Hamas in Cairo.",
            ]
        )
    ]
    one = [e.to_dict() for r in Pipeline(Settings(batch_articles=1)).code_articles(texts) for e in r.events]
    many = [e.to_dict() for r in Pipeline(Settings(batch_articles=8)).code_articles(texts) for e in r.events]
    assert one == many and one


def test_given_sentences_are_not_re_split() -> None:
    """A text that is one sentence already (PETRARCH records, pre-split corpora) is parsed as
    one sentence: by the setting, or by a record's ``"sentences": "given"``."""
    text = "Germany criticized the pro- Moscow vote in Vienna."
    default = next(Pipeline(Settings()).code_articles([text]))
    assert len(default.sentences) == 2  # the parser splits after "pro-"
    for settings, item in (
        (Settings(given_sentences=True), text),
        (Settings(given_sentences=True, prefilter=True), text),
        (Settings(), {"id": "g", "text": text, "sentences": "given"}),
        (Settings(), Article(doc_id="g", text=text, meta={"sentences": "given"})),  # a JSONL row
    ):
        result = next(Pipeline(settings).code_articles([item]))
        assert [s.text for s in result.sentences] == [text]
        assert result.sentences[0].start == 0 and result.sentences[0].end == len(text)


def test_ner_setting_chooses_components_and_changes_no_event() -> None:
    text = (
        "Japanese officials accused China of violating the agreement on Monday. "
        "The Indian army attacked rebel positions in Kashmir, police said."
    )
    plain, with_ner = Pipeline(Settings(ner=False)), Pipeline(Settings(ner=True))
    assert "ner" not in plain.nlp.pipe_names and "ner" in with_ner.nlp.pipe_names
    # --unknown-actors reads entities: it keeps the recogniser whatever the setting says
    assert "ner" in Pipeline(Settings(ner=False, unknown_actors=True)).nlp.pipe_names
    a, b = plain.code_text(text, "2024-05-15"), with_ner.code_text(text, "2024-05-15")
    assert a and len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        # without entity annotation the coder's entity hint is neutral: same event, and a
        # confidence never lower than when the recogniser ran
        assert replace(x, confidence=0) == replace(y, confidence=0)
        assert x.confidence >= y.confidence


@pytest.mark.parametrize("freeze", [True, False])
def test_loaded_tables_are_frozen_once_after_the_first_batch(
    monkeypatch: pytest.MonkeyPatch, freeze: bool
) -> None:
    from flashpoint import pipeline as pipeline_module

    calls: list[str] = []
    monkeypatch.setattr(pipeline_module, "_SETTLED", False)
    monkeypatch.setattr(pipeline_module.gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(pipeline_module.gc, "freeze", lambda: calls.append("freeze"))
    pipe = Pipeline(Settings(freeze_tables=freeze))
    text = "Japan and South Korea signed a trade agreement in Tokyo on Monday."
    assert pipe.code_text(text, published="2025-04-17")
    pipe.code_text(text, published="2025-04-18")
    Pipeline(Settings(freeze_tables=freeze)).code_text(text, published="2025-04-17")
    assert calls == (["collect", "freeze"] if freeze else [])
