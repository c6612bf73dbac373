"""flashpoint.nlp.ruler: the indexed attribute-ruler matcher gives spaCy's annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flashpoint import nlp as fp_nlp
from flashpoint.evaluate import load_plover_gsr
from flashpoint.nlp import ruler

CRAFTED = [
    "I ain't gonna do it, y'all.  Let's go! C'mon, we gotta see it. Nothin' was there.",
    "There is a cat and there's a dog. But it is. I said you saw it. Him, I told.",
    "Do you have it? She does, and they did have it. He hasn't. It's not done.",
    "  \n Whitespace   tokens \t inside.\n\nThat which was said, whether or not it is true.",
    "",
]


def _annotations(doc) -> list[tuple]:
    return [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


def test_installed_on_the_loaded_model(nlp) -> None:
    assert isinstance(nlp.get_pipe("attribute_ruler").match, ruler.IndexedRulerMatch)


def test_same_annotations_as_spacys_matcher(nlp, stock_nlp, shared: Path) -> None:
    assert not isinstance(stock_nlp.get_pipe("attribute_ruler").match, ruler.IndexedRulerMatch)
    rows = (shared / "data" / "voa" / "voa_stories.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(r)["text"] for r in rows[:15]] + CRAFTED
    gold = load_plover_gsr(shared / "data" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt")
    texts += [record.text for record in gold[:200]]
    tokens = 0
    for ours, theirs in zip(nlp.pipe(texts), stock_nlp.pipe(texts), strict=True):
        assert _annotations(ours) == _annotations(theirs), ours.text[:80]
        tokens += len(ours)
    assert tokens > 5000


def test_same_matches_as_spacys_matcher(nlp, stock_nlp) -> None:
    """Before the ruler writes anything: the very match list, order included."""
    stock_ruler = stock_nlp.get_pipe("attribute_ruler")
    ours = ruler.IndexedRulerMatch(stock_ruler)
    names = [n for n in stock_nlp.pipe_names if n not in ("attribute_ruler", "lemmatizer", "ner")]
    for text in CRAFTED:
        doc = stock_nlp.make_doc(text)
        for name in names:
            doc = stock_nlp.get_pipe(name)(doc)
        assert ours(doc) == sorted(set(stock_ruler.match(doc)))


def test_unsupported_patterns_keep_spacys_matcher(stock_nlp) -> None:
    spacy = pytest.importorskip("spacy")
    blank = spacy.blank("en")
    attribute_ruler = blank.add_pipe("attribute_ruler")
    attribute_ruler.add([[{"LOWER": "the"}, {"IS_ALPHA": True, "OP": "+"}]], {"LEMMA": "x"})
    stock_match = attribute_ruler.match
    assert ruler.install(blank) is False
    assert attribute_ruler.match == stock_match
    with pytest.raises(ruler.UnsupportedPattern):
        ruler.IndexedRulerMatch(attribute_ruler)


def test_a_pipeline_without_the_ruler_is_left_alone() -> None:
    spacy = pytest.importorskip("spacy")
    assert ruler.install(spacy.blank("en")) is False


def test_load_installs_it_once_per_model() -> None:
    model = fp_nlp.load(disable=("ner",))
    assert isinstance(model.get_pipe("attribute_ruler").match, ruler.IndexedRulerMatch)
