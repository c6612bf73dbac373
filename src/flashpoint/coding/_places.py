"""Places as participants: the rules coder's use of the gazetteer and of locative phrases.

Owns the rules that turn place words into parties (a capital for its state, "attacks in
Baghdad" with no named perpetrator, the state a withdrawal leaves) and the localisation of
bare sectors ("police", "rebels") to the country the sentence, event or document is about.
Kept together because they all read the same per-sentence place lookup and share the
"context" confidence they give a party.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flashpoint.coding._sentence import Party, _bare, _place_party_in, _SentenceBase, _unplace
from flashpoint.coding._vocab import DOCUMENT_FOREIGN, LOCATIVE_PREPS, SUBJECT_DEPS
from flashpoint.models import ActorRef, state_of


class _PlaceRules(_SentenceBase):
    """Place words and localisation of bare sectors (see the module docstring)."""

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
            self._has_ner = bool(self.span.doc.has_annotation("ENT_IOB"))
        if not self._has_ner:
            return True
        for t in self.tokens:
            off = self.base + t.idx
            if party.span[0] <= off < party.span[1] and t.ent_type_:
                return True
        return False
