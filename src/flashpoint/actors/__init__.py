"""Actor resolution: who is named in a text, as CAMEO-style codes.

Public API (kept small; the coder and the pipeline code against it)::

    from flashpoint.actors import ActorDictionary, ReferenceContext, Resolution
    d = ActorDictionary.default()
    d.find_mentions(text, when=None, context=None, offset=0) -> list[Mention]
    d.lookup(phrase, when=None) -> Resolution
    d.merge(other) -> list[Conflict]
    ActorDictionary.from_tabari(actors_path, agents_path); ActorDictionary.from_csv(path)
    unknown_noun_phrases(parsed_sentences, dictionary_or_mentions) -> Counter[str]
    capital_country(phrase) -> str | None     ("Algiers" -> DZA: a capital as a place)

Compound actors ("Indian and Pakistani troops", "Both South Korea and the US") come back
as one Mention per actor; the coder emits one event per actor.  See ``dictionary`` for the
matching and date rules and ``context`` for within-document references.
"""

from flashpoint.actors.context import ReferenceContext
from flashpoint.actors.dictionary import ActorDictionary
from flashpoint.actors.entries import Conflict, Entry, Resolution
from flashpoint.actors.tables import capital_country
from flashpoint.actors.unknown import unknown_noun_phrases

__all__ = [
    "ActorDictionary",
    "Conflict",
    "Entry",
    "ReferenceContext",
    "Resolution",
    "capital_country",
    "unknown_noun_phrases",
]
