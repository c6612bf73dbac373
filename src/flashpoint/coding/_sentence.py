"""Per-sentence state of the rules coder and the token helpers every rule builds on.

Owns the records the coding passes share (``Party``, the article's discourse memory
``_ArticleState``, ``_Frame``), small party helpers, and ``_SentenceBase``: one parsed
sentence with its tokens, actor mentions by token, lexicon entries by token and the
helpers for offsets, quotes, argument subtrees, noun phrases, an event noun's light verb and
an infinitive hung as an adverbial clause.  The rule modules (``_places``, ``_arguments``,
``_triggers``, ``_events``) extend it in that order, each adding one concern, so that no single
module holds all of the coder; a module calls only methods of its own class and those below.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from flashpoint.coding._vocab import (
    CARRIER_NOUNS,
    CLAUSE_DEPS,
    DATELINE_RE,
    FIRST_PERSON,
    GATHERING_VERBS,
    LIGHT_IN,
    MEASURE_NOUNS,
    THIRD_PERSON,
)
from flashpoint.coding.lexicon import Entry, Lexicon
from flashpoint.coding.quotes import QuoteSpan, quote_at
from flashpoint.models import ActorRef, Article, Mention


@dataclass(frozen=True)
class Party:
    """A resolved event participant: the record to write, its evidence span and how found."""

    ref: ActorRef
    span: tuple[int, int] | None
    via: str = "named"
    unplaced: ActorRef | None = None
    """The bare sector before ``_localize`` gave it a country (to undo a self-dyad)."""

    @property
    def code(self) -> str | None:
        return self.ref.code


@dataclass
class _ArticleState:
    """Discourse memory across the sentences of one article."""

    quotes: list[QuoteSpan]
    speakers: dict[int, list[Party]] = field(default_factory=dict)
    speaker_text: dict[int, str] = field(default_factory=dict)
    recent_plural: list[Party] = field(default_factory=list)
    recent_plural_sentence: int = -10
    last_country: Party | None = None
    last_subject_country: Party | None = None
    last_singular: Party | None = None
    last_person: Party | None = None
    seen: set[tuple[Any, ...]] = field(default_factory=set)
    dominant: tuple[str | None] | None = None
    """The document's dominant state, once computed (see ``_Sentence._dominant_state``)."""

    def forget(self) -> None:
        """Reset the running actor memory (kept: quote speakers, dedup keys)."""
        self.recent_plural = []
        self.recent_plural_sentence = -10
        self.last_country = self.last_singular = self.last_person = self.last_subject_country = None


@dataclass(frozen=True)
class _Frame:
    kind: str
    token: Any


def _is_pronoun(tok: Any) -> bool:
    """A personal pronoun by its tag ("US" the country is not "us")."""
    return tok.tag_ in ("PRP", "PRP$") and (tok.lower_ in FIRST_PERSON or tok.lower_ in THIRD_PERSON)


def _is_pronoun_text(text: str) -> bool:
    low = text.lower()
    return low in FIRST_PERSON or low in THIRD_PERSON


def _unplace(party: Party) -> Party:
    return replace(party, ref=party.unplaced, unplaced=None) if party.unplaced is not None else party


def _bare(ref: ActorRef) -> bool:
    """A sector without a country ("rebels", "police"): its code is its agent code."""
    return ref.country is None and bool(ref.code) and ref.code == ref.agent


def _place_party_in(party: Party, cc: str | None) -> Party:
    """A bare sector given the country ``cc`` from the context: the weaker "context" link (its
    confidence is lowered), undone like any localisation if it makes a self-dyad."""
    ref = party.ref
    return replace(
        party, ref=replace(ref, code=f"{cc}{ref.code or ''}", country=cc), unplaced=ref, via="context"
    )


class _Coder(Protocol):
    """What a sentence asks of its coder (``RulesCoder``): named here so that this module need
    not import ``coder.py``, which imports the sentence rules."""

    lexicon: Lexicon
    _speech: frozenset[str]

    @property
    def actors(self) -> Any: ...

    @property
    def places(self) -> Any: ...

    def frames_of(self, pos: str, lemma: str, surface: str) -> frozenset[str]: ...

    def may_trigger(self, lemma: str, surface: str) -> bool: ...


class _SentenceBase:
    """One parsed sentence: its tokens, mentions, lexicon entries and token helpers."""

    def __init__(
        self,
        coder: _Coder,
        article: Article,
        ps: Any,
        mentions: list[Mention],
        state: _ArticleState,
        context: Any,
    ) -> None:
        self.coder = coder
        self.lex = coder.lexicon
        self.article = article
        self.ps = ps
        self.base = ps.base
        self.span = ps.light  # plain-object tokens: the rules read them many times over
        self.tokens = list(self.span)
        dateline = DATELINE_RE.match(ps.sentence.text)
        if dateline:  # the dateline's tokens are no part of the sentence's clauses
            cut = ps.sentence.start + dateline.end()
            self.tokens = [t for t in self.tokens if ps.base + t.idx >= cut]
            self.inside = {t.i for t in self.tokens}
        else:
            self.inside = set(range(self.span.start, self.span.end))
        self.mentions = mentions
        self.state = state
        self.context = context
        self._tok_mention: dict[int, Mention] = {}
        self._by_mention: dict[int, list[Any]] = {}
        self._parties: dict[tuple[int, str], Party] = {}
        if mentions:  # each token to the shortest mention overlapping it
            base = self.base
            tokens = self.tokens
            starts = [base + t.idx for t in tokens]
            ends = [start + len(t.text) for start, t in zip(starts, tokens, strict=True)]
            for m in sorted(mentions, key=lambda m: m.end - m.start):
                k = bisect_right(ends, m.start)  # the first token ending after the mention starts
                while k < len(tokens) and starts[k] < m.end:
                    i = tokens[k].i
                    if ends[k] > m.start and i not in self._tok_mention:
                        self._tok_mention[i] = m
                    k += 1
        self._memory_heads: tuple[list[Any], list[Any]] | None = None
        self._has_ner: bool | None = None
        self.entries: dict[int, Entry] = {}
        self._place_hits: list[tuple[int, int, Any]] | None = None
        self.consumed: set[int] = set()
        self.exclude: set[str | None] = set()
        for t in self.tokens:
            entry = self._match(t)
            if entry is not None:
                self.entries[t.i] = entry

    # ------------------------------------------------------------------ helpers
    def _mention_tokens(self, mention: Mention) -> list[Any]:
        """The sentence's tokens that carry ``mention``, in order (found once per mention)."""
        found = self._by_mention.get(id(mention))
        if found is None:
            found = self._by_mention[id(mention)] = [
                t for t in self.tokens if self._tok_mention.get(t.i) is mention
            ]
        return found

    def _in(self, tok: Any) -> bool:
        return tok.i in self.inside

    def _children(self, tok: Any, *deps: str) -> list[Any]:
        return [c for c in tok.children if c.dep_ in deps and self._in(c)]

    def _off(self, tok: Any) -> tuple[int, int]:
        return (self.base + tok.idx, self.base + tok.idx + len(tok.text))

    def _quote_of(self, tok: Any) -> int | None:
        s, e = self._off(tok)
        return quote_at(self.state.quotes, s, e)

    def _frames(self, tok: Any) -> frozenset[str]:
        pos = tok.pos_
        if pos not in ("NOUN", "VERB", "AUX", "ADJ"):
            return frozenset()
        return self.coder.frames_of(pos, tok.lemma_, tok.lower_)

    def _match(self, tok: Any) -> Entry | None:
        pos = tok.pos_
        if pos not in ("VERB", "NOUN") or not self.coder.may_trigger(tok.lemma_, tok.lower_):
            return None
        if pos == "VERB":
            particles = {
                c.lower_
                for c in tok.children
                if c.dep_ in ("prt", "prep", "agent") and self._in(c) and c.i > tok.i
            }
            objects = set()
            for c in tok.children:
                if c.dep_ in ("dobj", "nsubjpass", "dative", "attr", "oprd") and self._in(c):
                    objects.add(c.lemma_.lower())
                    for g in c.children:  # "tons of food aid", "mediation efforts", "photos and intelligence"
                        if g.dep_ in ("compound", "conj"):
                            objects.add(g.lemma_.lower())
                        if g.dep_ == "prep" and g.lower_ == "of":
                            for h in g.children:
                                if h.dep_ == "pobj":
                                    objects.add(h.lemma_.lower())
                                    objects.update(
                                        x.lemma_.lower() for x in h.children if x.dep_ == "compound"
                                    )
                elif c.dep_ == "prep" and self._in(c):
                    objects.update(p.lemma_.lower() for p in c.children if p.dep_ == "pobj")
            if tok.lemma_.lower() == "open" and any(c.lower_ == "fire" for c in tok.children):
                objects.add("fire")
            entry = self.lex.match_verb(tok, particles, objects)
            if entry is not None and entry.objects:
                for c in tok.children:
                    measured = c.dep_ == "dobj" and any(  # "fired dozens of rockets at X"
                        g.dep_ == "pobj" and g.lemma_.lower() in entry.objects
                        for p in c.children
                        if p.dep_ == "prep" and p.lower_ == "of"
                        for g in p.children
                    )
                    if measured or (c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in entry.objects):
                        self.consumed.add(c.i)
            return entry
        if tok.pos_ == "NOUN" and (tok.dep_ != "compound" or tok.head.lemma_.lower() in CARRIER_NOUNS):
            mods = {
                c.lemma_.lower()
                for c in tok.children
                if c.dep_ in ("compound", "amod", "nmod") and self._in(c)
            }
            particles = {c.lower_ for c in tok.children if c.dep_ == "prep" and self._in(c)}
            return self.lex.match_noun(tok, mods, particles)
        return None

    # ------------------------------------------------------------------ argument subtrees and phrases
    def _depth_to(self, tok: Any, head: Any) -> int | None:
        d, cur = 0, tok
        while cur.i != head.i:
            if cur.head.i == cur.i or not self._in(cur.head) or d > 30:
                return None
            cur = cur.head
            d += 1
        return d

    def _arg_tokens(self, head: Any) -> list[Any]:
        """The argument's subtree without embedded clauses (relative clauses, complements)."""
        out = []
        stack = [head]
        while stack:
            t = stack.pop()
            if not self._in(t):
                continue
            out.append(t)
            for c in t.children:
                if c.dep_ in CLAUSE_DEPS and c.pos_ in ("VERB", "AUX"):
                    continue
                stack.append(c)
        return out

    def _party(self, m: Mention, via: str = "named") -> Party:
        """The party a mention names (made once per mention and way: both passes over the
        sentence and most rules ask for the same ones; a ``Party`` is immutable)."""
        key = (id(m), via)
        found = self._parties.get(key)
        if found is None:
            found = self._parties[key] = Party(ActorRef.from_mention(m), (m.start, m.end), via)
        return found

    def _clause_child(self, tok: Any) -> Any:
        """The ancestor of ``tok`` whose head is its clause's verb (``tok`` itself at most
        four steps up), so that clause-level rules can start from any word of a clause."""
        cur = tok
        for _ in range(4):
            head = cur.head
            if head.i == cur.i or not self._in(head) or head.pos_ in ("VERB", "AUX"):
                return cur
            cur = head
        return cur

    def _np(self, noun: Any) -> Any:
        """The noun phrase head carrying a trigger ("mediation effort" -> effort)."""
        if noun.dep_ == "compound" and self._in(noun.head) and noun.head.lemma_.lower() in CARRIER_NOUNS:
            return noun.head
        return noun

    def _phrase(self, head: Any) -> str | None:
        """The words of the noun phrase headed by ``head`` as written ("a spokesperson for North
        Korea's Defense Ministry"), without embedded clauses; None for pronouns and for
        phrases too long to be a name."""
        if head is None or _is_pronoun(head) or head.tag_ in ("WP", "WDT"):
            return None
        cut = {
            d.i for t in head.children if t.dep_ in ("appos", "relcl", "acl", "prn") for d in t.subtree
        }  # "Robert Wood, the deputy ambassador, said": the name without its apposition
        ids = {t.i for t in self._arg_tokens(head) if self._quote_of(t) is None} - cut
        lo = hi = head.i
        while lo - 1 in ids:  # the contiguous span around the head
            lo -= 1
        while hi + 1 in ids:
            hi += 1
        doc = head.doc
        while lo < hi and (doc[lo].is_punct or doc[lo].dep_ == "cc"):
            lo += 1
        while hi > lo and (doc[hi].is_punct or doc[hi].dep_ == "cc"):
            hi -= 1
        if hi - lo >= 14:
            return None
        text = doc[lo : hi + 1].text.strip()
        return text or None

    def _clause_depth(self, tok: Any) -> int:
        depth, cur = 0, tok
        for _ in range(12):
            if cur.dep_ in ("advcl", "relcl", "acl", "ccomp", "pcomp", "csubj"):
                depth += 1
                if (
                    cur.dep_ == "advcl"
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
                    and not (
                        self._to_clause(cur) and self._frames(cur.head) - {"speech", "light", "evaluate"}
                    )
                ):
                    depth += 2  # a purpose clause ("staged rallies to demand"): not the main event
            if cur.dep_ in ("pobj", "dobj", "nsubj") and cur.pos_ == "NOUN":
                depth += 1
            if cur.head.i == cur.i or not self._in(cur.head):
                break
            cur = cur.head
        return depth

    def light_of(self, noun: Any) -> Any | None:
        """The light verb whose object the event noun is: "held talks", "launched 10 days of
        war games", "engaged in ethnic cleansing", "launched a mediation effort"."""
        np = self._np(noun)
        head = np.head
        if not self._in(head) or head.i == np.i:
            return None
        if np.dep_ in ("dobj", "nsubjpass") and "light" in self._frames(head):
            return head
        if np.dep_ == "pobj" and head.lower_ == "of" and self._in(head.head):
            measure = head.head
            measured = measure.lemma_.lower() in MEASURE_NOUNS and measure.dep_ == "dobj"
            if measured and self._in(measure.head) and "light" in self._frames(measure.head):
                return measure.head
        if np.dep_ == "pobj" and head.lower_ == "in" and self._in(head.head):
            verb = head.head
            if verb.pos_ == "VERB" and verb.lemma_.lower() in LIGHT_IN:
                return verb
        if np.dep_ == "pobj" and head.lower_ == "for" and self._in(head.head):
            verb = head.head  # "negotiators return to Geneva for talks", "converged for a rally"
            if verb.pos_ == "VERB" and verb.lemma_.lower() in GATHERING_VERBS:
                return verb
        return None

    def _to_clause(self, tok: Any) -> bool:
        """An infinitive the parser hung as an adverbial clause ("calling on X to loosen",
        "have sworn to fight"): under a frame verb it is the frame's content, as an xcomp is."""
        return (
            tok.dep_ == "advcl"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            and not any(c.dep_ == "mark" for c in tok.children)
        )
