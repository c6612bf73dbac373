"""The rule lemmatizer with a cache per (word, part of speech, morphology), kept exact.

spaCy's ``Lemmatizer.__call__`` walks the Doc in Python and, per token, builds a
``MorphAnalysis`` and a dict of its features to decide whether the word is a base form,
before its own cache is even asked (base forms are never cached).  Its answer depends only on
the token's text, coarse part of speech and morphology (the lookup tables do not change), so
one dict keyed by the three hashes gives the same lemma: a new key asks spaCy's own
``lemmatize`` once, every other token is a dict lookup.  About 0.25 -> 0.05 CPU-s on the 89
VOA stories; ``tests/test_nlp.py`` compares the lemmas with the stock component's.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

_CACHE_MAX = 200_000
"""Keys the cache may hold before it is emptied (a long run meets ever new words)."""

_SUBCLASSES: dict[type, type] = {}
"""spaCy's lemmatizer class -> its subclass with ``_cached_call`` (made once per class)."""


def _cached_call(self: Any, doc: Any) -> Any:
    """``Lemmatizer.__call__`` with the lemma of each (orth, pos, morph) computed once."""
    if not self._validated or self.mode != "rule":  # spaCy validates its tables on first use
        return type(self).__bases__[0].__call__(self, doc)
    error_handler = self.get_error_handler()
    try:
        if not len(doc):
            return doc
        cache: dict[tuple[int, int, int], int] = self.__dict__.setdefault("_flashpoint_lemmas", {})
        strings = doc.vocab.strings
        overwrite = self.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(
            doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"]).tolist()
        ):
            if overwrite or lemma == 0:
                key = (orth, pos, morph)
                found = cache.get(key)
                if found is None:
                    if len(cache) > _CACHE_MAX:
                        cache.clear()
                    found = cache[key] = strings.add(self.lemmatize(doc[i])[0])
                doc[i].lemma = found
        return doc
    except Exception as exc:
        error_handler(self.name, self, [doc], exc)


def install(nlp: Any) -> bool:
    """Give the pipeline's rule lemmatizer the cache (False: left as it is)."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe("lemmatizer")
    cls = type(lemmatizer)
    if cls.__call__ is _cached_call:  # installed already
        return True
    if getattr(lemmatizer, "mode", None) != "rule" or not hasattr(lemmatizer, "rule_lemmatize"):
        log.info("lemmatizer in mode %r keeps spaCy's loop", getattr(lemmatizer, "mode", None))
        return False
    sub = _SUBCLASSES.get(cls)
    if sub is None:
        # __call__ is looked up on the type, so the component gets a subclass of its own
        sub = _SUBCLASSES[cls] = type(cls.__name__, (cls,), {"__call__": _cached_call})
    lemmatizer.__class__ = sub
    return True
