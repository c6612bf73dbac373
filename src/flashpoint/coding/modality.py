"""Modality of a trigger from its parse: negation, futurity, hypotheticals and conditions.

The coder must never turn "did not attack" into an attack, must turn "will cooperate" into
an intention (CAMEO 03x) and "said it would strike" into a threat (13x), and must mark
"could strike" or "if they attack" as not (yet) real.  These checks look only at the
trigger's own clause and the chain of verbs that governs it through ``xcomp``/``conj``
(so "will continue to collaborate" is future through "continue"), never across clause
boundaries, so a negated reporting verb does not negate the event it reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "ll"})
WOULD_AUX = frozenset({"would", "'d"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may"})
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor"})
CONDITION_MARKS = frozenset({"if", "unless", "whether"})
CHAIN_DEPS = frozenset({"xcomp", "conj"})


@dataclass(frozen=True)
class Modality:
    """What the parse says about a trigger's reality.

    ``future`` covers will/shall/going to; ``would`` is kept apart because under a reporting
    verb it is a reported future ("said it would strike") and elsewhere a hypothetical.
    """

    negated: bool = False
    future: bool = False
    would: bool = False
    hypothetical: bool = False
    conditional: bool = False

    @property
    def label(self) -> str:
        """The Event.modality value for an event with no frame of its own."""
        if self.negated:
            return "negated"
        if self.conditional:
            return "conditional"
        if self.hypothetical or (self.would and not self.future):
            return "hypothetical"
        if self.future:
            return "intended"
        return "asserted"


def _aux_words(token: Any) -> list[str]:
    return [c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")]


def _negated_here(token: Any) -> bool:
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("advmod", "det") and child.lower_ in ("never", "no")):
            return True
    return False


def _no_subject(token: Any) -> bool:
    """ "No country has recognized X": a subject quantified by "no" negates the clause."""
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in ("nobody", "none", "noone", "nothing"):
                return True
            if any(d.dep_ == "det" and d.lower_ in ("no", "neither") for d in child.children):
                return True
    return False


def _chain(token: Any, inside: set[int]) -> list[Any]:
    """The trigger plus the verbs governing it via xcomp/conj, within the sentence."""
    out = [token]
    cur = token
    while cur.dep_ in CHAIN_DEPS and cur.head.i != cur.i and cur.head.i in inside:
        cur = cur.head
        out.append(cur)
    return out


def modality_of(token: Any, inside: set[int] | None = None) -> Modality:
    """Read negation, futurity and conditions off the trigger's clause chain.

    ``inside`` is the set of token indices of the sentence (heads outside are ignored).
    A conj link passes futurity ("will meet and sign") but not negation of the head
    verb (in "did not attack but shelled", only the first verb is negated).
    """
    inside = inside if inside is not None else {t.i for t in token.sent}
    chain = _chain(token, inside)
    negated = _negated_here(token) or _no_subject(token)
    future = would = hypothetical = conditional = False
    prev = token
    for verb in chain:
        if verb is not token and prev.dep_ == "xcomp" and _negated_here(verb):
            negated = True
        aux = _aux_words(verb)
        if any(a in FUTURE_AUX for a in aux):
            future = True
        if any(a in WOULD_AUX for a in aux):
            would = True
        if any(a in HYPOTHETICAL_AUX for a in aux):
            hypothetical = True
        if verb.lemma_ == "go" and any(c.dep_ == "xcomp" for c in verb.children) and verb.tag_ == "VBG":
            future = True
        for child in verb.children:
            if (
                child.dep_ == "advcl"
                and child.i in inside
                and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in child.children)
            ):
                conditional = True
        if verb.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in verb.children
        ):
            conditional = True
        prev = verb
    return Modality(negated, future, would, hypothetical, conditional)


def is_negated(token: Any) -> bool:
    """Whether the token itself (a verb or a noun with "no") is negated."""
    return _negated_here(token)
