"""A confidence in [0, 1] for each event, built from evidence that predicts correctness.

It starts from the lexicon row's reliability (how often that pattern really means that
event) and is lowered for each weaker link: an actor found through a pronoun or the
discourse rather than named, a nominal trigger ("the strikes on") rather than a verb, a
trigger in a subordinate clause rather than the main one, a trigger in background material
(a relative clause, an "after/because/as" clause, "following the killing of"), a long distance
between trigger and actors, a hypothetical or conditional modality, an actor span the NER does not see as
an entity.  A direct subject-verb-object clause with both actors named gets a small bonus.
The factors are deliberately multiplicative so that stacked doubts compound.
"""

from __future__ import annotations

from dataclasses import dataclass

VIA_FACTOR = {
    "named": 1.0,
    "owner": 0.85,
    "speaker": 0.9,
    "pronoun": 0.8,
    "definite": 0.75,
    "context": 0.7,
    "none": 0.65,
    "untargeted": 0.5,
    "loose": 0.7,
    "implied": 0.6,
    "location": 0.5,
}
MODALITY_FACTOR = {
    "asserted": 1.0,
    "intended": 0.95,
    "threatened": 0.95,
    "reported": 0.9,
    "hypothetical": 0.6,
    "conditional": 0.6,
    "negated": 0.3,
}
BACKGROUND_FACTOR = 0.6
"""Background events (what happened before, or why) are real but are rarely what the sentence
reports: a sentence's main-clause event should outrank them."""


@dataclass(frozen=True)
class Evidence:
    """What the coder knows about how an event was found."""

    weight: float
    source_via: str = "named"
    target_via: str = "named"
    nominal: bool = False
    depth: int = 0
    distance: int = 0
    modality: str = "asserted"
    ner_agrees: bool = True
    composed: bool = False
    background: bool = False


def score(ev: Evidence) -> float:
    """The event confidence, rounded to 3 places and clamped to [0.01, 0.99]."""
    c = ev.weight
    c *= VIA_FACTOR.get(ev.source_via, 0.7)
    c *= VIA_FACTOR.get(ev.target_via, 0.7)
    if ev.nominal:
        c *= 0.85
    c *= 0.92 ** min(ev.depth, 4)
    if ev.distance > 8:
        c *= max(0.6, 1.0 - 0.02 * (ev.distance - 8))
    c *= MODALITY_FACTOR.get(ev.modality, 0.8)
    if not ev.ner_agrees:
        c *= 0.85
    if ev.composed:
        c *= 1.05
    if ev.background:
        c *= BACKGROUND_FACTOR
    if ev.source_via == "named" and ev.target_via == "named" and not ev.nominal and ev.depth == 0:
        c *= 1.1
    return round(min(0.99, max(0.01, c)), 3)
