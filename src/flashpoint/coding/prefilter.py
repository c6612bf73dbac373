"""The cheap first pass: which sentences need the parser at all?

Parsing is the expensive step of coding.  A sentence can only yield an event if it holds a
word that may be a trigger or frame verb of the lexicon (checked on lowercased words with
suffix stripping and a table of irregular forms, no parser) and, when an actor dictionary
is given, at least one actor mention (or a pronoun that may refer to one).  The test errs
on the side of parsing: a false "yes" costs time, a false "no" costs an event.
"""

from __future__ import annotations

import re
from typing import Any

from flashpoint.coding.lexicon import Lexicon

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")
NO_EVENT_ALONE = frozenset({"speech", "light"})
"""Frames that never make an event by themselves: a reporting verb (``said``, ``told``) or a
light verb (``have``, ``take``) codes only through a complement or object that is itself a
trigger word, so such a word alone does not send a sentence to the parser."""
_PRONOUNS = frozenset({"it", "its", "they", "them", "their", "he", "his", "him", "she", "her", "we", "our"})


class Prefilter:
    """``needs_parse(text)``: could this sentence hold an event?"""

    def __init__(self, actors: Any | None = None, lexicon: Lexicon | None = None) -> None:
        self.actors = actors
        self.lexicon = lexicon or Lexicon.default()
        self._cache: dict[str, bool] = {}

    def has_trigger(self, text: str) -> bool:
        """Some word could be a trigger or frame lemma."""
        lex = self.lexicon
        for word in _WORD_RE.findall(text):
            low = word.lower()
            hit = self._cache.get(low)
            if hit is None:
                hit = any(
                    lex.is_trigger_lemma(f) or (lex.frames(f) - NO_EVENT_ALONE) for f in lex.base_forms(low)
                )
                self._cache[low] = hit
            if hit:
                return True
        return False

    def has_actor(self, text: str) -> bool:
        """An actor mention or a pronoun that may refer to one (no actors given: True)."""
        if self.actors is None:
            return True
        if any(w.lower() in _PRONOUNS for w in _WORD_RE.findall(text)):
            return True
        return bool(self.actors.find_mentions(text))

    def needs_parse(self, text: str) -> bool:
        return self.has_trigger(text) and self.has_actor(text)
