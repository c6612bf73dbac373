"""flashpoint.nlp.light: the plain-object copy answers like the spaCy objects it copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flashpoint import nlp as fp_nlp
from flashpoint.nlp.light import LazyLight, LightDoc, light_span

ODD = (
    "Iran's foreign minister, who met his Omani counterpart, said:  \u201cWe will not negotiate "
    "under threats.\u201d Talks, however, resumed.\n\n  The U.S. and Britain condemned, and Russia "
    "and China welcomed, the vote.   Protesters marched in Paris -- and in Berlin."
)


def _texts(shared: Path) -> list[str]:
    rows = (shared / "data" / "voa" / "voa_stories.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(r)["text"] for r in rows[:6]] + [ODD, "", "   ", "Hello"]


def _same_token(light, tok) -> None:
    assert (light.i, light.idx, light.text, len(light), light.orth_) == (
        tok.i,
        tok.idx,
        tok.text,
        len(tok),
        tok.orth_,
    )
    assert (light.lower_, light.lemma_, light.pos_, light.tag_, light.dep_, light.ent_type_) == (
        tok.lower_,
        tok.lemma_,
        tok.pos_,
        tok.tag_,
        tok.dep_,
        tok.ent_type_,
    )
    assert (light.is_punct, light.whitespace_, light.text_with_ws) == (
        tok.is_punct,
        tok.whitespace_,
        tok.text_with_ws,
    )
    assert light.head.i == tok.head.i
    assert [c.i for c in light.children] == [c.i for c in tok.children]
    assert [c.i for c in light.lefts] == [c.i for c in tok.lefts]
    assert [c.i for c in light.rights] == [c.i for c in tok.rights]
    assert [c.i for c in light.subtree] == [c.i for c in tok.subtree]
    assert [c.i for c in light.conjuncts] == [c.i for c in tok.conjuncts]
    assert [c.i for c in light.ancestors] == [c.i for c in tok.ancestors]
    assert (light.left_edge.i, light.right_edge.i) == (tok.left_edge.i, tok.right_edge.i)
    assert (light.sent.start, light.sent.end, light.sent.text) == (
        tok.sent.start,
        tok.sent.end,
        tok.sent.text,
    )


@pytest.mark.parametrize("ner", [False, True])
def test_light_doc_matches_spacy_token_for_token(nlp, shared: Path, ner: bool) -> None:
    model = nlp if ner else fp_nlp.load(disable=("ner",))
    for doc in model.pipe(_texts(shared)):
        light = LightDoc(doc)
        assert light.text == doc.text
        assert len(light) == len(doc)
        assert light.has_annotation("ENT_IOB") == doc.has_annotation("ENT_IOB")
        assert light.has_annotation("DEP") == doc.has_annotation("DEP")
        assert [(s.start, s.end) for s in light.sents] == [(s.start, s.end) for s in doc.sents]
        for ltok, tok in zip(light, doc, strict=True):
            _same_token(ltok, tok)
        for tok in doc[:40]:  # ancestry, neighbours and comparisons
            ltok = light[tok.i]
            for other in doc[:40]:
                lother = light[other.i]
                assert ltok.is_ancestor(lother) == tok.is_ancestor(other)
                assert (ltok < lother, ltok <= lother, ltok > lother) == (
                    tok < other,
                    tok <= other,
                    tok > other,
                )
        if len(doc) > 3:
            assert light[1].nbor().i == doc[1].nbor().i
            assert light[1:3].text == doc[1:3].text
            assert light[-1].i == doc[-1].i


def test_spans_and_slices_have_spacy_text(nlp) -> None:
    doc = nlp(ODD)
    light = LightDoc(doc)
    for start, end in [(0, 3), (2, 9), (5, 5), (len(doc) - 4, len(doc)), (3, 2)]:
        assert light[start:end].text == doc[start:end].text
    span = doc[4:12]
    lspan = light_span(span)
    assert (lspan.start, lspan.end, lspan.text, len(lspan)) == (span.start, span.end, span.text, len(span))
    assert [t.i for t in lspan] == [t.i for t in span]
    assert lspan[0].i == span[0].i and lspan[-1].i == span[-1].i
    assert lspan[1:3].text == span[1:3].text
    with pytest.raises(IndexError):
        lspan[len(span)]


def test_parsed_sentences_share_one_light_doc_and_release_frees_it(nlp) -> None:
    text = "Iran condemned the strike. Israel said it would respond. Talks were cancelled."
    parsed = fp_nlp.segment_and_parse(text, nlp)
    assert len(parsed) == 3
    docs = {id(p.light.doc) for p in parsed}
    assert len(docs) == 1  # built once for the paragraph
    first = parsed[0].light.doc
    assert [t.text for t in parsed[1].light] == [t.text for t in parsed[1].span]
    parsed[0].lazy.release()
    assert first.tokens == []  # cycles broken: the copy is unusable, not the parse
    again = parsed[0].light
    assert again.doc is not first and [t.text for t in again] == [t.text for t in parsed[0].span]


def test_lazy_light_builds_only_when_asked(nlp) -> None:
    doc = nlp("The UN warned both sides.")
    lazy = LazyLight(doc)
    assert lazy._light is None
    assert lazy.get() is lazy.get()
