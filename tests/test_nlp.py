"""flashpoint.nlp: segmentation offsets, the parser-free first pass, and the lemmatizer speed-up."""

from __future__ import annotations

import sys

from flashpoint import nlp as fp_nlp

TEXT = (
    "North Korea fires missiles\n\n"
    "North Korea fired two missiles on Monday, the U.S. military said. "
    "Mr. Kim did not comment.\n"
    "The weather in Seoul was mild. Officials in Tokyo condemned the launch."
)

LEMMA_TEXT = (
    "The soldiers were shelling the cities while rebels fought better-armed forces. "
    "Negotiators have been meeting; ministers criticized the talks and threatened sanctions. "
    "She was wounded, they're fleeing, and the children's homes were destroyed."
)


def test_lemmatizer_index_is_a_set_and_lemmas_are_unchanged(nlp, stock_nlp) -> None:
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert all(isinstance(words, frozenset) for _key, words in table.items())
    stock = stock_nlp  # the model as spaCy ships it (list indexes)
    stock_table = stock.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert any(isinstance(words, list) for _key, words in stock_table.items())
    ours = [(t.text, t.lemma_) for t in nlp(LEMMA_TEXT)]
    theirs = [(t.text, t.lemma_) for t in stock(LEMMA_TEXT)]
    assert ours == theirs
    assert ("shelling", "shell") in ours and ("fought", "fight") in ours and ("cities", "city") in ours


def test_lemmatizer_cache_gives_the_stock_lemmas(nlp, stock_nlp, seed_text: str) -> None:
    from flashpoint.nlp import lemmas

    lemmatizer = nlp.get_pipe("lemmatizer")
    assert type(lemmatizer).__call__ is lemmas._cached_call
    assert lemmas.install(nlp) is True  # once is enough
    texts = [LEMMA_TEXT, seed_text, seed_text.upper(), "Running runs ran; the runner's best-run runs."]
    for ours, theirs in zip(nlp.pipe(texts), stock_nlp.pipe(texts), strict=True):
        assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
    assert lemmatizer._flashpoint_lemmas  # the cache filled
    assert [t.lemma_ for t in nlp("")] == []


def test_paragraphs_split_headlines_and_lines() -> None:
    spans = fp_nlp.paragraphs(TEXT)
    assert [TEXT[s:e] for s, e in spans][0] == "North Korea fires missiles"
    assert len(spans) == 3
    assert all(TEXT[s:e] == TEXT[s:e].strip() for s, e in spans)


def test_rule_sentences_have_stable_offsets_and_keep_abbreviations() -> None:
    sents = fp_nlp.rule_sentences(TEXT)
    assert [s.index for s in sents] == list(range(len(sents)))
    for s in sents:
        assert TEXT[s.start : s.end] == s.text
    texts = [s.text for s in sents]
    assert "North Korea fired two missiles on Monday, the U.S. military said." in texts
    assert "Mr. Kim did not comment." in texts
    assert [s.paragraph for s in sents] == [0, 1, 1, 2, 2]


def test_rule_sentences_give_an_opening_quote_to_the_sentence_it_opens() -> None:
    # spaCy's sentencizer ends a sentence after the punctuation following its period, so the
    # mark opening the next quote would end the previous sentence ('... platform. "')
    text = (
        'He wrote on his platform. "Today we act," he said. Then (he left. '
        "‘Good,’ she said. It ended. ' \n\nNext paragraph."
    )
    sents = fp_nlp.rule_sentences(text)
    assert [s.text for s in sents] == [
        "He wrote on his platform.",
        '"Today we act," he said.',
        "Then (he left.",
        "‘Good,’ she said.",
        "It ended. '",  # the paragraph's last sentence keeps a stray mark: nothing follows it
        "Next paragraph.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_rule_sentences_cut_an_overlong_sentence() -> None:
    text = "word " * 2000 + "end."
    sents = fp_nlp.rule_sentences(text)
    assert len(sents) > 1
    assert all(len(s.text) <= fp_nlp.MAX_SENTENCE_CHARS for s in sents)
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_first_pass_parses_only_kept_sentences_and_says_which_were_skipped(nlp) -> None:
    def keep(text: str) -> bool:
        return "missiles" in text or "condemned" in text

    result = fp_nlp.segment_and_parse_filtered([TEXT, "", "Nothing happened here."], keep, nlp)
    assert (result.seen, result.kept) == (6, 3)
    assert [len(p) for p in result.parsed] == [3, 0, 0]
    assert result.skipped(0) == [2, 3]
    assert result.skipped(1) == []
    assert result.skipped(2) == [0]
    full = fp_nlp.rule_sentences(TEXT)
    for parsed in result.parsed[0]:
        assert parsed.sentence == full[parsed.sentence.index]  # indexes count skipped sentences
        for token in parsed.span:
            offset = parsed.offset(token)
            assert TEXT[offset : offset + len(token.text)] == token.text
        assert parsed.span[0].dep_  # really parsed


def test_segment_and_parse_many_maps_tokens_to_the_clean_text(nlp) -> None:
    texts = [TEXT, "Iran and Iraq signed a deal. Talks continue."]
    parsed = fp_nlp.segment_and_parse_many(texts, nlp)
    assert len(parsed) == 2 and len(parsed[1]) == 2
    for text, sents in zip(texts, parsed, strict=True):
        assert [p.sentence.index for p in sents] == list(range(len(sents)))
        for p in sents:
            assert text[p.sentence.start : p.sentence.end] == p.sentence.text
            for token in p.span:
                offset = p.offset(token)
                assert text[offset : offset + len(token.text)] == token.text


def test_load_caches_one_model_per_component_set(nlp) -> None:
    assert fp_nlp.load() is nlp
    assert "ner" in nlp.pipe_names


def test_spacy_profiling_hooks_follow_the_python_version() -> None:
    """spaCy 3.8's wheels for Python < 3.12 carry Cython's profiling hooks (its parser is 2.4-3x
    slower there: docs/PERFORMANCE.md); the probe sees them by behaviour and leaves no profiler."""
    assert fp_nlp.spacy_profiling_hooks() is (sys.version_info < (3, 12))
    assert sys.getprofile() is None
