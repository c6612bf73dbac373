"""Frequent unresolved noun phrases that look like actors (for ``--unknown-actors``).

Dictionary growth is driven by what real news names and the tables miss: spaCy's named
entities (PERSON, ORG, NORP, GPE) and proper-noun chunks that no actor mention covers.
spaCy objects are used duck-typed; this module does not import spaCy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flashpoint.models import Mention

ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
NOT_ACTOR_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_LEAD_RE = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
_TAIL_RE = re.compile(r"(?:['’]s?|\s+)$")


def _clean(text: str) -> str:
    text = _LEAD_RE.sub("", " ".join(text.split()))
    return _TAIL_RE.sub("", text).strip()


def unknown_noun_phrases(
    parsed_sentences: Sequence[Any],
    mentions: Iterable[Mention] | Any,
    when: date | None = None,
) -> Counter[str]:
    """Count actor-like spans (NER PERSON/ORG/NORP/GPE, proper-noun chunks) no mention covers.

    ``parsed_sentences`` are ``flashpoint.nlp.ParsedSentence`` (``.span``, ``.base``,
    ``.sentence``).  ``mentions`` is either mentions with clean-text offsets, or an
    ``ActorDictionary`` (anything with ``find_mentions``), which is then run per sentence.
    """
    finder = mentions if hasattr(mentions, "find_mentions") else None
    spans: list[tuple[int, int]] = []
    if finder is None:
        spans = [(m.start, m.end) for m in mentions]
    counts: Counter[str] = Counter()
    for ps in parsed_sentences:
        span = ps.span
        base = ps.base
        local = spans
        if finder is not None:
            sent = ps.sentence
            local = [
                (m.start + sent.start, m.end + sent.start) for m in finder.find_mentions(sent.text, when)
            ]
        seen: set[tuple[int, int]] = set()
        candidates = [(e.start_char, e.end_char, e.text) for e in span.ents if e.label_ in ACTOR_LABELS]
        try:
            chunks = list(span.noun_chunks)
        except (ValueError, AttributeError):  # no parser in the pipeline
            chunks = []
        candidates += [
            (c.start_char, c.end_char, c.text)
            for c in chunks
            if c.root.pos_ == "PROPN" and getattr(c.root, "ent_type_", "") not in NOT_ACTOR_LABELS
        ]
        for s, e, text in candidates:
            start, end = base + s, base + e
            if (start, end) in seen or any(ms < end and start < me for ms, me in local):
                continue
            seen.add((start, end))
            key = _clean(text)
            if len(key) > 1 and any(c.isalpha() for c in key):
                counts[key] += 1
    return counts
