"""A coder driven by imported TABARI/PETRARCH dictionaries (``flashpoint.dict.v1``).

PETRARCH matched verb patterns against a CoreNLP constituency tree; we use the spaCy
dependency parse from :mod:`flashpoint.nlp` instead.  For every verb of a sentence that the
verbs dictionary knows:

1. the verb's patterns are matched against the words around it (``_`` = adjacent words, a
   blank = words may intervene, synsets, ``$``/``+``/``%``/``^`` actor slots); the most
   specific matching pattern (most elements, then file order) gives the code, otherwise the
   verb's own code;
2. the source is the actor phrase in the verb's subject (inherited through ``xcomp``/``conj``
   chains), the target the first actor phrase after the verb inside the verb's phrase (its
   subtree, run on to the next clause boundary of the word sequence, as TABARI read it); in
   the passive with a ``by`` agent the two swap; pattern slots override both;
3. coordinated actors give one event per (source, target) pair; agents in the actor's noun
   phrase (``Gondor's government``, ``soldiers from Gondor``) are appended (``~GOV``) or
   prefixed (``NGO~``) to the actor code; agents with no actor give ``---GOV``-style codes;
4. ``a:b`` codes give the reciprocal pair (``:b`` only the reverse event); ``---`` codes and
   placeholders without digits (``+++``, ``###``) give no event; codes that are not in
   the CAMEO table (legacy WEIS codes) are passed through with no name/Goldstein/QuadClass.

With ``require_dyad`` off, a verb with a source and a complement noun phrase that names no
actor gives a source-only event, unless the verb phrase governing it is coded (PETRARCH's
rule); with ``new_actor_length`` set, unknown subject/object noun phrases become quoted new
actors (TABARI).  A sentence containing a discard phrase yields no events; a story-level
discard phrase drops the whole article.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from flashpoint import ontology
from flashpoint._version import __version__
from flashpoint.coding.tabari import (
    DiscardList,
    PatternElement,
    VerbDictionary,
    VerbMatch,
    VerbPattern,
)
from flashpoint.models import Actor, ActorRef, Article, CleanText, Event, Evidence, Mention, Plover

logger = logging.getLogger(__name__)

CODER_NAME = "flashpoint.dict.v1"

_SUBJ = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
_INHERIT = ("xcomp", "conj", "acomp")
_NESTED = ("relcl", "acl", "ccomp", "advcl", "parataxis")
_MODIFIER = ("compound", "poss", "amod", "nmod", "nn", "npadvmod")
_OWNER_PREPS = ("of", "in", "from", "at", "for")


class MentionFinder(Protocol):
    """What the coder needs from an actor dictionary (``flashpoint.actors.ActorDictionary``)."""

    def find_mentions(self, text: str, when: date | None = None) -> list[Mention]: ...


@dataclass
class _Unit:
    """An actor or agent mention mapped onto the sentence's tokens."""

    first: int  # token index (local to the span)
    last: int  # inclusive
    mentions: list[Mention]
    agent: bool
    head: int = -1  # token index of the mention's syntactic head
    phrase: int = -1  # token index of the noun phrase the mention belongs to

    @property
    def text(self) -> str:
        return self.mentions[0].text


@dataclass(frozen=True)
class _Party:
    """A resolved event participant: its final code and where it came from."""

    code: str
    unit: _Unit = field(compare=False)
    mention: Mention = field(compare=False)
    agent: str | None = None


def _agent_code(mention: Mention) -> str | None:
    """The agent code of an agent mention (``~GOV`` -> ``GOV``); None for actors."""
    actor = mention.actor
    code = actor.code or ""
    if "~" in code:
        return code.replace("~", "").strip()
    if actor.kind == "sector":
        return (actor.agent or code).strip() or None
    return None


def _agent_is_prefix(mention: Mention) -> bool:
    code = (mention.actor.code or "").strip()
    return code.endswith("~") and not code.startswith("~")


class DictionaryCoder:
    """Codes parsed sentences with TABARI/PETRARCH verb dictionaries and an actor dictionary."""

    name = CODER_NAME

    def __init__(
        self,
        actors: MentionFinder,
        verbs: VerbDictionary,
        discards: DiscardList | None = None,
        require_dyad: bool = True,
        new_actor_length: int = 0,
    ) -> None:
        """``require_dyad=False`` also codes events whose target is unknown (PETRARCH's
        ``require_dyad`` option): the target is then an empty ``ActorRef``.
        ``new_actor_length`` > 0 codes a subject or object noun phrase that names no known actor,
        of at most that many words, as its quoted upper-case text (TABARI's "new actors",
        ``"THE MINISTRY OF MAGIC"``): a way to find actors missing from the dictionary."""
        self.actors = actors
        self.verbs = verbs
        self.discards = discards
        self.require_dyad = require_dyad
        self.new_actor_length = new_actor_length

    @property
    def coder_id(self) -> str:
        return f"{CODER_NAME}/{__version__}"

    # ------------------------------------------------------------------ public

    def code(
        self, article: Article, clean: CleanText, parsed: Sequence[Any], when: date | None = None
    ) -> list[Event]:
        """Events for one article's parsed sentences (``flashpoint.nlp.ParsedSentence``)."""
        when = when or article.published
        if self.discards is not None:
            hit = self.discards.find(clean.text, story=True)
            if hit is not None:
                logger.debug("%s: story discard %s", article.doc_id, " ".join(hit.words))
                return []
        events: list[Event] = []
        for ps in parsed:
            if self.discards is not None and self.discards.find(ps.sentence.text, story=False):
                continue
            events.extend(self._code_sentence(article, ps, when))
        return events

    # ------------------------------------------------------------------ sentence

    def _code_sentence(self, article: Article, ps: Any, when: date | None) -> list[Event]:
        tokens = list(ps.span)
        if not tokens:
            return []
        offset0 = tokens[0].i
        words = [t.text.upper() for t in tokens]
        units = self._units(ps, tokens, when)
        ctx = _Sentence(ps, tokens, offset0, words, units)
        ctx.shared_agent = _shared_agents(ctx)
        coded: list[tuple[int, list[Event]]] = []  # (verb head token, its events)
        used: set[int] = set()
        for i, tok in enumerate(tokens):
            if i in used or not _is_verb(tok):
                continue
            found = self._verb_at(ctx, i)
            if found is None:
                continue
            matches, vs, ve = found
            used.update(range(vs, ve + 1))
            coded.append((vs + matches[-1].entry.head, self._code_verb(article, ctx, matches, vs, ve)))
        if not self.require_dyad:
            coded = _drop_lower_source_only(ctx, coded)
        events: list[Event] = []
        seen: set[tuple[str, str, str]] = set()
        for _head, verb_events in coded:
            for ev in verb_events:
                key = (ev.source.code or "", ev.target.code or "", ev.cameo)
                if key not in seen:
                    seen.add(key)
                    events.append(ev)
        return events

    def _verb_at(self, ctx: _Sentence, i: int) -> tuple[list[VerbMatch], int, int] | None:
        """The longest dictionary verb form whose inflecting word is token ``i``, with every
        block that lists that form (a verb may appear in several blocks)."""
        found: list[VerbMatch] = []
        span: tuple[int, int] | None = None
        for match in self.verbs.lookup(ctx.words[i]):
            form, head = match.form, match.entry.head
            vs, ve = i - head, i - head + len(form) - 1
            if vs < 0 or ve >= len(ctx.words):
                continue
            if span is not None and (vs, ve) != span:
                continue
            if all(ctx.words[vs + k] == form[k] for k in range(len(form))):
                span = (vs, ve)
                found.append(match)
        return (found, span[0], span[1]) if span is not None else None

    def _units(self, ps: Any, tokens: list[Any], when: date | None) -> list[_Unit]:
        sent = ps.sentence
        rel = [ps.base + t.idx - sent.start for t in tokens]
        ends = [r + len(t.text) for r, t in zip(rel, tokens, strict=True)]
        by_span: dict[tuple[int, int], _Unit] = {}
        for m in self.actors.find_mentions(sent.text, when):
            covered = [k for k in range(len(tokens)) if rel[k] < m.end and ends[k] > m.start]
            if not covered:
                continue
            key = (covered[0], covered[-1])
            agent = _agent_code(m) is not None
            if key in by_span and by_span[key].agent == agent:
                by_span[key].mentions.append(m)
            else:
                by_span[key] = _Unit(covered[0], covered[-1], [m], agent)
        units = sorted(by_span.values(), key=lambda u: u.first)
        for u in units:
            u.head = _span_head(tokens, u.first, u.last)
        for u in units:
            u.phrase = _phrase_head(tokens, u.head, units)
        return units

    # ------------------------------------------------------------------ verb

    def _code_verb(
        self, article: Article, ctx: _Sentence, matches: list[VerbMatch], vs: int, ve: int
    ) -> list[Event]:
        tokens = ctx.tokens
        # a later block for the same verb overrides the code of an earlier one (as PETRARCH)
        match = matches[-1]
        head = vs + match.entry.head
        region_end = _region_end(tokens, head, ctx.offset0)
        best: tuple[VerbPattern, dict[str, list[_Unit]]] | None = None
        patterns = [p for m in matches for p in m.block.patterns]
        for pattern in patterns:
            if pattern.code is not None and not _is_event_code(pattern.code):
                continue  # "+++", "###", "xxy": placeholders, not event codes
            slots = _match_pattern(self.verbs, ctx, pattern, vs, ve, region_end)
            if slots is not None and (best is None or pattern.size > best[0].size):
                best = (pattern, slots)
        code = best[0].code if best else match.entry.code
        if code is None or not _is_event_code(code):
            return []
        slots = best[1] if best else {}

        compound_pairs = False
        if "compound_pre" in slots:  # "% HAVE *": the members act on each other
            sources_u = targets_u = slots["compound_pre"]
            compound_pairs = True
        elif "compound_post" in slots:  # "* WITH %": the subject acts on each member
            sources_u = slots.get("source") or self._source_units(ctx, head)
            targets_u = slots["compound_post"]
        else:
            sources_u = slots.get("source") or []
            targets_u = slots.get("target") or []
            if not sources_u or not targets_u:
                subj, obj = self._roles(ctx, head, ve, region_end)
                if targets_u and not sources_u and set(map(id, subj)) & set(map(id, targets_u)):
                    # "X noted that + Y regretted": the pattern made the verb's own subject
                    # the target, so the source is the subject one clause up
                    up = _clause_verb(tokens, head, ctx.offset0, from_verb=True)
                    subj = self._source_units(ctx, up) if up is not None else []
                sources_u = sources_u or subj
                targets_u = targets_u or [u for u in obj if u not in sources_u]
        sources = self._parties(ctx, sources_u)
        targets: list[_Party | None] = list(self._parties(ctx, targets_u))
        if self.new_actor_length and not sources_u:
            subj_tok, _ = _subject(tokens, head, ctx.offset0)
            sources = self._new_actor(ctx, subj_tok)
        if self.new_actor_length and not targets_u and sources:
            targets = list(self._new_actor(ctx, _first_object(tokens, head, ctx.offset0, region_end)))
        if not sources:
            return []
        if not targets:
            if self.require_dyad or not _has_complement(tokens, head, ctx.offset0):
                return []
            targets = [None]
        forward, _, backward = code.partition(":")
        # a pattern's code already says what a negation means ("NOT * [112]"); a bare
        # verb code under "not" is recorded as negated rather than dropped
        modality = "negated" if best is None and _negated(tokens, head, ctx.offset0) else "asserted"
        events: list[Event] = []
        for s in sources:
            for t in targets:
                if t is not None and (s.code == t.code or (compound_pairs and s.unit is t.unit)):
                    continue
                if forward:  # "[:173]" codes only the reverse event
                    events.append(
                        self._event(article, ctx, s, t, forward, vs, ve, best is not None, modality)
                    )
                if backward and t is not None:
                    events.append(
                        self._event(article, ctx, t, s, backward, vs, ve, best is not None, modality)
                    )
        return events

    def _roles(self, ctx: _Sentence, head: int, ve: int, region_end: int) -> tuple[list[_Unit], list[_Unit]]:
        """Source and target actor units from the dependency parse."""
        tokens = ctx.tokens
        subj_tok, passive_agent = _subject(tokens, head, ctx.offset0)
        subj = self._subject_units(ctx, subj_tok)
        if passive_agent is not None and subj:
            agent_units = self._units_under(ctx, passive_agent)
            if agent_units:
                return agent_units, subj
        after = [u for u in ctx.actors if ve < u.first <= region_end and u not in subj]
        if not after:
            shared_end = _shared_object_end(tokens, head, ctx.offset0)
            if shared_end is not None:
                # "condemned and sanctioned Russia": coordinated verbs share the object
                after = [u for u in ctx.actors if ve < u.first <= shared_end and u not in subj]
        if not after:
            # a sector with no actor ("police arrested students") is a target too
            after = [u for u in ctx.agents_alone if ve < u.first <= region_end and u not in subj]
        if not after:
            return subj, []
        first = after[0]
        group = [u for u in after if u.phrase == first.phrase or _coordinated(tokens, first, u, ctx.offset0)]
        return subj, [u for u in group if u.agent or not _dominated(ctx, u)]

    def _source_units(self, ctx: _Sentence, head: int) -> list[_Unit]:
        subj_tok, _ = _subject(ctx.tokens, head, ctx.offset0)
        return self._subject_units(ctx, subj_tok)

    def _subject_units(self, ctx: _Sentence, subj_tok: int | None) -> list[_Unit]:
        """Actor units of a subject, else of its split-off siblings: the parser may cut a
        coordinated subject into two subjects of one verb ("Lions, tigers, and Gondor
        welcomed ...": "Lions" and "Gondor" both ``nsubj``)."""
        if subj_tok is None:
            return []
        tok = ctx.tokens[subj_tok]
        units = self._units_under(ctx, subj_tok)
        if units:
            return units
        for sib in tok.head.children:
            k = sib.i - ctx.offset0
            if sib.i != tok.i and sib.dep_ == tok.dep_ and 0 <= k < len(ctx.tokens) and tok.head.i != tok.i:
                units += [u for u in self._units_under(ctx, k) if u not in units]
        return units

    def _units_under(self, ctx: _Sentence, tok_index: int) -> list[_Unit]:
        """Actor units of a phrase (subject, ``by`` agent): the actors the phrase is about,
        leaving out nested clauses and actors inside its modifiers' other phrases; a pronoun
        ("it would act") stands for the subject of the clause it sits in."""
        tokens = ctx.tokens
        offset0 = ctx.offset0
        tok = tokens[tok_index]
        if tok.pos_ == "PRON" and tok.lower_ in _PRONOUNS:
            governor = _clause_verb(tokens, tok_index, offset0)
            if governor is not None:
                outer, _ = _subject(tokens, governor, offset0)
                if outer is not None and outer != tok_index:
                    return self._units_under(ctx, outer)
            return []
        inside = _subtree_indices(tokens, tok_index, offset0, skip=_NESTED)
        core = _conj_closure(tokens, tok_index, offset0)
        actors = [u for u in ctx.actors if u.head in inside and not _dominated(ctx, u)]
        # "Ithilen's sheep and goats of Gondor": in a coordination a later conjunct names its
        # own owner (the parser may hang the "of" phrase on the first conjunct)
        owners = set()
        if len(core) > 1:
            owners = {
                j
                for j, t in enumerate(tokens)
                if t.dep_ == "pobj"
                and t.head.dep_ == "prep"
                and t.head.lower_ == "of"
                and t.head.head.i - offset0 in core
            }
        central = [u for u in actors if u.phrase in core or u.phrase in owners]
        if central:
            return central
        if actors:
            return [u for u in actors if u.phrase == actors[0].phrase]
        return [u for u in ctx.agents_alone if u.head in inside and u.phrase in core]

    def _parties(self, ctx: _Sentence, units: Iterable[_Unit]) -> list[_Party]:
        out: list[_Party] = []
        for u in units:
            if u.agent:
                for m in u.mentions:
                    code = _agent_code(m) or ""
                    out.append(_Party("---" + code, u, m, code))
                continue
            stacked, alternatives = _agents_for(ctx, u)
            shared = ctx.shared_agent.get(id(u))
            for m in u.mentions:
                base = (m.actor.code or "").strip()
                if not base:
                    continue
                own = (m.actor.agent or "").strip()
                if shared and not own:
                    base, own = base + shared, shared
                # the actor dictionary may already have joined a sector to the actor
                # ("Danish media" -> DNKMED); a coordinated sector replaces it
                root = base[: -len(own)] if own and base.endswith(own) and len(base) > len(own) else base
                variants: list[tuple[str, list[Mention]]] = []
                if not alternatives:
                    variants.append((base, stacked))
                elif own and u.first <= u.phrase <= u.last:
                    # the joined sector is the phrase's head noun: "Danish media and
                    # government" -> DNKMED and DNKGOV
                    variants.append((base, stacked))
                    variants.extend((root, stacked + [alt]) for alt in alternatives)
                else:
                    # the joined sector is a modifier: "Danish Islamist media and government"
                    # -> DNKMUSMED and DNKMUSGOV
                    variants.extend((base, stacked + [alt]) for alt in alternatives)
                for code, chain in variants:
                    agent = own or None
                    for am in chain:
                        ac = _agent_code(am) or ""
                        if not ac:
                            continue
                        if _agent_is_prefix(am):
                            if not code.startswith(ac):
                                code = ac + code
                        elif not code.endswith(ac):
                            code = code + ac
                            agent = ac
                    out.append(_Party(code, u, m, agent or m.actor.agent))
        return out

    def _new_actor(self, ctx: _Sentence, k: int | None) -> list[_Party]:
        """TABARI's new actor: the noun phrase headed by token ``k`` as a quoted code, when it
        is a noun phrase of at most ``new_actor_length`` words with no actor or agent in it."""
        if k is None:
            return []
        tokens = ctx.tokens
        tok = tokens[k]
        if tok.pos_ not in ("NOUN", "PROPN"):
            return []
        inside = _subtree_indices(tokens, k, ctx.offset0, skip=_NESTED)
        first, last = min(inside), max(inside)
        if len(inside) != last - first + 1 or any(u.first <= last and u.last >= first for u in ctx.units):
            return []
        words = [
            tokens[j].text.upper()
            for j in range(first, last + 1)
            if not tokens[j].is_punct and tokens[j].tag_ != "POS"
        ]
        if not words or len(words) > self.new_actor_length:
            return []
        code = '"' + " ".join(words) + '"'
        start, end = _span(ctx, first, last)
        text = ctx.ps.sentence.text[start - ctx.ps.sentence.start : end - ctx.ps.sentence.start]
        mention = Mention(
            start, end, text, Actor(code=code, name=text, country=None, kind="group"), "new actor"
        )
        unit = _Unit(first, last, [mention], agent=False, head=k, phrase=k)
        return [_Party(code, unit, mention)]

    def _event(
        self,
        article: Article,
        ctx: _Sentence,
        s: _Party,
        t: _Party | None,
        code: str,
        vs: int,
        ve: int,
        by_pattern: bool,
        modality: str = "asserted",
    ) -> Event:
        name, goldstein, quad, plover, root = _cameo_info(code)
        ps = ctx.ps
        return Event(
            doc_id=article.doc_id,
            sentence_index=ps.sentence.index,
            sentence=ps.sentence.text,
            source=_ref(s),
            target=_ref(t) if t is not None else ActorRef(),
            cameo=code,
            cameo_root=root,
            cameo_name=name,  # type: ignore[arg-type]  # None for non-CAMEO legacy codes
            goldstein=goldstein,
            quad_class=quad,
            plover=plover,
            evidence=Evidence(
                source=_span(ctx, s.unit.first, s.unit.last),
                trigger=_span(ctx, vs, ve),
                target=_span(ctx, t.unit.first, t.unit.last) if t is not None else None,
            ),
            modality=modality,
            confidence=0.6 if by_pattern else 0.5,
            coder=self.coder_id,
        )


# ---------------------------------------------------------------------- sentence helpers


@dataclass
class _Sentence:
    """One sentence being coded: its parse, upper-cased words and actor/agent units."""

    ps: Any
    tokens: list[Any]
    offset0: int
    words: list[str]
    units: list[_Unit]

    shared_agent: dict[int, str] = field(default_factory=dict)

    @property
    def actors(self) -> list[_Unit]:
        return [u for u in self.units if not u.agent]

    @property
    def agents_alone(self) -> list[_Unit]:
        """Agent mentions not attached to any actor's phrase (``officials said``)."""
        attached = {u.phrase for u in self.actors}
        return [u for u in self.units if u.agent and u.phrase not in attached and u.head not in attached]


def _first_object(tokens: list[Any], k: int, offset0: int, region_end: int) -> int | None:
    """The verb's object, else the object of its first preposition (within its phrase)."""
    preps: list[Any] = []
    for child in tokens[k].children:
        j = child.i - offset0
        if not k < j <= region_end:
            continue
        if child.dep_ in ("dobj", "dative", "attr"):
            return j
        if child.dep_ == "prep":
            preps.extend(g.i - offset0 for g in child.children if g.dep_ == "pobj")
    inside = [j for j in preps if j <= region_end]
    return min(inside) if inside else None


def _has_complement(tokens: list[Any], k: int, offset0: int) -> bool:
    """Does the verb govern a noun phrase (an object, or the object of a preposition)?

    With ``require_dyad`` off PETRARCH codes a source-only event only where the verb phrase
    has a noun phrase that could have been the target but names no actor ("burned down its
    embassy", "said on Saturday"); a verb with no complement ("said today") codes nothing.
    """
    for child in tokens[k].children:
        if not 0 <= child.i - offset0 < len(tokens):
            continue
        if child.dep_ in ("dobj", "dative", "attr", "oprd", "pobj"):
            return True
        if child.dep_ in ("prep", "agent") and any(g.dep_ in ("pobj", "pcomp") for g in child.children):
            return True
    return False


def _drop_lower_source_only(
    ctx: _Sentence, coded: list[tuple[int, list[Event]]]
) -> list[tuple[int, list[Event]]]:
    """Source-only events of a verb whose governing verb phrase is coded are dropped.

    PETRARCH looks into a verb phrase's lower clauses only when the phrase itself codes no
    event ("Arnor restored ties with Gondor, years after crowds burned down its embassy"
    codes the restoring, not a source-only burning).  Events with a target are kept.
    """
    tokens, offset0 = ctx.tokens, ctx.offset0
    emitting: set[int] = set()

    def emit(head: int) -> None:
        # "is about to restore": the verb phrase reaches up its xcomp/acomp chain
        tok = tokens[head]
        emitting.add(head)
        while tok.dep_ in ("xcomp", "acomp") and 0 <= tok.head.i - offset0 < len(tokens):
            tok = tok.head
            emitting.add(tok.i - offset0)

    for head, events in coded:
        if any(e.target.code for e in events):
            emit(head)
    kept: dict[int, list[Event]] = {}
    for n in sorted(range(len(coded)), key=lambda n: _depth(tokens, coded[n][0])):
        head, events = coded[n]
        if {a.i - offset0 for a in tokens[head].ancestors} & emitting:
            events = [e for e in events if e.target.code]
        kept[n] = events
        if events:
            emit(head)
    return [(head, kept[n]) for n, (head, _events) in enumerate(coded)]


def _depth(tokens: list[Any], k: int) -> int:
    return sum(1 for _ in tokens[k].ancestors)


def _is_event_code(code: str) -> bool:
    """Event codes carry digits; TABARI used "+++", "###" and letters as placeholders."""
    return any(ch.isdigit() for ch in code)


def _is_verb(tok: Any) -> bool:
    """Verbs as PETRARCH saw them (Treebank VB* tags); modals ("should") are not coded."""
    if tok.tag_ == "MD":
        return False
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _span_head(tokens: list[Any], first: int, last: int) -> int:
    """The token of ``[first, last]`` whose syntactic head lies outside the range."""
    offset0 = tokens[0].i
    for k in range(first, last + 1):
        h = tokens[k].head.i - offset0
        if h < first or h > last or tokens[k].head.i == tokens[k].i:
            return k
    return last


def _phrase_head(tokens: list[Any], k: int, units: list[_Unit]) -> int:
    """Climb from a mention to the head of its noun phrase: through compounds, possessives,
    the first conjunct, and ``of/in/from`` when the governing noun is an agent
    (``ambassadors of Arnor``, ``soldiers from Gondor``)."""
    offset0 = tokens[0].i
    agent_heads = {u.head for u in units if u.agent} | {
        j for u in units if u.agent for j in range(u.first, u.last + 1)
    }
    start = k
    unit_of = {j: u.head for u in units for j in range(u.first, u.last + 1)}
    seen = set()
    while k not in seen:
        seen.add(k)
        if k != start and unit_of.get(k, k) != k and unit_of.get(start) != unit_of.get(k):
            k = unit_of[k]  # reached another mention ("ambassadors of Arnor"): its head
            continue
        tok = tokens[k]
        head = tok.head
        hk = head.i - offset0
        if head.i == tok.i or not 0 <= hk < len(tokens):
            break
        if tok.dep_ == "conj" and head.pos_ in ("NOUN", "PROPN"):
            k = hk
            continue
        if tok.dep_ in _MODIFIER and head.pos_ in ("NOUN", "PROPN"):
            k = hk
            continue
        if (
            tok.dep_ == "pobj"
            and head.dep_ == "prep"
            and head.lower_ in _OWNER_PREPS
            and 0 <= head.head.i - offset0 < len(tokens)
            and head.head.i - offset0 in agent_heads
        ):
            k = head.head.i - offset0
            continue
        break
    return k


def _shared_agents(ctx: _Sentence) -> dict[int, str]:
    """Sectors shared along a coordination: in "the ambassadors of Arnor, Osgiliath and
    Gondor" the actor dictionary joins the sector to Arnor only; the others get it too."""
    out: dict[int, str] = {}
    offset0 = ctx.offset0
    for a in ctx.actors:
        agent = next((m.actor.agent for m in a.mentions if m.actor.agent), None)
        head_tok = ctx.tokens[a.head]
        if not agent or head_tok.pos_ == "PROPN":
            continue  # the sector must be the head noun ("ambassadors of ...")
        inside = set(range(a.first, a.last + 1)) - {a.head}
        for b in ctx.actors:
            if b is a or any(m.actor.agent for m in b.mentions):
                continue
            tok = ctx.tokens[b.head]
            seen = set()
            while tok.dep_ == "conj" and tok.i not in seen:
                seen.add(tok.i)
                tok = tok.head
                if tok.i - offset0 in inside:
                    out[id(b)] = agent
                    break
    return out


def _agents_for(ctx: _Sentence, unit: _Unit) -> tuple[list[Mention], list[Mention]]:
    """Agent mentions attached to an actor: ``stacked`` ones all apply (``Danish Islamist
    media``: MUS then MED); ``alternatives`` each make a separate actor (``lawmakers and
    officials in Gondor``)."""
    tokens = ctx.tokens
    offset0 = ctx.offset0
    ph = unit.phrase
    chain = {ph}
    for k, tok in enumerate(tokens):
        if tok.dep_ == "conj" and tok.head.i - offset0 in chain:
            chain.add(k)
    stacked: list[Mention] = []
    alternatives: list[Mention] = []
    owned = {a.phrase for a in ctx.actors if a is not unit and a.phrase != ph}
    for u in ctx.units:
        if not u.agent or u is unit:
            continue
        if u.head in owned or any(u.first <= o <= u.last for o in owned):
            continue  # "the government of Gondor" belongs to Gondor
        if (
            u.first <= ph <= u.last
            or (u.head in chain and u.head != ph and tokens[u.head].dep_ == "conj")
            or u.head == ph
        ):
            alternatives.extend(u.mentions)
        elif (
            tokens[u.head].head.i - offset0 in chain
            and tokens[u.head].dep_ in _MODIFIER
            or unit.first <= u.head <= unit.last
            # "MSF Arnor diplomat": a sector word modifying the actor's own words
            or (
                unit.first <= tokens[u.head].head.i - offset0 <= unit.last
                and tokens[u.head].dep_ in _MODIFIER
            )
        ):
            stacked.extend(u.mentions)
    return stacked, alternatives


_PRONOUNS = ("it", "he", "she", "they", "we")


def _clause_verb(tokens: list[Any], k: int, offset0: int, from_verb: bool = False) -> int | None:
    """The verb one clause above the clause of token ``k`` (where a pronoun's antecedent is);
    ``from_verb`` when ``k`` is itself the clause's verb."""
    verb = tokens[k] if from_verb else tokens[k].head
    while verb.dep_ in ("aux", "auxpass", "xcomp", "conj") and verb.head.i != verb.i:
        verb = verb.head
    if verb.dep_ in ("ccomp", "advcl", "xcomp", "parataxis") and verb.head.i != verb.i:
        up = verb.head.i - offset0
        return up if 0 <= up < len(tokens) else None
    return None


def _conj_closure(tokens: list[Any], k: int, offset0: int) -> set[int]:
    """Token ``k`` and everything coordinated with it (conj links, both ways), plus appositions."""
    members = {k}
    changed = True
    while changed:
        changed = False
        for j, tok in enumerate(tokens):
            h = tok.head.i - offset0
            if j not in members and tok.dep_ in ("conj", "appos") and h in members:
                members.add(j)
                changed = True
            if j in members and tok.dep_ == "conj" and 0 <= h < len(tokens) and h not in members:
                members.add(h)
                changed = True
    return members


def _np_root(tokens: list[Any], k: int, offset0: int, actor_heads: set[int]) -> int:
    """The noun a token ends up modifying through possessives, compounds and appositions
    (an apposition to another actor is a list item, not the same phrase)."""
    seen = set()
    while k not in seen:
        seen.add(k)
        tok = tokens[k]
        h = tok.head.i - offset0
        if not 0 <= h < len(tokens) or h == k:
            break
        left = tok.left_edge.i - offset0
        listed = left > 0 and tokens[left - 1].text in (",", ";")
        if tok.dep_ in ("poss", "compound") or (tok.dep_ == "appos" and (h not in actor_heads or not listed)):
            k = h
            continue
        break
    return k


def _dominated(ctx: _Sentence, unit: _Unit) -> bool:
    """True when an actor to the left sits in the same noun phrase (``Ithilen's minister
    Calimehtar``, ``Arnor's Elrond``, ``Dagolath's Prime Minister Telemar``): as in
    PETRARCH, the leftmost actor of a noun phrase is the one coded."""
    heads = {u.head for u in ctx.actors}
    root = _np_root(ctx.tokens, unit.head, ctx.offset0, heads)
    return any(
        u is not unit and u.last < unit.first and _np_root(ctx.tokens, u.head, ctx.offset0, heads) == root
        for u in ctx.actors
    )


def _coordinated(tokens: list[Any], a: _Unit, b: _Unit, offset0: int) -> bool:
    """True when ``b``'s phrase is reached from ``a``'s through ``conj`` links."""
    ka, kb = a.phrase, b.phrase
    members = {ka}
    changed = True
    while changed:
        changed = False
        for k, tok in enumerate(tokens):
            if k in members:
                continue
            h = tok.head.i - offset0
            if (
                tok.dep_ == "conj"
                and h in members
                or k in {tokens[m].head.i - offset0 for m in members if tokens[m].dep_ == "conj"}
            ):
                members.add(k)
                changed = True
    return kb in members


def _subtree_indices(tokens: list[Any], k: int, offset0: int, skip: tuple[str, ...] = ()) -> set[int]:
    out: set[int] = set()
    stack = [tokens[k]]
    while stack:
        tok = stack.pop()
        j = tok.i - offset0
        if not 0 <= j < len(tokens) or j in out:
            continue
        out.add(j)
        for child in tok.children:
            if child.dep_ in skip:
                continue
            stack.append(child)
    return out


def _subject(tokens: list[Any], k: int, offset0: int) -> tuple[int | None, int | None]:
    """The verb's subject token (inherited through xcomp/conj/acomp chains) and, in the
    passive, the ``by`` agent's object."""
    seen = set()
    while k not in seen:
        seen.add(k)
        tok = tokens[k]
        subj = None
        agent = None
        passive_verb = False
        children = list(tok.children)
        # a subject hung on an auxiliary ("The Philippines was ... criticized") counts too
        for child in list(children):
            if child.dep_ in ("aux", "auxpass"):
                children.extend(child.children)
            if child.dep_ == "auxpass":
                passive_verb = True
        inside = range(len(tokens))  # heads may point outside a split sentence's span
        for child in children:
            if child.dep_ in _SUBJ and subj is None and child.i - offset0 in inside:
                subj = child.i - offset0
            if child.dep_ == "agent":
                for gc in child.children:
                    if gc.dep_ == "pobj" and gc.i - offset0 in inside:
                        agent = gc.i - offset0
        if (
            subj is not None
            and tokens[subj].tag_ in ("WDT", "WP")
            and tok.dep_ == "relcl"
            and tok.head.i - offset0 in inside
            and (tok.head.pos_ != "PROPN" or (subj > 0 and tokens[subj - 1].text == ","))
        ):
            # "Russia, which attacked Ukraine": the relative pronoun stands for the noun (a
            # comma-less "Al-Qaeda who shot" is more often a misattached clause)
            return tok.head.i - offset0, None
        if subj is not None and 0 <= subj < len(tokens):
            passive = tokens[subj].dep_ in ("nsubjpass", "csubjpass") or passive_verb
            return subj, agent if passive else None
        if passive_verb:
            # "... to be allowed to leave": the inherited subject is the one acted upon
            break
        for child in tok.children:
            # a mis-parsed subject ("Ethiopia act on ...": compound of the verb)
            if (
                child.i < tok.i
                and child.i - offset0 in inside
                and child.dep_ in ("compound", "npadvmod", "dep", "nmod")
                and child.pos_ in ("PROPN", "NOUN")
            ):
                return child.i - offset0, None
        if tok.dep_ == "relcl" and 0 <= tok.head.i - offset0 < len(tokens):
            return tok.head.i - offset0, None
        head = tok.head
        if head.i == tok.i or not 0 <= head.i - offset0 < len(tokens):
            break
        if tok.dep_ in _INHERIT:
            k = head.i - offset0
            continue
        break
    return None, None


def _negated(tokens: list[Any], k: int, offset0: int) -> bool:
    """True when the verb (or an auxiliary of it) carries a negation ("did not condemn")."""
    tok = tokens[k]
    kids = list(tok.children)
    kids += [g for c in kids if c.dep_ in ("aux", "auxpass") for g in c.children]
    return any(c.dep_ == "neg" for c in kids)


def _shared_object_end(tokens: list[Any], k: int, offset0: int) -> int | None:
    """When a verb without an object of its own is coordinated with a following verb
    ("condemned and sanctioned Russia"), the end of that verb's phrase; else None."""
    tok = tokens[k]
    if any(c.dep_ in ("dobj", "dative", "prep", "ccomp", "xcomp", "attr") for c in tok.children):
        return None
    for child in tok.children:
        if child.dep_ == "conj" and child.pos_ == "VERB" and child.i > tok.i:
            end = child.right_edge.i - offset0
            return min(end, len(tokens) - 1)
    return None


def _region_end(tokens: list[Any], k: int, offset0: int) -> int:
    """Last token of the verb's phrase to the right, stopping before a coordinated verb."""
    tok = tokens[k]
    end = _clause_tail(tokens, min(tok.right_edge.i - offset0, len(tokens) - 1))
    for child in tok.children:
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and child.i > tok.i:
            end = min(end, child.left_edge.i - offset0 - 1)
            # drop the coordinating word before the next verb
            while end > k and tokens[end].dep_ in ("cc", "punct"):
                end -= 1
    return end


def _clause_tail(tokens: list[Any], end: int) -> int:
    """Extend a verb's phrase over the words after it up to the next clause boundary.

    The parser may hang a verb's object on a higher verb ("was seen to break into an anti-
    Gondor parade": "parade" modifies "seen"); as TABARI matched on the word sequence of the
    clause, the words up to the next punctuation, verb, conjunction or relative word still
    belong to the verb's phrase.
    """
    j = end + 1
    while j < len(tokens):
        t = tokens[j]
        if t.is_punct or _is_verb(t) or t.dep_ in ("mark", "cc") or t.tag_ in ("WDT", "WP", "WP$", "WRB"):
            break
        j += 1
    return j - 1


# ---------------------------------------------------------------------- pattern matching


def _match_pattern(
    verbs: VerbDictionary,
    ctx: _Sentence,
    pattern: VerbPattern,
    vs: int,
    ve: int,
    region_end: int,
) -> dict[str, list[_Unit]] | None:
    slots: dict[str, list[_Unit]] = {}
    if not _match_side(verbs, ctx, pattern.post, 0, ve + 1, region_end, +1, slots):
        return None
    if not _match_side(verbs, ctx, pattern.pre, 0, vs - 1, 0, -1, slots):
        return None
    return slots


def _match_side(
    verbs: VerbDictionary,
    ctx: _Sentence,
    elements: tuple[PatternElement, ...],
    idx: int,
    pos: int,
    limit: int,
    step: int,
    slots: dict[str, list[_Unit]],
) -> bool:
    """Match ``elements[idx:]`` starting at token ``pos`` going in direction ``step``."""
    if idx == len(elements):
        return True
    el = elements[idx]

    def in_range(p: int) -> bool:
        return limit <= p <= len(ctx.words) - 1 if step < 0 else 0 <= p <= limit

    candidates = [pos] if el.adjacent else []
    if not el.adjacent:
        p = pos
        while in_range(p):
            candidates.append(p)
            p += step
    for p in candidates:
        if not in_range(p):
            continue
        for nxt, filled in _element_at(verbs, ctx, el, p, step, limit):
            saved = dict(slots)
            slots.update(filled)
            if _match_side(verbs, ctx, elements, idx + 1, nxt, limit, step, slots):
                return True
            slots.clear()
            slots.update(saved)
    return False


def _element_at(
    verbs: VerbDictionary, ctx: _Sentence, el: PatternElement, p: int, step: int, limit: int
) -> list[tuple[int, dict[str, list[_Unit]]]]:
    """Ways element ``el`` can match at token ``p``: (next position, slots filled)."""
    words = ctx.words
    out: list[tuple[int, dict[str, list[_Unit]]]] = []
    if el.kind == "word":
        if words[p] in _alternatives(el.value) or (
            el.value.endswith("-") and words[p].rstrip("-") == el.value[:-1]
        ):
            out.append((p + step, {}))
    elif el.kind == "synset":
        for member in verbs.synset(el.value):
            n = len(member)
            lo = p if step > 0 else p - n + 1
            if lo < 0 or lo + n > len(words):
                continue
            if tuple(words[lo : lo + n]) == member:
                out.append((lo + n if step > 0 else lo - 1, {}))
    elif el.kind in ("source", "target", "compound", "skip"):
        unit = _unit_at(ctx, p, step)
        if unit is not None:
            key = {"source": "source", "target": "target", "compound": "compound", "skip": ""}[el.kind]
            if el.kind == "compound":
                group = [u for u in ctx.actors if u is unit or _coordinated(ctx.tokens, unit, u, ctx.offset0)]
                if len(group) < 2:
                    return out
                edge = max(u.last for u in group) + 1 if step > 0 else min(u.first for u in group) - 1
                out.append((edge, {"compound_pre" if step < 0 else "compound_post": group}))
            else:
                group = [unit]
                nxt = unit.last + 1 if step > 0 else unit.first - 1
                out.append((nxt, {key: group} if key else {}))
        elif el.kind == "skip" and ctx.tokens[p].pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            out.append((p + step, {}))
    return out


def _alternatives(word: str) -> tuple[str, ...]:
    """PETRARCH 2 writes alternative words as ``BY/WITH``; ``F/A-18`` stays one word."""
    parts = word.split("/")
    if len(parts) > 1 and all(part.isalpha() for part in parts):
        return tuple(parts)
    return (word,)


def _unit_at(ctx: _Sentence, p: int, step: int) -> _Unit | None:
    for u in ctx.actors:
        if (step > 0 and u.first == p) or (step < 0 and u.last == p):
            return u
    return None


# ---------------------------------------------------------------------- records


def _span(ctx: _Sentence, first: int, last: int) -> tuple[int, int]:
    a, b = ctx.tokens[first], ctx.tokens[last]
    return (ctx.ps.base + a.idx, ctx.ps.base + b.idx + len(b.text))


def _ref(p: _Party) -> ActorRef:
    a = p.mention.actor
    country = a.country
    if p.code.startswith("---"):
        country = None
    return ActorRef(text=p.unit.text, name=a.name, code=p.code, country=country, agent=p.agent)


def _cameo_info(code: str) -> tuple[str | None, float | None, int | None, Plover, str]:
    """Name, Goldstein, QuadClass, PLOVER and root for a code; legacy codes pass through."""
    if ontology.is_cameo(code):
        c = ontology.cameo(code)
        return c.name, c.goldstein, c.quad_class, ontology.plover_for(code), c.root
    return None, None, None, Plover(), code[:2]
