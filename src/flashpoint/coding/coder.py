"""The rules coder: dependency parse + actor mentions -> CAMEO/PLOVER events.

For every sentence the coder finds triggers (verbs and nouns of the lexicon), then reads the
participants off the parse:

- verbs: the subject is the source (inherited through xcomp/conj/advcl chains, so
  "accusing them of..." gets the governing clause's subject); the object, dative or a
  target preposition ("against", "with", "on"...) is the target; passives swap roles
  ("was attacked by X").
- nouns: possessives, nationality modifiers and "by" phrases give the source ("the Israeli
  strikes", "an attack by"), target prepositions the target ("strikes on Damascus"); a noun
  that is the object of a light verb takes that verb's subject ("held talks with").
- frame verbs change the code of their complement: threaten/vow + attack -> 138,
  pledge + aid -> 033, urge + withdraw -> 025, demand + release -> 1053, refuse + talks ->
  125; allegation and denial verbs keep their complement from being coded as fact.
- speech: a reporting verb's subject is the speaker, and the speaker is the source of
  first-person and sourceless events inside the quote; copular judgements inside quotes
  ("the actions by X are an open threat") become accusations of X.
- modality: negated events are dropped; future and planned events become intentions (03x)
  or threats (13x); could/might and if/unless mark hypotheticals and conditions.

Actors come from ``flashpoint.actors``: mentions whose spans overlap an argument's
subtree (the head-nearest one, plus its coordinated siblings), pronouns and definite
descriptions through the article's reference context.  If a target cannot be resolved the
event is not emitted (precision first), except for events that need none (protests,
mobilisation).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flashpoint.coding import confidence, discard
from flashpoint.coding.lexicon import Entry, Lexicon
from flashpoint.coding.modality import Modality, is_negated, modality_of
from flashpoint.coding.quotes import QuoteSpan, find_quotes, quote_at, speech_verb_for
from flashpoint.models import ActorRef, Article, CleanText, Event, Evidence, Mention, Quote, state_of

logger = logging.getLogger(__name__)

CODER_NAME = "flashpoint.rules.v1"
CODER_VERSION = "0.1.0"

FIRST_PERSON = frozenset({"we", "our", "us", "ours", "i", "my", "me"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
THIRD_PERSON = frozenset({"it", "its", "he", "him", "his", "she", "her"}) | PLURAL_PRONOUNS
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "csubj"})
VERB_TARGET_PREPS = (
    "with",
    "against",
    "on",
    "upon",
    "at",
    "to",
    "into",
    "toward",
    "towards",
    "over",
    "from",
    "for",
    "between",
    "of",
    "by",
)
NOUN_TARGET_PREPS = (
    "on",
    "against",
    "with",
    "to",
    "at",
    "into",
    "toward",
    "towards",
    "of",
    "for",
    "over",
    "upon",
    "between",
    "in",
    "from",
)
LOCATIVE_ROOTS = frozenset({"02", "08", "14", "15", "17", "18", "19", "20"})
NEEDS_TARGET_ROOTS = frozenset({"01", "02", "03", "05", "10", "11", "12"})
"""Verbal acts are addressed to someone: without a resolved target their confidence is low."""
RECIPROCAL_ROOTS = frozenset({"03", "04", "05", "06", "19"})
OBJECT_CONTROL = frozenset(
    {
        "urge",
        "ask",
        "order",
        "call",
        "force",
        "persuade",
        "allow",
        "invite",
        "tell",
        "press",
        "encourage",
        "pressure",
        "push",
        "implore",
        "appeal",
        "request",
    }
)
COOPERATIVE_ROOTS = frozenset({"04", "05", "06", "07", "08", "09"})
CONFLICT_ROOTS = frozenset({"13", "14", "15", "16", "17", "18", "19", "20"})
NOUN_FRAMES = frozenset({"intent", "threat", "demand", "appeal"})
MILITARY_SPECIFIC = {
    "060": "062",
    "031": "0312",
    "021": "0212",
    "101": "1012",
    "121": "1212",
    "070": "072",
    "033": "0332",
    "023": "0232",
    "103": "1032",
}
EXERCISE_NOUNS = frozenset({"exercise", "drill", "maneuver", "manoeuvre", "game", "wargame"})
DOMESTIC_PREFIXES = ("14", "170", "172", "173", "174", "175", "081", "082", "083")
"""Without a named target, curfews, bans, arrests and protests are coded against the
source's own country (CAMEO's convention for domestic events; confidence is lowered).
Seizing or destroying property (171x) is not: it is as often done abroad."""
CARRIER_NOUNS = frozenset(
    {
        "effort",
        "mission",
        "bid",
        "attempt",
        "initiative",
        "process",
        "campaign",
        "drive",
        "operation",
        "plan",
        "round",
    }
)
"""Nouns that carry an event named by their compound: "a mediation effort", "peace mission"."""
MEASURE_NOUNS = frozenset({"day", "week", "month", "round", "series", "wave", "spate", "string", "number"})
LIGHT_IN = frozenset({"engage", "participate", "involve", "join"})
PROPOSAL_NOUNS = frozenset(
    {"demand", "call", "appeal", "offer", "proposal", "request", "plan", "ultimatum", "invitation", "plea"}
)
DOCUMENT_FOREIGN = frozenset({"REF", "NGO", "MED", "JRN", "IGO", "UAF", "GOV"})
"""Sectors that do not take the document's state: refugees, aid groups, the press and
mercenaries are as often foreign as local, and a bare GOV is mostly one person ("the
leader", "a spokesperson") of any of the story's states (checked by hand on VOA stories)."""
LOCATIVE_PREPS = frozenset({"in", "near", "outside", "at", "inside", "around"})
BACKGROUND_MARKS = frozenset(
    {"after", "before", "since", "as", "because", "when", "while", "once", "until", "though", "although"}
)
"""Subordinators of clauses that give the time or cause of the reported event, not the event."""
BACKGROUND_PREPS = frozenset({"after", "following", "amid", "amidst", "during", "since", "before", "despite"})
DECISION_NOUNS = frozenset(
    {"decision", "move", "step", "vote", "order", "agreement", "deal", "pledge", "promise", "warning"}
)
"""Nouns whose infinitive or that-clause is the reported act ("the decision to cut aid")."""
BACKGROUND_CARRIERS = frozenset({"wake", "aftermath", "result", "because", "due"})
"""Heads of "in the wake of X", "as a result of X", "because of X": X is background."""
STANCE_PARTICIPLES = frozenset(
    {"oppose", "commit", "determine", "prepare", "dedicate", "resolve", "engage", "involve"}
)
"""Participles that state their subject's stance ("X is opposed to", "is committed to"): the
grammatical passive's subject is the one who holds it."""
SELF_DIRECTED = frozenset({"087"})
"""Withdrawal, demobilisation, disarmament: in an agentless passive ("the rebels were
disarmed", "troops were pulled out of X") the forces named are the ones retreating."""
POSTURE_VERBS = frozenset({"prepare"})
"""Getting ready to fight is military posturing (CAMEO 150), not a verbal threat (13x)."""
VERBAL_ATTACK_VERBS = frozenset({"attack", "lash"})
GATHERING_VERBS = frozenset(
    {"arrive", "return", "travel", "come", "go", "fly", "head", "gather", "converge", "assemble", "convene"}
)
"""Going somewhere for an event ("arrived in Cairo for talks") carries it as a light verb does."""
MAX_ARG_DEPTH = 4
"""An actor buried deeper than this in an argument phrase is not the argument."""
VICTIM_ROOTS = frozenset({"04", "18", "19", "20"})
"""Meetings need a partner and violence a victim: without a resolved target, no event."""
PRESS_AGENTS = frozenset({"JRN", "MED"})
VERBAL_CONFLICT = frozenset({"10", "11", "12", "13"})
OBLIGATION_AUX = frozenset({"must", "should", "ought"})
FRAME_PRIORITY = ("allege", "deny", "threat", "refuse", "demand", "appeal", "intent")
_SPACE_RE = re.compile(r"\W+")
DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z.'\u2019/-]+(?:\s+[A-Z][A-Z.'\u2019/-]+){0,3}"  # NAIROBI, PORT SUDAN, A/B
    r"(?:(?:\s*,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,3})?\s*\([^()\n]{1,40}\)"  # , April 17 (Reuters)
    r"|\s*,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,3}"  # , Kenya
    r"|(?=\s*[\u2014\u2013]))"  # BEIRUT —
    r"\s*(?:\u2014|\u2013|--|-)\s"
)
"""A wire-story dateline ("SEOUL, April 17 (Reuters) - "): the city is where the story was
filed, not an actor of the first sentence."""


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


_CACHE_MAX = 200_000
"""Entries a per-coder word cache may hold before it is emptied (a long run meets ever new
words; the cache must not grow without bound)."""


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


def _norm_text(text: str) -> str:
    return _SPACE_RE.sub(" ", text.lower()).strip()


class RulesCoder:
    """Codes parsed sentences into events with its own lexicon and parse rules.

    ``actors`` is an ``ActorDictionary`` (default: ``ActorDictionary.default()``, loaded on
    first use so that constructing a coder is cheap).
    """

    name = CODER_NAME
    version = CODER_VERSION

    def __init__(self, actors: Any | None = None, lexicon: Lexicon | None = None) -> None:
        self._actors = actors
        self._places: Any = None
        self.lexicon = lexicon or Lexicon.default()
        self._speech = frozenset(k for k, v in self.lexicon._frames.items() if "speech" in v)
        self._prefilter: Any = None
        self._trigger_words: dict[tuple[str, str], bool] = {}
        self._word_frames: dict[tuple[str, str, str], frozenset[str]] = {}

    def frames_of(self, pos: str, lemma: str, surface: str) -> frozenset[str]:
        """Frames of a noun, verb, auxiliary or adjective, cached per word: every sentence
        asks for the frames of most of its tokens, and the lexicon's answer for a verb may
        try the base forms of its surface word."""
        key = (pos, lemma, surface)
        found = self._word_frames.get(key)
        if found is None:
            if pos == "NOUN":  # "plans to conduct", "threat of retaliation"
                found = self.lexicon.frames(lemma) & NOUN_FRAMES
            else:
                found = self.lexicon.frames(lemma, surface if pos == "VERB" else None)
            if len(self._word_frames) > _CACHE_MAX:
                self._word_frames.clear()
            self._word_frames[key] = found
        return found

    def may_trigger(self, lemma: str, surface: str) -> bool:
        """Whether a word could match any lexicon row (its lemma, or a base form of its
        surface, is a trigger lemma).  Most tokens cannot, and this cached test spares them
        the per-token gathering of particles and objects that ``match_verb`` would need."""
        key = (lemma, surface)
        found = self._trigger_words.get(key)
        if found is None:
            lex = self.lexicon
            found = lex.is_trigger_lemma(lemma) or any(
                lex.is_trigger_lemma(f) for f in lex.base_forms(surface)
            )
            if len(self._trigger_words) > _CACHE_MAX:
                self._trigger_words.clear()
            self._trigger_words[key] = found
        return found

    @property
    def places(self) -> Any:
        """The gazetteer (loaded on first use): the country of a place no actor names, for
        violence whose perpetrator or target is known only by where it happened."""
        if self._places is None:
            from flashpoint.geo import Gazetteer

            self._places = Gazetteer.default()
        return self._places

    @property
    def actors(self) -> Any:
        if self._actors is None:
            from flashpoint.actors import ActorDictionary

            self._actors = ActorDictionary.default()
        return self._actors

    # ------------------------------------------------------------------ public API
    def code(
        self,
        article: Article,
        clean: CleanText,
        parsed: Sequence[Any],
        when: date | None = None,
    ) -> list[Event]:
        """All events of one article, in sentence order (see the module docstring)."""
        when = when or article.published
        screen = discard.DocumentScreen(clean.text)
        domain = screen.document_domain()
        if domain:
            logger.debug("%s: discarded as %s", article.doc_id, domain)
            return []
        state = _ArticleState(quotes=find_quotes(clean.text))
        context = self._new_context()
        sentences = []
        for ps in parsed:  # pass 1: actors in reading order, quote speakers
            sentence = _Sentence(self, article, ps, self._mentions(ps, when, context), state, context)
            sentence.attribute_quotes()
            sentence.remember()
            sentences.append(sentence)
        state.forget()
        events: list[Event] = []
        for sentence in sentences:  # pass 2: events
            if not screen.sentence_domain(sentence.ps.sentence.text, sentence.ps.sentence.start):
                try:
                    found = sentence.code()
                except (AttributeError, IndexError, ValueError) as exc:  # a malformed parse: skip it
                    logger.warning(
                        "%s sentence %d not coded: %s", article.doc_id, sentence.ps.sentence.index, exc
                    )
                    found = []
                events.extend(self._dedupe(found, state))
            sentence.remember()
        return events

    def needs_parse(self, sentence_text: str) -> bool:
        """Cheap prefilter (see ``Prefilter``): could this sentence hold an event at all?"""
        from flashpoint.coding.prefilter import Prefilter

        if self._prefilter is None:
            self._prefilter = Prefilter(self._actors, self.lexicon)
        return self._prefilter.needs_parse(sentence_text)

    # ------------------------------------------------------------------ actors adapter
    def _new_context(self) -> Any:
        try:
            from flashpoint.actors import ReferenceContext
        except ImportError:
            return None
        try:
            return ReferenceContext()
        except TypeError:
            return None

    def _mentions(self, ps: Any, when: date | None, context: Any) -> list[Mention]:
        """Actor mentions of one sentence, with clean-text offsets; the context records them."""
        shift = ps.sentence.start
        text = ps.sentence.text
        dateline = DATELINE_RE.match(text)
        if dateline:  # blank it out (offsets kept) so that the city names no actor
            text = " " * dateline.end() + text[dateline.end() :]
        found = self.actors.find_mentions(text, when, context, offset=shift)
        return [replace(m, start=m.start + shift, end=m.end + shift) for m in found]

    def _dedupe(self, events: list[Event], state: _ArticleState) -> list[Event]:
        best: dict[tuple[Any, ...], Event] = {}
        for ev in events:
            key = (ev.source.code, ev.target.code, ev.cameo)
            if key not in best or ev.confidence > best[key].confidence:
                best[key] = ev
        out = []
        for key, ev in best.items():
            doc_key = (*key, _norm_text(ev.sentence))
            if doc_key in state.seen:
                continue
            state.seen.add(doc_key)
            out.append(ev)
        return sorted(out, key=lambda e: e.evidence.trigger or (0, 0))


class _Sentence:
    """The rules applied to one parsed sentence."""

    def __init__(
        self,
        coder: RulesCoder,
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
        self.tokens = list(ps.span)
        dateline = DATELINE_RE.match(ps.sentence.text)
        if dateline:  # the dateline's tokens are no part of the sentence's clauses
            cut = ps.sentence.start + dateline.end()
            self.tokens = [t for t in self.tokens if ps.base + t.idx >= cut]
            self.inside = {t.i for t in self.tokens}
        else:
            self.inside = set(range(ps.span.start, ps.span.end))
        self.mentions = mentions
        self.state = state
        self.context = context
        self._tok_mention: dict[int, Mention] = {}
        if mentions:
            base = self.base  # len(token) is the length of its text, without making the string
            spans = [(t.i, (start := base + t.idx), start + len(t)) for t in self.tokens]
            for m in sorted(mentions, key=lambda m: m.end - m.start):
                for i, start, end in spans:
                    if start < m.end and end > m.start and i not in self._tok_mention:
                        self._tok_mention[i] = m
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

    # ------------------------------------------------------------------ participants
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
        return Party(ActorRef.from_mention(m), (m.start, m.end), via)

    def parties(self, head: Any, allow_owned: bool = False) -> list[Party]:
        """Actors named by the argument headed by ``head`` (empty if none)."""
        if head is None or not self._in(head):
            return []
        low = head.lower_
        if _is_pronoun(head):
            found = self._pronoun(head) if low in FIRST_PERSON or low in THIRD_PERSON else []
            for conj in self._children(head, "conj"):  # "between him and the Korean leader"
                found.extend(p for p in self.parties(conj, allow_owned) if p not in found)
            return found
        if not allow_owned and head.i in self.entries and head.i not in self._tok_mention:
            return []  # an event noun is not an actor ("Its threat ... follows")
        toks = self._arg_tokens(head)
        best: tuple[int, int, Mention, Any] | None = None
        for t in toks:
            m = self._tok_mention.get(t.i)
            if m is None:
                continue
            d = self._depth_to(t, head)
            if d is None or d > MAX_ARG_DEPTH:
                continue
            if self._stance(m):
                d += 20  # "an anti-Syria journalist": Syria is what the noun opposes, not its owner
            elif m.actor.country is None and m.actor.kind == "sector":
                d += 10  # a bare sector ("the military") only if nothing names a country
            elif self._placed(t, head):
                d += 12  # "protesters in Nairobi": the place localizes the actor (see _localize)
            elif "named before" in m.why:
                d += 5  # a sector whose country was guessed from the context
            if best is None or (d, t.i) < (best[0], best[1]):
                best = (d, t.i, m, t)
        if best is None:
            unnamed = self._unnamed(head, allow_owned)
            if unnamed:
                return unnamed
            for t in head.subtree:  # last resort: a name inside an embedded clause
                m = self._tok_mention.get(t.i)
                d = self._depth_to(t, head) if m is not None and self._in(t) else None
                if m is not None and d is not None and (best is None or (d, t.i) < (best[0], best[1])):
                    best = (d, t.i, m, t)
            if best is None:
                return []
        _, _, mention, tok = best
        if mention.text.lower().startswith(("the country", "the nation")):
            return self._definite(mention, tok)
        if mention.actor.agent is not None and self._placed(tok, head):
            place = self._place_party(tok)  # "a curfew in Algiers": the place, not the government
            if place is not None:
                return [place]
        result = [self._party(mention)]
        # coordination: "South Korea and the US" -> both
        root = tok
        while root.head.i != root.i and self._in(root.head) and self._tok_mention.get(root.head.i) is mention:
            root = root.head
        conjuncts = list(root.conjuncts)
        for t in self.tokens:  # "French and Egyptian warships": coordinated modifiers
            if self._tok_mention.get(t.i) is mention and t.i != root.i:
                conjuncts.extend(c for c in t.conjuncts if c not in conjuncts)
        for conj in conjuncts:
            if not self._in(conj):
                continue
            m = self._tok_mention.get(conj.i)
            if m is not None and all(p.span != (m.start, m.end) for p in result):
                result.append(self._party(m))
            elif m is None and _is_pronoun(conj):
                result.extend(self._pronoun(conj))
        return result

    def _stance(self, m: Mention) -> bool:
        """Whether the mention is the object of an "anti-"/"pro-" prefix ("anti-Syria")."""
        before = self.ps.sentence.text[: max(0, m.start - self.ps.sentence.start)]
        return before.lower().endswith(("anti-", "pro-"))

    def _placed(self, tok: Any, head: Any) -> bool:
        """Whether ``tok`` sits under a locative preposition inside the argument of ``head``."""
        cur = tok
        while cur.i != head.i and self._in(cur.head) and cur.head.i != cur.i:
            if cur.dep_ == "pobj" and cur.head.lower_ in LOCATIVE_PREPS and cur.head.i != head.i:
                return True
            cur = cur.head
        return False

    def _definite(self, mention: Mention, tok: Any) -> list[Party]:
        """ "the country": the reporting clause's own country ("X's ministry stated that the
        country will..."), else the last country named outside headlines and captions."""
        reporter = self._reporter_of(tok) if tok.dep_ in ("nsubj", "nsubjpass") else []
        country = None
        for p in reporter:
            if state_of(p.ref.country):
                country = p.ref.country
                break
        for prior in (self.state.last_subject_country, self.state.last_country):
            if country is None and prior is not None:
                country = prior.ref.country
        if country is None or country == mention.actor.country:
            return [self._party(mention)]
        ref = ActorRef(text=mention.text, name=country, code=country, country=country)
        return [Party(ref, (mention.start, mention.end), "definite")]

    def _unnamed(self, head: Any, allow_owned: bool) -> list[Party]:
        """An argument without a named actor: possessive pronoun, owned event noun, definite
        description ("the country")."""
        for c in head.children:
            if c.dep_ == "poss" and self._in(c) and _is_pronoun(c):
                if head.i in self.entries or self.lex.has_cue(head.lower_, "owned"):
                    return [replace(p, via="owner") for p in self._pronoun(c)] if allow_owned else []
                return self._pronoun(c)
        lemma = head.lemma_.lower()
        if allow_owned and self.lex.has_cue(head.lower_, "owned"):
            joint = any(c.lower_ in ("joint", "combined", "allied") for c in head.children)
            plural = head.tag_ in ("NNS", "NNPS")
            recent = self.ps.sentence.index - self.state.recent_plural_sentence <= 3
            if (joint or plural) and recent and self.state.recent_plural:
                return [replace(p, via="owner", span=None) for p in self.state.recent_plural]
        if self.lex.has_cue(lemma, "definite") and any(c.lower_ in ("the", "this") for c in head.children):
            country = self.state.last_country
            if country is not None:
                cc = country.ref.country or (country.ref.code or "")[:3]
                agent = "GOV" if lemma in ("government", "regime", "administration", "ministry") else None
                code = cc + (agent or "")
                ref = ActorRef(text=head.text, name=country.ref.name, code=code, country=cc, agent=agent)
                return [Party(ref, self._off(head), "definite")]
        return []

    def _pronoun(self, tok: Any) -> list[Party]:
        low = tok.lower_
        if low in FIRST_PERSON:
            q = self._quote_of(tok)
            if q is not None and q in self.state.speakers:
                return [replace(p, via="speaker") for p in self.state.speakers[q]]
            return []
        if tok.dep_ in ("nsubj", "nsubjpass", "poss"):
            reporter = self._reporter_of(tok)
            if reporter:
                return [replace(p, via="pronoun", span=p.span) for p in reporter]
        elif low in ("him", "her"):
            # "X said there is contact between him and Y": a personal pronoun deep in a
            # clause that X reports is most likely X (the matrix subject)
            reporter = self._reporter_of(self._clause_child(tok))
            if reporter:
                return [replace(p, via="pronoun", span=p.span) for p in reporter]
        if low in PLURAL_PRONOUNS:
            recent = self.ps.sentence.index - self.state.recent_plural_sentence <= 2
            if recent and self.state.recent_plural:
                return [replace(p, via="pronoun", span=None) for p in self.state.recent_plural]
        resolved = self._context_resolve(tok)
        if resolved is not None:
            return [resolved]
        fallback = (
            self.state.last_person if low in ("he", "him", "his", "she", "her") else self.state.last_singular
        )
        if low in PLURAL_PRONOUNS:
            fallback = self.state.last_singular
        return [replace(fallback, via="context", span=None)] if fallback is not None else []

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

    def _reporter_of(self, tok: Any) -> list[Party]:
        """ "X said it would strike": a pronoun subject of a reported clause is the reporter."""
        cur = tok.head if tok.dep_ != "poss" else tok.head.head
        for _ in range(4):
            if not self._in(cur) or cur.head.i == cur.i:
                return []
            if cur.dep_ not in ("ccomp", "xcomp", "conj"):
                return []
            head = cur.head
            if not self._in(head):
                return []
            if self._frames(head) - {"light"}:
                subj = self._children(head, "nsubj")
                if subj and subj[0].i != tok.i and not _is_pronoun(subj[0]):
                    found = self.parties(subj[0])
                    if found:
                        return found
            cur = head
        return []

    def _context_resolve(self, tok: Any) -> Party | None:
        ctx = self.context
        if ctx is None or not hasattr(ctx, "resolve_pronoun"):
            return None
        try:
            got = ctx.resolve_pronoun(tok.lower_, self.base + tok.idx)
        except (TypeError, ValueError, LookupError):
            return None
        if got is None:
            return None
        if isinstance(got, Mention):
            return Party(ActorRef.from_mention(got), None, "pronoun")
        actor = getattr(got, "actor", got)
        if hasattr(actor, "code"):
            ref = ActorRef(
                text=tok.text,
                name=getattr(actor, "name", None),
                code=actor.code,
                country=getattr(actor, "country", None),
                agent=getattr(actor, "agent", None),
            )
            return Party(ref, None, "pronoun")
        return None

    def subject(self, verb: Any, depth: int = 0) -> tuple[list[Party], bool]:
        """Source of a verb: its subject, or the governing clause's (returns parties, passive?)."""
        cur = verb
        hops = 0
        while hops < 5:
            subj = self._children(cur, *SUBJECT_DEPS)
            if subj:
                s = subj[0]
                if s.tag_ in ("WDT", "WP") and cur.dep_ == "relcl" and self._in(cur.head):
                    return self.parties(cur.head), False
                return self.parties(s), False
            if cur is verb and self._children(cur, "nsubjpass"):
                agents = [p for a in self._children(cur, "agent") for p in self._children(a, "pobj")]
                if not agents and cur.lemma_.lower() in STANCE_PARTICIPLES:
                    return self.parties(self._children(cur, "nsubjpass")[0]), False  # "X is opposed to"
                return (self.parties(agents[0]) if agents else []), True
            head = cur.head
            if head.i == cur.i or not self._in(head):
                break
            if cur.dep_ == "xcomp" and head.lemma_.lower() in OBJECT_CONTROL:
                objs = self._children(head, "dobj")
                if objs:
                    return self.parties(objs[0]), False
            if cur.dep_ == "pcomp" and head.dep_ == "prep" and self._in(head.head):
                cur = head.head
            elif (
                cur.dep_ == "advcl"
                and self._children(head, "nsubjpass")
                and not self._children(head, "nsubj")
            ):
                return self.parties(
                    self._children(head, "nsubjpass")[0]
                ), False  # "X was freed after apologizing"
            elif cur.dep_ in ("xcomp", "conj", "advcl", "acomp"):
                cur = head
            elif cur.dep_ == "acl" and cur.tag_ == "VBG" and head.pos_ in ("NOUN", "PROPN"):
                if head.dep_ == "dobj" and self._in(head.head):  # "issued a declaration demanding"
                    cur = head.head
                    hops += 1
                    continue
                return self.parties(head), False  # "protesters demanding reforms"
            elif cur.dep_ == "acl" and head.lemma_.lower() in DECISION_NOUNS | CARRIER_NOUNS:
                return self.noun_source(head), False  # "its decision to suspend aid", "a bid to oust"
            elif cur.dep_ == "acl" and cur.tag_ == "VBN":
                agents = [p for a in self._children(cur, "agent") for p in self._children(a, "pobj")]
                return (self.parties(agents[0]) if agents else []), True
            elif cur.dep_ == "relcl":
                return self.parties(cur.head), False
            else:
                break
            hops += 1
        return [], False

    def _keep(self, found: list[Party]) -> list[Party]:
        """Drop candidates that are the event's own source (a target must be someone else)."""
        return [p for p in found if p.code not in self.exclude]

    def _stative_passive(self, verb: Any) -> bool:
        head = verb.head
        return (
            verb.tag_ == "VBN"
            and verb.dep_ in ("acomp", "oprd", "xcomp", "advcl")
            and self._in(head)
            and head.lemma_.lower() in ("stand", "remain", "get", "become", "be", "seem")
        )

    def verb_target(self, verb: Any, root: str, passive: bool, particle: str = "") -> list[Party]:
        if passive and self._stative_passive(verb):
            subj = self._children(verb.head, "nsubj", "nsubjpass")
            return self._keep(self.parties(subj[0])) if subj else []
        if passive:
            subj = self._children(verb, "nsubjpass")
            return self._keep(self.parties(subj[0])) if subj else []
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and self._in(verb.head):
            return self._keep(self.parties(verb.head))
        if root == "11":
            found = self._prep_targets(verb, ("over", "about", "against"))
            if found:
                return found
        if particle and particle not in ("out", "up", "down", "off", "back", "over"):
            found = self._prep_targets(verb, (particle,))
            if found:
                return found
        for dep in ("dative", "dobj"):
            for c in self._children(verb, dep):
                if self._own_possession(c):  # "withdrew its troops from X": the troops are not the target,
                    event_noun = c.i in self.consumed or c.i in self.entries
                    found = self._prep_targets(c, NOUN_TARGET_PREPS) if event_noun else []
                    if found:  # but "held their first meeting with X" is with X
                        return found
                    continue
                if root in ("18", "19", "20") and c.i in self.consumed:
                    continue  # "launched drones at X": the weapons are the instrument
                found = self._keep(self.parties(c, allow_owned=root in ("11", "12", "13")))
                if not found and (c.i in self.consumed or c.i in self.entries):
                    found = self._prep_targets(c, NOUN_TARGET_PREPS)
                if found:
                    return found
        found = self._prep_targets(verb, VERB_TARGET_PREPS)
        if found:
            return found
        if root in LOCATIVE_ROOTS:
            found = self._prep_targets(verb, ("in",))
            if found:
                return found
        if not any(c.dep_ == "dobj" for c in verb.children):
            return self._loose_target(verb)
        return self._dangling_target(verb)

    def _dangling_target(self, verb: Any) -> list[Party]:
        """A preposition the parser left without its object ("granted asylum to five Panamanian
        army officers holed up...", where "officers" became the subject of "holed"): the actor
        named within the next four words, before any punctuation."""
        for prep in self._children(verb, "prep"):
            if prep.lower_ not in ("to", "against", "with") or list(prep.children):
                continue
            for t in self.tokens:
                if t.i <= prep.i:
                    continue
                if t.i > prep.i + 4 or t.is_punct or self._quote_of(t) is not None:
                    break
                m = self._tok_mention.get(t.i)
                if m is not None and m.actor.code not in self.exclude:
                    return [self._party(m, via="loose")]
        return []

    def _loose_target(self, verb: Any) -> list[Party]:
        """A misparsed object ("kidnapped up to 16 Russian advisers"): the first actor named
        within a few tokens after the verb, outside embedded clauses."""
        allowed = {
            t.i for c in verb.children if c.dep_ in ("prt", "prep") and c.i > verb.i for t in c.subtree
        }
        for t in self.tokens:
            if t.i <= verb.i or t.i > verb.i + 8 or t.i not in allowed:
                continue
            m = self._tok_mention.get(t.i)
            if m is not None and m.actor.code not in self.exclude:
                return [self._party(m, via="loose")]
        return []

    def _condition_subject(self, verb: Any) -> list[Party]:
        """ "X threatened to strike unless Y withdrew": the threat is addressed to Y."""
        cur = verb
        for _ in range(3):
            for c in self._children(cur, "advcl"):
                if any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
                    subj = self._children(c, "nsubj", "nsubjpass")
                    if subj:
                        found = self._keep(self.parties(subj[0]))
                        if found:
                            return found
            if cur.dep_ in ("xcomp", "ccomp") and self._in(cur.head):
                cur = cur.head
            else:
                break
        for c in self._children(verb, "xcomp"):
            found = self._condition_subject(c) if c is not verb else []
            if found:
                return found
        return []

    def _purpose_target(self, verb: Any) -> list[Party]:
        """A protest's target from its purpose clause ("rallied to demand reforms from X")."""
        for c in self._children(verb, "advcl", "xcomp"):
            found = self._addressee(c) or self.verb_target(c, "14", False)
            if found:
                return found
        return []

    def _helped(self, verb: Any) -> list[Party]:
        """Who aid is for when only its purpose says so: "to help defend X", "to help X fight"."""
        for c in self._children(verb, "advcl", "xcomp"):
            if c.lemma_.lower() not in ("help", "assist", "support", "aid"):
                continue
            heads = [d for v in [c, *self._children(c, "xcomp")] for d in self._children(v, "dobj")]
            heads += [d for v in self._children(c, "ccomp") for d in self._children(v, "nsubj")]
            for head in heads:
                found = self._keep(self.parties(head))
                if found:
                    return found
        return []

    def _own_possession(self, tok: Any) -> bool:
        for c in tok.children:
            if (
                c.dep_ == "poss"
                and _is_pronoun(c)
                and c.lower_ in ("its", "their", "his", "her", "our", "my")
            ):
                resolved = self._pronoun(c)
                return any(
                    p.code in self.exclude
                    or (p.ref.country and any((x or "").startswith(p.ref.country) for x in self.exclude))
                    for p in resolved
                )
        return False

    def _prep_targets(self, tok: Any, preps: Iterable[str]) -> list[Party]:
        by_prep: dict[str, list[Any]] = {}
        for c in self._children(tok, "prep"):
            for p in self._children(c, "pobj"):
                by_prep.setdefault(c.lower_, []).append(p)
        for prep in preps:
            for pobj in by_prep.get(prep, []):
                found = self._keep(self.parties(pobj, allow_owned=True))
                if found and prep in LOCATIVE_PREPS:  # "a curfew in Algiers": the place, DZA
                    place = self._place_party(pobj)
                    if place is not None and place.code not in self.exclude:
                        found = [place]
                if found:
                    return found
        return []

    def _place_party(self, tok: Any) -> Party | None:
        """The state that a place word names, as a target: a country is itself, a capital its
        country ("a curfew in Algiers" -> DZA, where "Algiers said" is DZAGOV), a country
        inside a larger actor phrase the bare country ("forces from Panama" -> PAN).  None
        when ``tok`` is not a state's name or capital."""
        m = self._tok_mention.get(tok.i)
        cc = state_of(m.actor.country) if m is not None and m.actor.kind == "country" else None
        if m is None or cc is None:
            return None
        if m.actor.code == cc:
            return self._party(m)
        words = [tok, *(c for c in tok.children if c.dep_ in ("compound", "flat") and self._in(c))]
        lo, hi = min(t.i for t in words), max(t.i for t in words)
        phrase = tok.doc[lo : hi + 1].text
        from flashpoint.actors import capital_country

        if capital_country(phrase) != cc and self.coder.actors.lookup(phrase).code != cc:
            return None
        span = (self.base + tok.doc[lo].idx, self.base + tok.doc[hi].idx + len(tok.doc[hi].text))
        return Party(ActorRef(text=phrase, name=phrase, code=cc, country=cc), span, "named")

    def _threat_place(self, tok: Any) -> list[Party]:
        """ "threatened to resume attacks in Israel": a threat with no addressee is aimed at
        the state where its content would happen (a locative place of its complement)."""
        for c in self._children(tok, "xcomp", "ccomp"):
            for t in self._arg_tokens(c):
                if t.dep_ == "prep" and t.lower_ in ("in", "inside", "into") and self._quote_of(t) is None:
                    for pobj in self._children(t, "pobj"):
                        place = self._place_party(pobj)
                        if place is not None and place.code not in self.exclude:
                            return [place]
        return []

    def _np(self, noun: Any) -> Any:
        """The noun phrase head carrying a trigger ("mediation effort" -> effort)."""
        if noun.dep_ == "compound" and self._in(noun.head) and noun.head.lemma_.lower() in CARRIER_NOUNS:
            return noun.head
        return noun

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

    def _between(self, noun: Any) -> list[Party]:
        """ "cooperation between Russia and North Korea": the participants of a joint act."""
        for prep in self._children(noun, "prep"):
            if prep.lower_ == "between":
                for pobj in self._children(prep, "pobj"):
                    found = self.parties(pobj)
                    if len(found) > 1:
                        return found
        return []

    def noun_source(self, noun: Any) -> list[Party]:
        noun = self._np(noun)
        entry = self.entries.get(noun.i)
        if entry is not None and entry.cameo[:2] in RECIPROCAL_ROOTS:
            joint = self._between(noun)
            if joint:
                return joint
        for c in self._children(noun, "poss"):
            found = self.parties(c)
            if found:
                return found
        for c in self._children(noun, "amod", "compound", "nmod"):
            m = self._tok_mention.get(c.i)
            if m is not None and m.actor.country is None and m.actor.kind == "sector":
                continue  # "military aid" is not aid given by "the military"
            if m is not None:
                return self.parties(c)
        for c in self._children(noun, "prep"):
            if c.lower_ == "by":
                for p in self._children(c, "pobj"):
                    found = self.parties(p)
                    if found:
                        return found
        light = self.light_of(noun)
        if light is not None:
            return self.subject(light)[0]
        entry = self.entries.get(noun.i)
        head = noun.head
        protest = entry is not None and entry.cameo[:2] == "14" and noun.dep_ == "pobj" and self._in(head)
        during = protest and head.lower_ in ("during", "in", "at", "for") and self._in(head.head)
        if during and head.head.pos_ == "VERB":
            return self.subject(head.head)[0]  # "youths threw stones during demonstrations"
        return []

    def noun_target(self, noun: Any) -> list[Party]:
        entry = self.entries.get(noun.i)
        if entry is not None and entry.cameo[:2] in RECIPROCAL_ROOTS and self._between(noun):
            return []  # the participants are the sources, paired with each other
        preps = NOUN_TARGET_PREPS
        if entry is not None and entry.cameo.startswith("087"):
            preps = (
                "from",
                "in",
                *(p for p in NOUN_TARGET_PREPS if p != "of"),
            )  # "withdrawal of troops from X"
        np = self._np(noun)
        found = self._prep_targets(noun, preps) or (self._prep_targets(np, preps) if np is not noun else [])
        if not found and entry is not None and entry.cameo.startswith("087"):
            found = self._withdrawn_from(noun)  # "the withdrawal of some forces from Panama"
        if found:
            return found
        head = self.light_of(noun)
        if head is not None:
            for c in self._children(head, "dative"):
                found = self._keep(self.parties(c))
                if found:
                    return found
            return self._prep_targets(head, VERB_TARGET_PREPS)
        return []

    def _visited_place(self, tok: Any) -> list[Party]:
        """An investigation with no named target is of the state it goes to or works in: the
        first place after "to"/"in"/"into" in the clause, outside its subject."""
        verb = tok.head if tok.pos_ == "NOUN" and tok.dep_ == "dobj" and self._in(tok.head) else tok
        subject = {t.i for c in self._children(verb, *SUBJECT_DEPS) for t in c.subtree}
        for t in sorted(self._arg_tokens(verb), key=lambda x: x.i):
            if t.i in subject or t.dep_ != "prep" or t.lower_ not in ("to", "in", "into", "inside"):
                continue
            for pobj in self._children(t, "pobj"):
                place = self._place_party(pobj)
                if place is not None and place.code not in self.exclude and self._quote_of(pobj) is None:
                    return [place]
        return []

    def _withdrawn_from(self, noun: Any) -> list[Party]:
        """The place a withdrawal leaves, named inside its "of" phrase: "the withdrawal of
        invasion forces from Panama" -> PAN (the forces are the withdrawer's own)."""
        for prep in self._children(noun, "prep"):
            if prep.lower_ != "of":
                continue
            for pobj in self._children(prep, "pobj"):
                for inner in self._children(pobj, "prep"):
                    if inner.lower_ not in ("from", "in"):
                        continue
                    for place_tok in self._children(inner, "pobj"):
                        place = self._place_party(place_tok)
                        if place is not None and place.code not in self.exclude:
                            return [place]
        return []

    # ------------------------------------------------------------------ frames
    def governor(self, tok: Any) -> tuple[_Frame | None, Any | None]:
        """The frame verb governing a trigger (threaten/urge/pledge/accuse...) and the nearest
        reporting verb above it, if any."""
        cur = self._np(tok) if tok.pos_ == "NOUN" else tok
        speech = None
        for _ in range(5):
            head = cur.head
            if head.i == cur.i or not self._in(head):
                break
            link = cur.dep_
            if (
                link == "pobj"
                and head.dep_ == "prep"
                and self._in(head.head)
                or link == "pcomp"
                and head.dep_ == "prep"
                and self._in(head.head)
            ):
                cur, head, link = head, head.head, "prep:" + head.lower_
            frames = self._frames(head)
            if link == "ccomp" and not (frames - {"speech", "light"}):
                for noun in self._children(head, "dobj"):  # "reiterated its demand that Israel ease..."
                    kinds = self._frames(noun) & {"demand", "appeal"}
                    if kinds:
                        return _Frame(sorted(kinds)[0], noun), speech
            content_link = link in (
                "xcomp",
                "ccomp",
                "dobj",
                "nsubjpass",
                "prep:for",
                "prep:of",
                "prep:to",
                "prep:on",
                "acomp",
                "oprd",
            ) or (link in ("acl", "ccomp") and head.pos_ == "NOUN")
            content_link = content_link or self._to_clause(cur)
            if frames and content_link:
                for kind in FRAME_PRIORITY:
                    if kind in frames:
                        if kind == "appeal" and head.lemma_.lower() == "call" and link == "dobj":
                            continue
                        if (
                            kind == "intent"
                            and link == "dobj"
                            and head.lemma_.lower() in ("offer", "propose")
                        ):
                            break
                        return _Frame(kind, head), speech
                if "speech" in frames and link in ("ccomp", "xcomp", "dobj"):
                    speech = speech or head
                if "light" in frames and link == "dobj":
                    cur = head
                    continue
            if head.dep_ == "acomp" and link in ("xcomp",) and "intent" in self._frames(head):
                return _Frame("intent", head), speech
            if link in ("xcomp", "conj", "ccomp") or ("light" in frames and link == "dobj"):
                cur = head
                continue
            if link == "advcl" and "speech" in self._frames(head):
                speech = speech or head
            break
        return None, speech

    def _to_clause(self, tok: Any) -> bool:
        """An infinitive the parser hung as an adverbial clause ("calling on X to loosen",
        "have sworn to fight"): under a frame verb it is the frame's content, as an xcomp is."""
        return (
            tok.dep_ == "advcl"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            and not any(c.dep_ == "mark" for c in tok.children)
        )

    def content_of(self, frame_tok: Any) -> list[Any]:
        """Trigger tokens that are the complement of a frame verb."""
        out = []
        for t in self.tokens:
            if t.i == frame_tok.i or t.i not in self.entries:
                continue
            gov, _ = self.governor(t)
            if gov is not None and gov.token.i == frame_tok.i:
                out.append(t)
        return out

    # ------------------------------------------------------------------ coding
    def code(self) -> list[Event]:
        events: list[Event] = []
        frame_heads: set[int] = set()
        plans: list[tuple[Any, Entry, _Frame | None, Any | None]] = []
        for i, entry in sorted(self.entries.items()):
            tok = self.ps.span.doc[i]
            if i in self.consumed:
                continue
            if self._obliged(tok) is not None:
                continue  # "X must withdraw": coded as a demand on X by _obligations
            frame, speech = self.governor(tok)
            if frame is not None:
                frame_heads.add(frame.token.i)
                if frame.kind == "intent":  # "refused to commit to aid": the outer frame decides
                    outer, _ = self.governor(frame.token)
                    if outer is not None and outer.kind in ("refuse", "appeal", "demand", "deny", "allege"):
                        frame_heads.add(outer.token.i)
                        frame = outer
                elif frame.kind == "refuse":  # "demanded that its partners refuse to recognize X"
                    outer, _ = self.governor(frame.token)
                    if outer is not None and outer.kind in ("appeal", "demand", "deny", "allege"):
                        frame_heads.add(outer.token.i)
                        frame = outer
                elif frame.kind in ("appeal", "demand") and frame.token.pos_ == "NOUN":
                    outer, _ = self.governor(frame.token)  # "rejected a UN appeal for deploying troops"
                    if outer is not None and outer.kind in ("refuse", "deny"):
                        frame_heads.add(outer.token.i)
                        frame = outer
            plans.append((tok, entry, frame, speech))
        for tok, entry, frame, speech in plans:
            if tok.i in frame_heads and tok.i in self.entries and not self._self_frame(tok, frame_heads):
                continue  # a frame verb with a complement is coded through its complement
            if frame is not None and frame.kind in ("allege", "deny"):
                continue
            events.extend(self._code_trigger(tok, entry, frame, speech))
        events.extend(self._evaluations())
        events.extend(self._quoted_judgements())
        events.extend(self._obligations())
        return events

    def _obliged(self, tok: Any) -> Any | None:
        """The reporting verb when ``tok`` heads (or is the object of the head of) a reported
        "must/should" clause ("Britain said Libya must hand over the suspects")."""
        verb = tok
        if tok.pos_ == "NOUN" and tok.dep_ == "dobj" and self._in(tok.head):
            verb = tok.head
        while (
            verb.dep_ in ("xcomp", "acomp")
            and self._in(verb.head)
            and not any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX for c in verb.children)
        ):
            verb = verb.head
        if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX for c in verb.children):
            return None
        head = verb.head
        if verb.dep_ == "ccomp" and self._in(head) and (self._frames(head) & {"speech", "demand"}):
            return head
        if (  # "issued a reminder to Iraq that it must cooperate": the verb that conveyed it
            verb.dep_ in ("acl", "ccomp")
            and head.pos_ == "NOUN"
            and head.dep_ == "dobj"
            and self._in(head)
            and self._in(head.head)
            and head.head.pos_ == "VERB"
        ):
            return head.head
        return None

    def _direct_parties(self, head: Any) -> list[Party]:
        """Parties named by the head itself or its modifiers, not by a prepositional phrase
        ("immigration to France should stop" obliges nobody)."""
        near = {head.i} | {
            c.i for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos", "conj")
        }
        if _is_pronoun(head) or any(i in self._tok_mention for i in near):
            return self.parties(head)
        return []

    def _obligations(self) -> list[Event]:
        """Reported obligations are demands: speaker -> the obliged clause's subject."""
        out: list[Event] = []
        for verb in self.tokens:
            if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ccomp", "acl"):
                continue
            speech = self._obliged(verb)
            if speech is None:
                continue
            subj = self._children(verb, "nsubj", "nsubjpass")
            if not subj:
                continue
            content = verb if verb.i in self.entries else None
            frontier = [verb]
            while content is None and frontier:  # "must be ready to mediate", "must hand over X"
                cur = frontier.pop(0)
                for c in self._children(cur, "dobj", "xcomp", "acomp"):
                    if c.i in self.entries:
                        content = c
                        break
                    frontier.append(c)
            code = self.lex.compose("demand", self.entries[content.i].cameo) if content is not None else "100"
            sources, _ = self.subject(speech)
            if not sources:
                continue
            self.exclude = {p.code for p in sources}
            targets = self._keep(self._direct_parties(subj[0]))
            self.exclude = set()
            if not targets:
                continue
            weight = self.entries[content.i].weight if content is not None else 0.6
            out.extend(
                self._emit(
                    content or verb,
                    code or "100",
                    weight,
                    sources,
                    targets,
                    "asserted",
                    False,
                    self._clause_depth(speech),
                    True,
                    self._quote_for(verb),
                )
            )
        return out

    def _self_frame(self, tok: Any, frame_heads: set[int]) -> bool:
        """Allegation verbs are events themselves even when they govern a complement."""
        return "allege" in self._frames(tok)

    def _code_trigger(self, tok: Any, entry: Entry, frame: _Frame | None, speech: Any) -> list[Event]:
        code = entry.cameo
        nominal = tok.pos_ == "NOUN"
        if nominal and code == "057" and self.light_of(tok) is None and not self._between(tok):
            return []  # "broad agreement in Congress": an agreement noun is an event only when signed/reached
        if code[:2] in ("18", "19", "20") and any(self.lex.has_cue(t.lower_, "hazard") for t in self.tokens):
            return []  # "was struck by Cyclone Chido"
        if code[:2] in ("18", "19", "20") and self._nonviolent(tok):
            return []  # "trade war", "retaliate with tariffs"
        if code[:2] == "04" and any(
            self.lex.has_cue(p.lemma_, "reception")
            for c in self._children(tok, "prep")
            for p in self._children(c, "pobj")
        ):
            return []  # "met with opposition"
        if code[:2] in ("18", "19", "20") and not nominal and self._criticised_for(tok):
            code = "111"  # "attacked the newspaper for refusing to...": a verbal attack
        said = self._protested_clause(tok) if code[:2] == "14" and not nominal else None
        if said is not None:
            code = "111"  # "protested that the government had rigged the vote": a denunciation
        if nominal and code[:2] == "15" and self._joint(tok):
            code = "062"  # joint exercises, drills with a partner: military cooperation
        light_head = self.light_of(tok) if tok.pos_ == "NOUN" else None
        mod = modality_of(light_head if light_head is not None else tok, self.inside)
        if light_head is not None and is_negated(tok):
            mod = replace(mod, negated=True)  # "made no reference", "held no talks"
        if (
            tok.dep_ in ("xcomp", "dobj")
            and self._in(tok.head)
            and self.lex.has_cue(tok.head.lemma_, "cessation")
        ):
            mod = replace(mod, negated=True)  # "must stop killing civilians"
        label = mod.label
        composed = False
        # negation: drop, except "has not ruled out" and negated complements of appeals
        if mod.negated and frame is None:
            if (mod.future or mod.would) and code[:2] in COOPERATIVE_ROOTS | {"03"}:
                frame = _Frame("refuse", tok)  # "will not meet", "would not allow": a refusal
                mod = replace(mod, negated=False)
            else:
                return []
        if "allege" in self._frames(tok):
            code = self._allegation_code(tok, code)
        if (
            frame is None
            and "threat" in self._frames(tok)
            and any(c.lemma_ == "be" for c in self._children(tok, "ccomp"))
        ):
            return []  # "warned that X is dangerous": a judgement, coded by _quoted_judgements
        if frame is not None:
            fmod = modality_of(frame.token, self.inside) if frame.token is not tok else mod
            if fmod.negated:
                return []
            kind = frame.kind
            root = code[:2]
            if mod.negated:
                if kind in ("appeal", "demand", "intent") and root in CONFLICT_ROOTS:
                    code = "087"
                else:
                    return []
            posture = (
                kind == "intent"
                and code[:2] in ("18", "19", "20")
                and frame.token.lemma_.lower() in POSTURE_VERBS
                and not fmod.future
            )
            if kind == "intent" and code[:2] in CONFLICT_ROOTS:
                kind = "threat"
            if posture:  # "the army prepared to resume shelling": a show of force, not a spoken threat
                kind, new = "posture", "150"
            elif kind == "intent" and code[:2] in ("10", "11", "12"):
                new = code
            else:
                new = self.lex.compose(kind, code) or code
            code = new
            composed = True
            label = {"threat": "threatened", "intent": "intended"}.get(kind, "asserted")
            if (fmod.conditional or mod.conditional) and kind != "threat":
                label = "conditional"  # a threat is usually conditional: it stays a threat
        elif (
            (mod.future or mod.would or mod.hypothetical)
            and mod.conditional
            and code[:2] not in VERBAL_CONFLICT
        ):
            hostile = code[:2] in CONFLICT_ROOTS or code[:3] in ("087", "084") or self._unless(tok)
            if hostile:  # "will withdraw unless...", "will strike if...": a threat
                code = self.lex.compose("threat", code) or code
                label = "threatened"
            else:  # "would meet him if he...": a conditional offer
                code = self.lex.compose("intent", code) or code
                label = "conditional"
            composed = True
        elif mod.future or (mod.would and speech is not None):
            if code[:2] in COOPERATIVE_ROOTS:
                code = self.lex.compose("intent", code) or code
                label = "intended"
                composed = True
            elif code[:2] in CONFLICT_ROOTS and not mod.conditional:
                code = self.lex.compose("threat", code) or code
                label = "threatened"
                composed = True
        if code in ("130", "131") and self._military(frame.token if frame else tok, tok):
            code = "138"
        if code in MILITARY_SPECIFIC and self._military(tok, tok):
            code = MILITARY_SPECIFIC[code]
        if code[:2] == "13" and label == "asserted":
            label = "threatened"  # a threat is never an accomplished act
        # participants: sources first, so that a target is never the source itself
        passive = False
        if frame is not None and frame.token.pos_ == "NOUN":
            sources = self.noun_source(frame.token)
            if not sources and frame.token.dep_ == "dobj":
                sources = self.subject(frame.token.head)[0]
        elif frame is not None:
            sources, _ = self.subject(frame.token)
        elif nominal:
            sources = self.noun_source(tok)
        elif self._stative_passive(tok):  # "two soldiers stand accused of the bombing"
            passive = True
            agents = [p for a in self._children(tok, "agent") for p in self._children(a, "pobj")]
            sources = self.parties(agents[0]) if agents else []
        else:
            sources, passive = self.subject(tok)
            subj = self._children(tok, "nsubj")
            violent = code[:2] in ("18", "19", "20")
            by_noun = violent and subj and subj[0].i in self.entries
            if not sources and by_noun and self.entries[subj[0].i].cameo[:2] in ("18", "19", "20"):
                sources = self.noun_source(subj[0])  # "US drone strikes killed..."
            if not sources and passive and code[:3] in SELF_DIRECTED and not self._children(tok, "agent"):
                patient = self._children(tok, "nsubjpass")  # "the guerrillas have been demobilized"
                sources = self.parties(patient[0]) if patient else []
                passive = False
        if not sources and not passive and code[:2] not in ("18", "19", "20"):
            sources = self._speaker_fallback(tok, speech)  # speakers describe attacks, not commit them
        sources = [self._localize(tok, p) for p in sources]  # "police in Algiers" -> DZACOP
        self.exclude = {(p.unplaced or p.ref).code for p in sources}
        if frame is not None:
            if frame.kind in ("appeal", "demand"):
                targets = (
                    self._clause_addressee(tok)
                    or self._addressee(frame.token)
                    or self._content_target(tok, code, nominal)
                )
            elif frame.kind == "refuse":
                targets = self._proposal_source(frame.token) or self._content_target(tok, code, nominal)
            else:
                targets = self._content_target(tok, code, nominal)
        elif nominal:
            targets = self.noun_target(tok) or self._clause_addressee(tok)
        else:
            if self._frames(tok) & {"appeal", "demand"}:  # "called for reforms": reforms are no target
                targets = self._addressee(tok) or self._keep(
                    self._prep_targets(tok, ("from", "against", "with"))
                )
                for c in self._children(tok, "dobj"):  # "demanded support from the assembly"
                    targets = targets or self._prep_targets(c, ("from",))
            else:
                targets = self.verb_target(tok, code[:2], passive, entry.particle)
        if said is not None:
            subj = self._children(said, "nsubj", "nsubjpass")
            targets = self._keep(self.parties(subj[0])) if subj else targets
        if not targets and code[:2] == "14":
            targets = self._purpose_target(light_head if light_head is not None else tok)
        if not targets and entry.cameo[:2] == "07" and not nominal:
            targets = self._helped(tok)  # "send equipment to help defend Saudi Arabia"
        if not targets and frame is not None and frame.token is not tok:
            targets = (
                self._keep(self.verb_target(frame.token, code[:2], False))
                if frame.token.pos_ == "VERB"
                else []
            )
        if not targets and code[:2] == "13":
            targets = self._condition_subject(frame.token if frame is not None else tok)
            targets = targets or self._threat_place(frame.token if frame is not None else tok)
        if not targets and code[:2] == "09":  # "sent inspectors to a plant in central Iran"
            targets = self._visited_place(light_head if light_head is not None else tok)
        if not targets and code[:2] == "12":  # "refused to respond to a demand from X"
            targets = self._proposer(frame.token if frame is not None else tok)
        if code[:2] in ("18", "19", "20"):  # "hit Odesa with drones": weapons are no victims
            targets = [t for t in targets if not self._weapon(t)]
        if not sources and targets and not nominal and code[:2] in ("18", "19", "20"):
            sources = self._locative_source(tok)
            if any(p.span == t.span for p in sources for t in targets):
                sources = []  # "three civilians were killed in Baghdad"
        if sources and not targets and not nominal and code[:2] in ("18", "19", "20"):
            self.exclude = {(p.unplaced or p.ref).code for p in sources}
            targets = self._place_target(tok)  # "tanks fired shells at targets in Jericho"
        domestic = entry.cameo.startswith(DOMESTIC_PREFIXES) or code.startswith(DOMESTIC_PREFIXES)
        if (
            not targets
            and domestic
            and sources
            and state_of(sources[0].ref.country)
            and not (nominal and light_head is None)
        ):
            cc = sources[0].ref.country  # curfews, bans, protests, concessions: the country itself
            targets = [Party(ActorRef(text=None, name=cc, code=cc, country=cc), None, "implied")]
        self.exclude = set()
        if not sources:
            return []
        targetless_ok = not nominal or frame is not None or light_head is not None
        quote = self._quote_for(tok)
        depth = self._clause_depth(light_head if light_head is not None else tok)
        if light_head is not None:
            nominal = False  # "held talks", "staged a protest": as good as a verb
        return self._emit(
            tok, code, entry.weight, sources, targets, label, nominal, depth, composed, quote, targetless_ok
        )

    def _protested_clause(self, verb: Any) -> Any | None:
        """The that-clause a protest verb reports ("protested that X had..."): then the protest
        is spoken, a denunciation of the clause's subject, not a demonstration."""
        if verb.lemma_.lower() != "protest":
            return None
        for c in self._children(verb, "ccomp"):
            if self._children(c, "nsubj", "nsubjpass"):
                return c
        return None

    def _criticised_for(self, verb: Any) -> bool:
        """ "Attacked X for refusing...", "attacked X for its handling of...": an attack with a
        stated reason is criticism, not violence ("attacked the convoy for hours" is not)."""
        if verb.lemma_.lower() not in VERBAL_ATTACK_VERBS:
            return False
        for prep in self._children(verb, "prep"):
            if prep.lower_ != "for":
                continue
            if self._children(prep, "pcomp"):
                return True
            if any(self._children(p, "poss") for p in self._children(prep, "pobj")):
                return True
        return False

    def _proposer(self, verb: Any) -> list[Party]:
        """Who made the demand, call or offer that a rejection answers: "from/by X" on such a
        noun anywhere in the rejecting clause."""
        scope, chain = [], [verb]
        while chain:  # the clause and its infinitive complements ("refused to respond to")
            cur = chain.pop()
            scope.extend(self._arg_tokens(cur))
            chain.extend(self._children(cur, "xcomp"))
        for t in scope:
            if t.pos_ == "NOUN" and t.lemma_.lower() in PROPOSAL_NOUNS:
                found = self._keep(self._prep_targets(t, ("from", "by")))
                if found:
                    return found
        return []

    def _weapon(self, party: Party) -> bool:
        """A countryless party named by a weapon word ("drones", "missiles")."""
        words = (party.ref.text or "").lower().split()
        return party.ref.country is None and bool(words) and self.lex.has_cue(words[-1], "weapon")

    def _locative_source(self, tok: Any) -> list[Party]:
        """Violence without a named perpetrator ("were killed in a car bombing in Baghdad"):
        the country where it happened stands in as the source (the PLOVER/CAMEO convention
        for unattributed domestic violence), at low confidence."""
        clause = tok
        while clause.dep_ in ("conj", "xcomp") and self._in(clause.head):
            clause = clause.head
        scope = [t for t in clause.subtree if self._in(t)]
        for prep in scope:
            if prep.dep_ != "prep" or prep.lower_ not in LOCATIVE_PREPS:
                continue
            for t in prep.subtree:
                m = self._tok_mention.get(t.i)
                if m is None or not state_of(m.actor.country) or m.actor.country in self.exclude:
                    continue
                if self._depth_to(t, prep) is None or self._quote_of(t) is not None:
                    continue
                cc = m.actor.country
                ref = ActorRef(text=m.text, name=cc, code=cc, country=cc)
                return [Party(ref, (m.start, m.end), "location")]
        for prep in scope:  # a place no actor names: "a roadside bomb near the town of Samarra"
            if prep.dep_ == "prep" and prep.lower_ in LOCATIVE_PREPS:
                found = self._places_in(prep)
                if found:
                    return found
        return []

    def _place_target(self, verb: Any) -> list[Party]:
        """The country of the place violence was aimed at when no actor is named there
        ("fired four shells at targets in Jericho"): its preposition phrases, nested ones too."""
        for prep in self._children(verb, "prep"):
            if prep.lower_ in ("at", "on", "in", "into", "near", "against", "upon"):
                found = self._places_in(prep)
                if found:
                    return found
        return []

    def _places_in(self, prep: Any) -> list[Party]:
        """Gazetteer places inside a preposition phrase, as country parties (low confidence)."""
        places = self._places()
        if not places:
            return []
        for t in prep.subtree:
            if not self._in(t) or t.pos_ != "PROPN" or self._quote_of(t) is not None:
                continue
            s, e = self._off(t)
            for start, end, loc in places:
                cc = loc.country
                if start < e and s < end and cc and cc not in self.exclude:
                    ref = ActorRef(text=loc.name, name=cc, code=cc, country=cc)
                    return [Party(ref, (start, end), "location")]
        return []

    def _places(self) -> list[tuple[int, int, Any]]:
        """Places named in the sentence (clean-text offsets), looked up once per sentence."""
        if self._place_hits is None:
            gazetteer = self.coder.places
            start = self.ps.sentence.start
            found = gazetteer.find_places(self.ps.sentence.text) if gazetteer is not None else []
            self._place_hits = [(start + s, start + e, loc) for s, e, loc in found]
        return self._place_hits

    def _unless(self, tok: Any) -> bool:
        """Whether the trigger's clause chain carries an "unless" condition."""
        cur = tok
        for _ in range(4):
            for c in self._children(cur, "advcl"):
                if any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children):
                    return True
            if cur.dep_ not in ("xcomp", "conj", "ccomp") or not self._in(cur.head):
                return False
            cur = cur.head
        return False

    def _nonviolent(self, tok: Any) -> bool:
        words = [t for t in tok.subtree if t.i < tok.i] + [c for c in tok.children if c.dep_ == "nmod"]
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "with":
                words.extend(prep.subtree)
        return any(self.lex.has_cue(w.lower_, "nonviolent") for w in words)

    def _joint(self, tok: Any) -> bool:
        return any(
            c.lower_ in ("joint", "combined", "allied", "bilateral", "trilateral") for c in tok.children
        ) or any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children)

    def _allegation_code(self, tok: Any, code: str) -> str:
        for c in self.content_of(tok):
            root = self.entries[c.i].cameo[:2]
            if root in ("15", "18", "19", "20"):
                return "1123"
        for t in tok.subtree:
            if self._in(t) and self.lex.evaluative(t.lemma_) == "1123" and t.i != tok.i:
                return "1123"
        return code

    def _military(self, frame_tok: Any, tok: Any) -> bool:
        for t in list(frame_tok.subtree) + list(tok.subtree):
            if self._in(t) and self.lex.has_cue(t.lower_, "military"):
                return True
        return False

    def _addressee(self, frame_tok: Any) -> list[Party]:
        for dep in ("dobj", "dative"):
            for c in self._children(frame_tok, dep):
                found = self.parties(c)
                if found:
                    return found
        for c in self._children(frame_tok, "dobj"):
            entry = self.entries.get(c.i)
            if entry is not None and entry.cameo[:2] == "08":  # "demanded the withdrawal of Serbian forces"
                for prep in self._children(c, "prep"):
                    if prep.lower_ == "of":
                        found = self._keep([p for o in self._children(prep, "pobj") for p in self.parties(o)])
                        if found:
                            return found
        for c in self._children(frame_tok, "prep"):
            if c.lower_ in ("on", "upon", "to"):
                for p in self._children(c, "pobj"):
                    found = self.parties(p)
                    if found:
                        return found
        for c in self._children(frame_tok, "ccomp", "acl"):
            subj = self._children(c, "nsubj", "nsubjpass")
            if subj:
                found = self.parties(subj[0])
                if found:
                    return found
        return []

    def _clause_addressee(self, noun: Any) -> list[Party]:
        """Who a demand or appeal noun is addressed to when its content is a clause: the
        clause's subject ("its demands that Burundi's government grant more rights")."""
        if noun.pos_ != "NOUN" or not (self._frames(noun) & {"demand", "appeal"}):
            return []
        for c in self._children(noun, "acl", "ccomp"):
            subj = self._children(c, "nsubj", "nsubjpass")
            if subj:
                found = self._keep(self.parties(subj[0]))
                if found:
                    return found
        return []

    def _proposal_source(self, verb: Any) -> list[Party]:
        """Whose call, appeal or offer a refusal answers: the owner of the refused proposal
        noun ("rejected a United Nations appeal for...", "rebuffed Israel's offer of...")."""
        for c in self._children(verb, "dobj"):
            if c.lemma_.lower() in PROPOSAL_NOUNS:
                found = self._keep(self.noun_source(c))
                if found:
                    return found
        return []

    def _content_target(self, tok: Any, code: str, nominal: bool) -> list[Party]:
        if nominal and code[:2] == "12":  # "opposed French mediation with Syria": France is rejected
            found = self._keep(self.noun_source(tok))
            return found or self.noun_target(tok)
        if nominal:
            found = self.noun_target(tok)
            if not found and code[:2] in ("10", "11", "12"):
                found = self.noun_source(tok)  # "rejected Israel's demand": the demander
            return found
        subj = self._children(tok, "nsubj")
        passive = bool(self._children(tok, "nsubjpass"))
        found = self.verb_target(tok, code[:2], passive)
        if not found and subj and code[:2] in ("02", "10"):
            found = self.parties(subj[0])
        return found

    def _speaker_fallback(self, tok: Any, speech: Any) -> list[Party]:
        q = self._quote_of(tok)
        if q is not None and q in self.state.speakers:
            return [replace(p, via="speaker") for p in self.state.speakers[q]]
        return []

    def _quote_for(self, tok: Any) -> Quote | None:
        q = self._quote_of(tok)
        if q is None:
            return None
        speakers = self.state.speakers.get(q) or []
        name = self.state.speaker_text.get(q)
        if name is None and speakers:
            name = speakers[0].ref.text or speakers[0].ref.name
        return Quote(text=self.state.quotes[q].text, speaker=name)

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

    def _background(self, tok: Any) -> bool:
        """Whether the trigger sits in background material: a relative clause ("a resolution
        that aims to impose a blockade"), an adverbial clause of time or cause ("after a jet
        shot down a helicopter", "as police cracked down") or a temporal/causal phrase
        ("following the killing of", "in the wake of the execution")."""
        cur = tok
        for _ in range(12):
            head = cur.head
            if head.i == cur.i or not self._in(head):
                return False
            if cur.dep_ == "relcl" or (
                cur.dep_ == "acl"
                and cur.pos_ in ("VERB", "AUX")
                and head.lemma_.lower() not in PROPOSAL_NOUNS | CARRIER_NOUNS | DECISION_NOUNS
                and not self._frames(head)
            ):
                return True  # not "its demand that Israel ease", "the decision to cut aid": contents
            if cur.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in cur.children
            ):
                return True
            if cur.dep_ in ("pobj", "pcomp") and head.dep_ == "prep":
                if head.lower_ in BACKGROUND_PREPS:
                    return True
                if head.lower_ == "of" and head.head.lemma_.lower() in BACKGROUND_CARRIERS:
                    return True
            if cur.dep_ == "prep" and cur.lower_ in BACKGROUND_PREPS and cur.pos_ == "SCONJ":
                return True
            cur = head
        return False

    def _emit(
        self,
        tok: Any,
        code: str,
        weight: float,
        sources: list[Party],
        targets: list[Party],
        label: str,
        nominal: bool,
        depth: int,
        composed: bool,
        quote: Quote | None,
        targetless_ok: bool = False,
    ) -> list[Event]:
        from flashpoint.ontology import ONTOLOGY_VERSION, cameo, is_cameo, plover_for

        if not is_cameo(code):
            logger.debug("unknown code %s from %s", code, tok.text)
            return []
        root = code[:2]
        pairs: list[tuple[Party, Party | None]] = []
        if targets:
            pairs = [
                (s, t)
                for s in sources
                for t in targets
                if (s.unplaced or s.ref).code != t.code or t.via == "implied"
            ]
            if root == "04":  # speaking to reporters is not a consultation
                pairs = [(s, t) for s, t in pairs if t.ref.agent not in PRESS_AGENTS]
        elif len(sources) > 1 and root == "15" and tok.lemma_.lower() in EXERCISE_NOUNS:
            code, root = "062", "06"  # "French and Egyptian warships launched war games"
            pairs = [(s, t) for s in sources for t in sources if s.code != t.code]
        elif len(sources) > 1 and root in RECIPROCAL_ROOTS:
            pairs = [(s, t) for s in sources for t in sources if s.code != t.code]
            # "X said there is communication between him and Y": only X vouches for it
            reporters = {p.code for p in self._reporter_of(self._clause_child(tok))}
            if reporters & {s.code for s in sources}:
                pairs = [(s, t) for s, t in pairs if s.code in reporters]
        elif targetless_ok and root not in VICTIM_ROOTS and label not in ("hypothetical", "conditional"):
            pairs = [(s, None) for s in sources]  # a meeting or visit without a partner is no event
        info = cameo(code)
        trig = self._off(tok)
        background = self._background(tok)
        out = []
        said_by_source = quote is not None and not quote.speaker and self._quote_of(tok) is None
        pairs = [self._localize_pair(tok, s, t) for s, t in pairs]
        for s, t in pairs:
            if said_by_source and quote is not None and s.ref.text and not _is_pronoun_text(s.ref.text):
                quote = replace(quote, speaker=s.ref.text)  # "X called him a 'smart guy'"
            dist = 0
            if s.span is not None:  # words between the source and the trigger
                lo, hi = min(s.span[0], trig[0]), max(s.span[1], trig[1])
                start = self.ps.sentence.start
                dist = len(self.ps.sentence.text[lo - start : hi - start].split())
            conf = confidence.score(
                confidence.Evidence(
                    weight=weight,
                    source_via=s.via,
                    target_via=t.via
                    if t is not None
                    else ("untargeted" if root in NEEDS_TARGET_ROOTS else "none"),
                    nominal=nominal,
                    depth=depth,
                    distance=dist,
                    modality=label,
                    ner_agrees=self._ner_agrees(s),
                    composed=composed,
                    background=background,
                )
            )
            out.append(
                Event(
                    doc_id=self.article.doc_id,
                    sentence_index=self.ps.sentence.index,
                    sentence=self.ps.sentence.text,
                    source=s.ref,
                    target=t.ref if t is not None else ActorRef(),
                    cameo=code,
                    cameo_root=info.root,
                    cameo_name=info.name,
                    goldstein=info.goldstein,
                    quad_class=info.quad_class,
                    plover=plover_for(code),
                    modality=label,
                    quote=quote,
                    evidence=Evidence(source=s.span, trigger=trig, target=t.span if t is not None else None),
                    confidence=conf,
                    coder=f"{CODER_NAME}/{CODER_VERSION}",
                    ontology=ONTOLOGY_VERSION,
                )
            )
        return out

    def _localize_pair(self, tok: Any, source: Party, target: Party | None) -> tuple[Party, Party | None]:
        """Both parties localized (a domestic event: an unplaced sector shares the other
        party's country), unless that would make them one and the same actor."""
        s = self._localize(tok, source, target)
        t = self._localize(tok, target, source) if target is not None else None
        if t is not None and _bare(t.ref) and s is not source and s.ref.country:
            t = replace(t, ref=replace(t.ref, code=s.ref.country + (t.ref.code or ""), country=s.ref.country))
        if t is not None and _bare(s.ref) and t is not target and t.ref.country:
            s = replace(s, ref=replace(s.ref, code=t.ref.country + (s.ref.code or ""), country=t.ref.country))
        if t is not None and _bare(t.ref) and t.ref.agent != "REF" and self._domestic_country(s):
            t = _place_party_in(t, self._domestic_country(s))  # refugees come from elsewhere
        elif t is not None and _bare(s.ref) and s.ref.agent != "REF" and self._domestic_country(t):
            s = _place_party_in(s, self._domestic_country(t))
        s = self._document_localize(s, t)
        t = self._document_localize(t, s) if t is not None else None
        if t is not None and s.code == t.code and t.via != "implied":
            return _unplace(source), _unplace(target) if target is not None else None
        return s, t

    def _document_localize(self, party: Party, other: Party | None) -> Party:
        """A bare sector still unplaced ("police", "militants", "protesters") in a story about
        one state is most likely of that state: the document's dominant state (see
        `_dominant_state`), at the lower "context" confidence.  Not for the sectors of
        `DOCUMENT_FOREIGN`, nor against that state's own army ("Israeli troops killed
        militants" in a story about Israel)."""
        if not _bare(party.ref) or party.ref.agent in DOCUMENT_FOREIGN:
            return party
        dominant = self._dominant_state()
        if dominant is None:
            return party
        if other is not None and other.ref.agent == "MIL" and state_of(other.ref.country) == dominant:
            return party
        return _place_party_in(party, dominant)

    def _dominant_state(self) -> str | None:
        """The state named in at least 60% (and at least 3) of the document's state mentions."""
        if self.state.dominant is None:
            mentions = self.context.mentions if self.context is not None else self.mentions
            counts: dict[str, int] = {}
            for m in mentions:
                cc = state_of(m.actor.country)
                if cc is not None:
                    counts[cc] = counts.get(cc, 0) + 1
            top = max(counts, key=lambda c: counts[c]) if counts else None
            total = sum(counts.values())
            ok = top is not None and counts[top] >= 3 and counts[top] >= 0.6 * total
            self.state.dominant = (top if ok else None,)
        return self.state.dominant[0]

    def _domestic_country(self, party: Party) -> str | None:
        """The country of an event that reads as domestic: ``party`` is a non-military sector
        of a state ("Fijian rebels", "the Mozambique government", "Egyptian police") and that
        state is the only one the sentence names, so the unplaced other party ("the prime
        minister", "rebels", "demonstrators") is most likely of the same country.  Armies are
        left out: they fight abroad as often as at home ("Israeli troops killed militants")."""
        cc = state_of(party.ref.country)
        if cc is None or party.ref.agent in (None, "MIL") or party.unplaced is not None:
            return None
        named = {m.actor.country for m in self.mentions if state_of(m.actor.country)}
        return cc if named == {cc} else None

    def _localize(self, tok: Any, party: Party, other: Party | None = None, anywhere: bool = True) -> Party:
        """A bare sector ("rebels", "police", "protesters") placed in a named country is that
        country's sector: "rebels in the Ivory Coast" -> CIVREB, "demonstrated in Serbia".
        The place must be in the actor's own phrase or the event's clause, or be the only
        country the sentence names, when the event is not about that country itself ("the
        ministers voiced concern over China" does not make them Chinese)."""
        ref = party.ref
        if not _bare(ref):
            return party
        cc = None
        if party.span is not None:
            for t in self.tokens:
                if party.span[0] <= self.base + t.idx < party.span[1]:
                    np = t
                    while np.dep_ in ("compound", "amod", "nmod", "poss") and self._in(np.head):
                        np = np.head
                    cc = self._place_in([x for x in np.subtree if self._in(x)])
                    break
        if cc is None:
            light = self.light_of(tok) if tok.pos_ == "NOUN" else None
            cc = self._place_in(self._arg_tokens(light if light is not None else tok))
        if cc is None and anywhere:
            countries = {m.actor.country for m in self.mentions if state_of(m.actor.country)}
            other_cc = other.ref.country if other is not None else None
            if len(countries) == 1 and other_cc not in countries:
                cc = countries.pop()
        if cc is None:
            return party
        return replace(party, ref=replace(ref, code=cc + (ref.code or ""), country=cc), unplaced=ref)

    def _place_in(self, tokens: list[Any]) -> str | None:
        """The country of the first place named after a locative preposition among ``tokens``."""
        ids = {t.i for t in tokens}
        for prep in sorted(tokens, key=lambda x: x.i):
            if prep.dep_ != "prep" or prep.lower_ not in LOCATIVE_PREPS or self._quote_of(prep) is not None:
                continue
            for t in prep.subtree:
                m = self._tok_mention.get(t.i)
                if t.i in ids and m is not None and m.actor.country and m.actor.kind == "country":
                    return m.actor.country
        return None

    def _ner_agrees(self, party: Party) -> bool:
        """Whether the named-entity recogniser marks any token of the party (a confidence
        hint).  A parse without entity annotation (the pipeline ran without ``ner``) is
        neutral: no entity type is no evidence against the party."""
        if party.span is None:
            return True
        if self._has_ner is None:
            self._has_ner = bool(self.ps.span.doc.has_annotation("ENT_IOB"))
        if not self._has_ner:
            return True
        for t in self.tokens:
            off = self.base + t.idx
            if party.span[0] <= off < party.span[1] and t.ent_type_:
                return True
        return False

    # ------------------------------------------------------------------ judgements
    def _evaluations(self) -> list[Event]:
        """ "X described Y as a smart guy" / "calling him a ... guy" -> praise or criticism."""
        out: list[Event] = []
        for tok in self.tokens:
            if tok.pos_ != "VERB" or "evaluate" not in self._frames(tok):
                continue
            objs = self._children(tok, "dobj")
            preds = self._children(tok, "oprd", "xcomp", "ccomp", "attr")
            for prep in self._children(tok, "prep"):
                if prep.lower_ == "as":
                    preds += self._children(prep, "pobj")
            if not objs and preds:
                # "calling him a guy" may parse as ccomp(guy) with nsubj(him)
                inner = [c for p in preds for c in self._children(p, "nsubj")]
                objs = inner
            if not objs or not preds:
                continue
            code = self._polarity(preds)
            if code is None or modality_of(tok, self.inside).negated:
                continue
            targets = self.parties(objs[0])
            sources, _ = self.subject(tok)
            if not sources and tok.dep_ in ("acl", "advcl"):
                head = tok.head
                if self._in(head) and head.pos_ == "NOUN":
                    sources = self.noun_source(head)
            if not sources or not targets:
                continue
            out.extend(
                self._emit(
                    tok,
                    code,
                    0.75,
                    sources,
                    targets,
                    "asserted",
                    False,
                    self._clause_depth(tok),
                    False,
                    self._quote_for(preds[0]),
                )
            )
        return out

    def _polarity(self, preds: list[Any]) -> str | None:
        for p in preds:
            words = [p] + [c for c in p.subtree if c.dep_ in ("amod", "compound", "advmod", "acomp")]
            for w in words:
                if not self._in(w):
                    continue
                code = self.lex.evaluative(w.lemma_) or self.lex.evaluative(w.lower_)
                if code:
                    return code
        return None

    def _quoted_judgements(self) -> list[Event]:
        """Inside a quote or a reported clause: "<X's actions> are an open threat" -> the
        speaker accuses X."""
        out: list[Event] = []
        for tok in self.tokens:
            if tok.dep_ not in ("attr", "acomp") or tok.head.lemma_ != "be" or not self._in(tok.head):
                continue
            cop = tok.head
            q = self._quote_of(tok)
            sources: list[Party] = []
            if q is not None and q in self.state.speakers:
                sources = self.state.speakers[q]
            elif cop.dep_ == "ccomp" and self._in(cop.head) and self._frames(cop.head) & {"speech", "threat"}:
                sources = self.subject(cop.head)[0]  # "X warned that Y's moves are dangerous"
            if not sources:
                continue
            subj = self._children(cop, "nsubj")
            if not subj or (_is_pronoun(subj[0]) and subj[0].lower_ in FIRST_PERSON):
                continue
            code = self._polarity([tok] + [c for c in tok.conjuncts if self._in(c)])
            if code is None or modality_of(cop, self.inside).negated:
                continue
            targets = self.parties(subj[0], allow_owned=True)
            if not targets:
                continue
            out.extend(
                self._emit(
                    tok,
                    code,
                    0.7,
                    [replace(s, via="speaker") for s in sources],
                    targets,
                    "asserted",
                    True,
                    self._clause_depth(cop),
                    False,
                    self._quote_for(tok),
                )
            )
        return out

    # ------------------------------------------------------------------ discourse memory
    def attribute_quotes(self) -> None:
        """Give each quote overlapping this sentence a speaker: the subject of the reporting
        verb next to it, "according to X", or the previous quote's speaker."""
        state = self.state
        for k, q in enumerate(state.quotes):
            s0, s1 = self.ps.sentence.start, self.ps.sentence.end
            if k in state.speakers or q.end < s0 or q.start > s1:
                continue
            verb = speech_verb_for(q, self.tokens, self.base, self.coder._speech)
            found: list[Party] = []
            phrase: str | None = None
            if verb is not None:
                found = self.subject(verb)[0]
                subj = self._children(verb, "nsubj")
                phrase = self._phrase(subj[0]) if subj else None
                if not found:
                    for prep in self._children(verb, "agent"):
                        for p in self._children(prep, "pobj"):
                            found = self.parties(p)
                            phrase = phrase or self._phrase(p)
            if not found:
                for t in self.tokens:
                    if t.lower_ == "according" and self._in(t):
                        for prep in self._children(t, "prep"):
                            for p in self._children(prep, "pobj"):
                                found = found or self.parties(p)
                                phrase = phrase or self._phrase(p)
            if not found and not phrase:  # 'X vowed to "deter..."': the clause the quote completes
                found, phrase = self._governing_speaker(q)
            ends_here = q.end <= s1 + 1
            near = k > 0 and q.start - state.quotes[k - 1].end < 400
            if not found and not phrase and ends_here and near and (k - 1) in state.speakers:
                found = state.speakers[k - 1]
                phrase = state.speaker_text.get(k - 1)
            if found:
                state.speakers[k] = found
            if phrase is None and found and found[0].ref.text and not _is_pronoun_text(found[0].ref.text):
                phrase = found[0].ref.text  # "he said": the name the pronoun stands for
            if phrase:
                state.speaker_text[k] = phrase

    def _governing_speaker(self, q: QuoteSpan) -> tuple[list[Party], str | None]:
        """The subject of the verb outside a quote that the quoted words complete."""
        inside = [t for t in self.tokens if q.start <= self.base + t.idx < q.end]
        if not inside:
            return [], None
        cur = inside[0]
        for _ in range(8):
            head = cur.head
            if head.i == cur.i or not self._in(head):
                return [], None
            cur = head
            if not (q.start <= self.base + cur.idx < q.end) and cur.pos_ == "VERB":
                break
        else:
            return [], None
        found, passive = self.subject(cur)
        if passive or not found:
            return [], None
        subj = self._children(cur, "nsubj")
        return found, (self._phrase(subj[0]) if subj else None)

    def remember(self) -> None:
        """Update the last named actors and the last plural actor set."""
        state = self.state
        text = self.ps.sentence.text.rstrip().rstrip("\"”’')")
        if not text.endswith((".", "!", "?")):
            return  # a headline or a caption: not part of the running discourse
        if self._memory_heads is None:  # the parse is fixed: find the heads once for both passes
            roots = [self._children(tok, "nsubj") for tok in self.tokens if tok.dep_ == "ROOT"]
            self._memory_heads = (
                [subj[0] if subj else None for subj in roots],
                [tok for tok in self.tokens if tok.i in self._tok_mention and tok.conjuncts],
            )
        subjects, coordinated = self._memory_heads
        for head in subjects:
            for p in self.parties(head) if head is not None else []:
                if state_of(p.ref.country):
                    state.last_subject_country = p
                    break
        named = sorted(self.mentions, key=lambda m: m.start)
        for m in named:
            if m.text.lower().startswith(("the country", "the nation")):
                continue
            party = self._party(m)
            if m.actor.kind == "person":
                state.last_person = party
            else:
                state.last_singular = party
            if state_of(m.actor.country) and m.actor.kind in ("country", "sector", "person"):
                cc = m.actor.country
                state.last_country = Party(
                    ActorRef(text=m.text, name=m.actor.name, code=cc, country=cc), party.span, "named"
                )
        for tok in coordinated:
            group = self.parties(tok)
            codes = {p.code for p in group}
            if len(codes) >= 2:
                state.recent_plural = group
                state.recent_plural_sentence = self.ps.sentence.index
                break


def is_negated_trigger(tok: Any) -> bool:
    """Whether a trigger token is directly negated (exposed for tests)."""
    return is_negated(tok)


__all__ = ["CODER_NAME", "CODER_VERSION", "Modality", "Party", "RulesCoder"]
