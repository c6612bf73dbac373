"""Modality from the parse: negation, future, hypothetical, conditional."""

from __future__ import annotations

import pytest

from flashpoint.coding.modality import modality_of

CASES = [
    ("Russia did not attack the convoy.", "attack", "negated"),
    ("Russia attacked the convoy.", "attacked", "asserted"),
    ("Russia will attack the convoy.", "attack", "intended"),
    ("Russia could attack the convoy.", "attack", "hypothetical"),
    ("Russia might attack the convoy.", "attack", "hypothetical"),
    ("If Russia attacks the convoy, Ukraine will respond.", "respond", "conditional"),
    ("South Korea will continue to collaborate with the US.", "collaborate", "intended"),
    ("Iran has never attacked its neighbours.", "attacked", "negated"),
]


@pytest.mark.parametrize(("text", "word", "label"), CASES)
def test_modality(nlp, text, word, label):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == word)
    assert modality_of(tok).label == label


def test_no_subject_negates(nlp):
    doc = nlp("No country has recognized the new government.")
    tok = next(t for t in doc if t.text == "recognized")
    assert modality_of(tok).negated
