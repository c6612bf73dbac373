"""The coding passes of one sentence: triggers to events, judgements and discourse memory.

Owns ``_Sentence``, the full rule set (built on ``_triggers``, ``_arguments``, ``_places`` and
``_sentence``) and the passes ``RulesCoder`` runs on it: ``code`` (each trigger with its frame,
source and target to ``Event`` records, obligations, evaluations, quoted judgements),
``attribute_quotes`` and ``remember`` (the article's discourse memory between sentences).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flashpoint.coding import confidence
from flashpoint.coding._sentence import Party, _Frame, _is_pronoun, _is_pronoun_text
from flashpoint.coding._triggers import _FrameRules
from flashpoint.coding._vocab import (
    CODER_NAME,
    CODER_VERSION,
    CONFLICT_ROOTS,
    COOPERATIVE_ROOTS,
    DOMESTIC_PREFIXES,
    EXERCISE_NOUNS,
    FIRST_PERSON,
    MILITARY_SPECIFIC,
    NEEDS_TARGET_ROOTS,
    POSTURE_VERBS,
    PRESS_AGENTS,
    RECIPROCAL_ROOTS,
    SELF_DIRECTED,
    VERBAL_CONFLICT,
    VICTIM_ROOTS,
)
from flashpoint.coding.lexicon import Entry
from flashpoint.coding.modality import is_negated, modality_of
from flashpoint.coding.quotes import QuoteSpan, speech_verb_for
from flashpoint.models import ActorRef, Event, Evidence, Quote, state_of

logger = logging.getLogger(__name__)


class _Sentence(_FrameRules):
    """The rules applied to one parsed sentence."""

    # ------------------------------------------------------------------ coding
    def code(self) -> list[Event]:
        events: list[Event] = []
        frame_heads: set[int] = set()
        plans: list[tuple[Any, Entry, _Frame | None, Any | None]] = []
        for i, entry in sorted(self.entries.items()):
            tok = self.span.doc[i]
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

    def _quote_for(self, tok: Any) -> Quote | None:
        q = self._quote_of(tok)
        if q is None:
            return None
        speakers = self.state.speakers.get(q) or []
        name = self.state.speaker_text.get(q)
        if name is None and speakers:
            name = speakers[0].ref.text or speakers[0].ref.name
        return Quote(text=self.state.quotes[q].text, speaker=name)

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
            dyads = [
                (s, t)
                for s in sources
                for t in targets
                if (s.unplaced or s.ref).code != t.code or t.via == "implied"
            ]
            if root == "04":  # speaking to reporters is not a consultation
                dyads = [(s, t) for s, t in dyads if t.ref.agent not in PRESS_AGENTS]
            pairs = [*dyads]
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
