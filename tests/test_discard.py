"""The discard search shortcut (``discard._any_match``) must say what the full search says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flashpoint.coding import discard

TEXTS = [
    "The foreign ministers met in Geneva on Tuesday to discuss the ceasefire.",
    "Brazil beat Argentina 2-1 in a friendly match on Sunday.",
    "THE STRIKER SCORED TWO LATE GOALS.",
    "Share prices were flat; shares rose later in thin trading.",
    "She won the vote by 12 seats, and lost the runoff.",
    "Forecasters expect heavy rain is expected across the north.",
    "The actress and the rapper attended the premiere.",
    "Temperatures of 40 degrees were recorded.",
    "\u017fhares ro\u017fe on the bour\u017fe.",  # long s: matches 's' case-insensitively
    "\u0130NN\u0130NGS were played.",  # dotted capital I
    "The \u212aing's cup.",  # Kelvin sign
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_any_match_equals_the_combined_search(text: str) -> None:
    assert discard._any_match(text) is (discard._any_rule().search(text) is not None)


def test_requirements_are_found_for_literal_rules() -> None:
    needs = dict(discard._requirements())
    rule = next(r for r in needs if r.pattern.pattern.startswith(r"\bwickets?"))
    assert needs[rule] == (frozenset({" wicket"}),)  # after \b: where a word starts


def test_required_skips_optional_parts_and_keeps_alternatives() -> None:
    parse = re._parser.parse  # type: ignore[attr-defined]
    assert discard._required(parse(r"\b(red|blue)?\s+car\b")) == [frozenset({"car"})]
    assert discard._required(parse(r"\b(red|blue\s+sky)\s*x")) == [
        ([frozenset({" red"})], [frozenset({" blue"}), frozenset({"sky"})]),
        frozenset({"x"}),
    ]
    assert discard._required(parse(r"\b(red|\d+)\b")) == []
    assert discard._required(parse(r"\bS&P-500")) == [frozenset({" s p 500"})]  # as _words maps
    assert discard._required(parse(r"\b's")) == [frozenset({" s"})]  # no word starts at '


def test_a_word_start_need_is_not_met_inside_a_word() -> None:
    parse = re._parser.parse  # type: ignore[attr-defined]
    (need,) = discard._required(parse(r"\b(own\s+goal|touchdown)\b"))
    strings = discard._split_strings(discard._flatten(need))

    def has(text: str) -> set[str]:
        return discard._present(text, strings)

    assert not discard._met(need, has("they scored a down goal"))
    assert discard._met(need, has("(own goal)"))
    assert discard._met(need, has("a touchdown"))
    assert not discard._met(need, has("an own target"))
    long = "a touchdown " * 100  # long enough to be searched word by word
    assert len(long) >= discard._VOCAB_FROM and discard._met(need, has(long))
    assert not discard._met(need, has("a down goal " * 100))


def test_lowering_keeps_what_is_a_word_character() -> None:
    """``_words`` maps the lowered text: exact only if lowering keeps lengths and word-ness
    (Turkish dotted I, which does not, sends the text to the full search)."""
    word = re.compile(r"\w")
    changed = {
        chr(c)
        for c in range(0x110000)
        if not 0xD800 <= c < 0xE000
        and (len(chr(c).lower()) != 1 or bool(word.match(chr(c))) != bool(word.match(chr(c).lower())))
    }
    assert changed <= set(discard._CASE_SPECIAL)


def test_any_match_equals_the_combined_search_on_news(shared: Path) -> None:
    """Every sentence and story of the VOA sample: the shortcut says what the search says."""
    path = shared / "data" / "voa" / "voa_stories.jsonl"
    stories = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts = stories + [s for story in stories for s in re.split(r"(?<=[.!?])\s+|\n+", story)]
    combined = discard._any_rule()
    assert [discard._any_match(t) for t in texts] == [combined.search(t) is not None for t in texts]
    assert any(discard._any_match(t) for t in texts), "the sample must hold some off-topic words"

    def first_rule(text: str) -> str | None:  # sentence_domain without the shortcut
        return next((r.domain for r in discard.rules() if r.pattern.search(text)), None)

    def document_hits(text: str) -> list[str]:
        return [r.domain for r in discard.rules() if r.scope == "document" and r.pattern.search(text)]

    crafted = TEXTS + [
        "Brazil beat Argentina 2-1 at the stadium; the striker scored two goals and a penalty kick."
    ]
    assert [discard.sentence_domain(t) for t in texts + crafted] == [first_rule(t) for t in texts + crafted]
    assert [[r.domain for r in discard._matching(t, "document")] for t in stories + crafted] == [
        document_hits(t) for t in stories + crafted
    ]


def test_case_special_lists_every_non_ascii_match_of_ascii() -> None:
    ascii_any = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    found = {chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000 and ascii_any.match(chr(c))}
    assert found == set(discard._CASE_SPECIAL)


def test_document_screen_equals_the_plain_decisions_on_news(shared: Path) -> None:
    """The screen searches a sentence only for the rules its document matched: on every VOA
    story (and on stories with off-topic sentences spliced in) it must decide as the
    per-sentence search does."""
    path = shared / "data" / "voa" / "voa_stories.jsonl"
    stories = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    spliced = [
        s.replace(". ", ". Shares rose 3% and the striker scored two goals. ", 1) for s in stories[:20]
    ]
    matched = 0
    for doc in stories + spliced:
        screen = discard.DocumentScreen(doc)
        assert screen.document_domain() == discard.document_domain(doc)
        for sent in re.finditer(r"[^.\n]+\.?", doc):
            text = sent.group().strip()
            if not text:
                continue
            start = doc.index(text, sent.start())
            found = screen.sentence_domain(text, start)
            assert found == discard.sentence_domain(text), text
            matched += found is not None
    assert matched >= 20
