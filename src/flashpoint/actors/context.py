"""Within-document reference: "the country", "the North", "the ministry", pronouns.

A `ReferenceContext` is document state owned by the caller (one per article, never a module
global).  `ActorDictionary.find_mentions(..., context=ctx, offset=sentence.start)` records
every mention at its clean-text position and resolves, from what was named before:

- "the country" / "the nation" -> the last named country (or a person's country);
- "the North" / "the South" -> North/South Korea, only once a Korea has been named;
- "the ministry" -> the last named ministry (same code: "South Korea's defense ministry ...
  the ministry" -> KORMIL);
- "the government", "the regime", "the military", "the army", "the police"... (a definite
  institution with no country of its own) -> that sector of the last named country.

Pronouns are left to the coder, which knows the parse: it calls `resolve_pronoun`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flashpoint.actors.entries import Entry
from flashpoint.actors.tables import country_names
from flashpoint.actors.text import Token
from flashpoint.models import Mention, state_of

if TYPE_CHECKING:
    from flashpoint.actors.dictionary import _Hit

logger = logging.getLogger(__name__)

_ATTACH = frozenset(
    [
        "government",
        "administration",
        "regime",
        "military",
        "army",
        "navy",
        "police",
        "ministry",
        "ministries",
        "parliament",
        "cabinet",
        "junta",
        "presidency",
        "leadership",
        "authorities",
        "judiciary",
        "legislature",
    ]
)
"""Head nouns of definite institutions that take the country of the document ("the regime").
Persons ("the president") are left out: in a story about two countries the last one named
is too often the wrong one; the coder resolves them like pronouns."""
_IT = frozenset({"it", "its", "itself"})
_THEY = frozenset({"they", "them", "their", "theirs", "themselves"})
_PERSON = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
_KOREA = {"north": "PRK", "south": "KOR"}
_COUNTRY_NOUNS = frozenset({"country", "nation"})


@dataclass(frozen=True)
class _Record:
    mention: Mention  # offsets are document (clean-text) offsets
    plural: bool


class ReferenceContext:
    """Mentions of one document in reading order, for resolving later references."""

    def __init__(self) -> None:
        self._records: list[_Record] = []

    def record(self, mention: Mention, offset: int = 0, plural: bool = False) -> None:
        """Remember a mention found in a text that starts at clean-text ``offset``."""
        if offset:
            if type(mention) is Mention:  # direct construction: a third of replace()'s cost
                m = mention
                mention = Mention(m.start + offset, m.end + offset, m.text, m.actor, m.why)
            else:
                mention = replace(mention, start=mention.start + offset, end=mention.end + offset)
        self._records.append(_Record(mention, plural))

    def record_all(
        self, mentions: list[Mention], offset: int, plurals: dict[tuple[int, int], bool] | None = None
    ) -> None:
        for m in mentions:
            self.record(m, offset, (plurals or {}).get((m.start, m.end), False))

    @property
    def mentions(self) -> list[Mention]:
        """Recorded mentions, with document offsets, in the order they were read."""
        return [r.mention for r in self._records]

    def _before(self, before: int | None) -> list[_Record]:
        recs = self._records if before is None else [r for r in self._records if r.mention.start < before]
        return sorted(recs, key=lambda r: r.mention.start)

    def last_country(self, before: int | None = None) -> Mention | None:
        """The most recent mention naming a country (a country, its sector or a person)."""
        for r in reversed(self._before(before)):
            a = r.mention.actor
            if state_of(a.country) and a.kind in ("country", "person"):
                return r.mention
        return None

    def resolve_pronoun(self, pronoun: str, before: int) -> Mention | None:
        """The most recent compatible actor mention before clean-text offset ``before``.

        "it"/"its" prefer countries, organisations and singular sectors; "they"/"their"
        prefer plural sectors and groups; "he"/"she" prefer people and singular titles.
        Falls back to the most recent actor of any kind.
        """
        p = pronoun.strip().casefold().replace("’", "'")
        recs = self._before(before)
        if not recs:
            return None

        def tiers(r: _Record) -> int:
            """0 = best fit for the pronoun, higher = weaker, 9 = incompatible."""
            a = r.mention.actor
            if p in _IT:
                if r.plural:
                    return 9
                return 0 if a.kind in ("country", "igo", "group", "region") and a.agent is None else 1
            if p in _THEY:
                return 0 if r.plural else (1 if a.kind in ("group", "igo") else 2)
            if p in _PERSON:
                if a.kind == "person":
                    return 0
                return 1 if not r.plural and a.agent is not None else 9
            return 0

        best: tuple[int, _Record] | None = None
        for r in reversed(recs):
            t = tiers(r)
            if t < 9 and (best is None or t < best[0]):
                best = (t, r)
                if t == 0:
                    break
        if best is not None:
            return best[1].mention
        return recs[-1].mention


def _candidates(ctx: ReferenceContext, text: str, tokens: list[Token], hits: list[_Hit], offset: int):
    """(doc_start, Mention-like tuple) of earlier context records plus this text's hits."""
    out: list[tuple[int, str, str | None, str | None, str | None, str, str]] = []
    for r in ctx._records:
        a = r.mention.actor
        out.append((r.mention.start, a.code, a.country, a.agent, a.kind, a.name, r.mention.text))
    for h in hits:
        if h.dead or h.code is None:
            continue
        start = offset + tokens[h.first].start
        out.append(
            (
                start,
                h.code,
                h.country,
                h.agent,
                h.kind,
                h.name,
                text[tokens[h.first].start : tokens[h.last - 1].end],
            )
        )
    out.sort(key=lambda c: c[0])
    return out


def apply_context(
    ctx: ReferenceContext, text: str, tokens: list[Token], hits: list[_Hit], offset: int
) -> list[_Hit]:
    """Resolve definite references in ``text`` against what the document named before."""
    from flashpoint.actors.dictionary import _hit

    covered = [False] * len(tokens)
    for h in hits:
        if not h.dead:
            for k in range(h.first, h.last):
                covered[k] = True
    # built on first use: most sentences hold no definite reference, and the list grows with
    # the document (every earlier record, sorted), so building it each time was quadratic
    memo: list[list[tuple[int, str, str | None, str | None, str | None, str, str]]] = []

    def last(pred, pos: int):
        if not memo:
            memo.append(_candidates(ctx, text, tokens, hits, offset))
        for c in reversed(memo[0]):
            if c[0] < pos and pred(c):
                return c
        return None

    # "the government" / "the ministry": definite institutions without a country
    for h in hits:
        if h.dead or not h.is_agent or h.country or tokens[h.j - 1].norm not in _ATTACH:
            continue
        if h.first == 0 or tokens[h.first - 1].norm != "the" or h.first != h.i:
            continue
        pos = offset + tokens[h.i].start
        if any(t.norm in ("ministry", "ministries") for t in tokens[h.i : h.j]):
            prior = last(lambda c: "ministr" in c[6].lower() and c[2] is not None, pos)
            if prior is not None:
                h.code, h.country, h.agent, h.kind, h.name = prior[1], prior[2], prior[3], prior[4], prior[5]
                h.why = f"'the {_text(text, tokens, h)}' = the ministry named before: '{prior[6]}'"
                h.first = h.i - 1
                continue
        prior = last(lambda c: state_of(c[2]) is not None and c[4] in ("country", "person"), pos)
        if prior is not None:
            h.code, h.country, h.kind = f"{prior[2]}{h.agent}", prior[2], "country"
            h.name = f"{prior[2]} {h.agent}"
            h.why = f"'the {_text(text, tokens, h)}' of the country named before ('{prior[6]}' -> {prior[2]})"
            h.first = h.i - 1

    # "the country", "the North"/"the South"
    new: list[_Hit] = []
    for k in range(len(tokens) - 1):
        if covered[k] or covered[k + 1] or tokens[k].norm != "the":
            continue
        noun = tokens[k + 1]
        pos = offset + tokens[k].start
        code = None
        why = ""
        if noun.norm in _COUNTRY_NOUNS:
            prior = last(lambda c: state_of(c[2]) is not None and c[4] in ("country", "person"), pos)
            if prior is not None:
                code = prior[2]
                why = f"'the {noun.raw}' = the country named before ('{prior[6]}')"
        elif noun.norm in _KOREA and noun.cap:
            prior = last(lambda c: c[2] in ("PRK", "KOR"), pos)
            if prior is not None:
                code = _KOREA[noun.norm]
                why = f"'the {noun.raw}' = {code}: Korea named before ('{prior[6]}')"
        if code is None:
            continue
        entry = Entry(
            phrase=f"the {noun.raw}",
            key=("the", noun.norm),
            code=code,
            name=country_names().get(code, code),
            country=code,
            kind="country",
            role="reference",
        )
        h = _hit(entry, why)
        h.i, h.j, h.first, h.last = k, k + 2, k, k + 2
        new.append(h)
    if new:
        hits = sorted([*hits, *new], key=lambda h: h.first)
    return hits


def _text(text: str, tokens: list[Token], h: _Hit) -> str:
    return text[tokens[h.i].start : tokens[h.j - 1].end]
