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
from collections.abc import Sequence
from datetime import date
from typing import Any

from flashpoint.coding import discard
from flashpoint.coding._events import _Sentence
from flashpoint.coding._sentence import Party, _ArticleState
from flashpoint.coding._vocab import CODER_NAME, CODER_VERSION, DATELINE_RE, NOUN_FRAMES
from flashpoint.coding.lexicon import Lexicon
from flashpoint.coding.modality import Modality, is_negated
from flashpoint.coding.quotes import find_quotes
from flashpoint.models import Article, CleanText, Event, Mention

logger = logging.getLogger(__name__)

_SPACE_RE = re.compile(r"\W+")

_CACHE_MAX = 200_000
"""Entries a per-coder word cache may hold before it is emptied (a long run meets ever new
words; the cache must not grow without bound)."""


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
        for ps in parsed:  # the plain-object copies of the parse are done with: free them now
            lazy = getattr(ps, "lazy", None)
            if lazy is not None:
                lazy.release()
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
        return [Mention(m.start + shift, m.end + shift, m.text, m.actor, m.why) for m in found]

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


def is_negated_trigger(tok: Any) -> bool:
    """Whether a trigger token is directly negated (exposed for tests)."""
    return is_negated(tok)


__all__ = ["CODER_NAME", "CODER_VERSION", "NOUN_FRAMES", "Modality", "Party", "RulesCoder"]
