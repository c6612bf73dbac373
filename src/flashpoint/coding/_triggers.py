"""Frames and conditions of a trigger in the rules coder.

Owns what governs a trigger beyond its own entry: the frame verb above it (threaten, urge,
pledge, accuse, deny...) and its complement, reported obligations, and the clause-level
conditions that change or stop an event (an "unless" clause, background material, a
nonviolent or joint reading, a military exercise, an allegation's code).
"""

from __future__ import annotations

from typing import Any

from flashpoint.coding._arguments import _ArgumentRules
from flashpoint.coding._sentence import _Frame
from flashpoint.coding._vocab import (
    BACKGROUND_CARRIERS,
    BACKGROUND_MARKS,
    BACKGROUND_PREPS,
    CARRIER_NOUNS,
    DECISION_NOUNS,
    FRAME_PRIORITY,
    OBLIGATION_AUX,
    PROPOSAL_NOUNS,
    VERBAL_ATTACK_VERBS,
)


class _FrameRules(_ArgumentRules):
    """Frame verbs over triggers and the trigger's clause conditions (see the module docstring)."""

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

    def _self_frame(self, tok: Any, frame_heads: set[int]) -> bool:
        """Allegation verbs are events themselves even when they govern a complement."""
        return "allege" in self._frames(tok)

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
