"""Argument selection of the rules coder: who is the source and who the target.

Owns reading participants off the parse: actors named in an argument's subtree, pronouns
and definite descriptions through the discourse memory, a verb's subject (inherited along
xcomp/conj/advcl chains) and object or target preposition, an event noun's possessor,
"by" phrase or light verb, and the addressee or proposer of demands, appeals and refusals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from flashpoint.coding._places import _PlaceRules
from flashpoint.coding._sentence import Party, _is_pronoun
from flashpoint.coding._vocab import (
    CARRIER_NOUNS,
    DECISION_NOUNS,
    FIRST_PERSON,
    LOCATIVE_PREPS,
    LOCATIVE_ROOTS,
    MAX_ARG_DEPTH,
    NOUN_TARGET_PREPS,
    OBJECT_CONTROL,
    PLURAL_PRONOUNS,
    PROPOSAL_NOUNS,
    RECIPROCAL_ROOTS,
    STANCE_PARTICIPLES,
    SUBJECT_DEPS,
    THIRD_PERSON,
    VERB_TARGET_PREPS,
)
from flashpoint.models import ActorRef, Mention, state_of


class _ArgumentRules(_PlaceRules):
    """Sources and targets of verbs and event nouns (see the module docstring)."""

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
        # a sentence without actor mentions (about a third of news sentences) has none to find
        toks = self._arg_tokens(head) if self._tok_mention else ()
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
            for t in head.subtree if self._tok_mention else ():  # last resort: a name in an embedded clause
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
        for t in self._mention_tokens(mention):  # "French and Egyptian warships": coordinated modifiers
            if t.i != root.i:
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
        preps: tuple[str, ...] = NOUN_TARGET_PREPS
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

    def _direct_parties(self, head: Any) -> list[Party]:
        """Parties named by the head itself or its modifiers, not by a prepositional phrase
        ("immigration to France should stop" obliges nobody)."""
        near = {head.i} | {
            c.i for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos", "conj")
        }
        if _is_pronoun(head) or any(i in self._tok_mention for i in near):
            return self.parties(head)
        return []

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
