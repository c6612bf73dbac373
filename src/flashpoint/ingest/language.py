"""Is a story English?  A cheap, conservative test run on every cleaned article.

flashpoint's parser, phrase tables and event lexicon are English.  A news crawl is not: a
CC-NEWS WARC holds pages in dozens of languages, and an English pipeline run over German or
Russian text parses nonsense, costs as much as an English story, and can still match
country names ("Iran", "Israel", "Korea" are spelled alike in many languages) into events.
So a story is skipped when it is clearly written in another language, and coded otherwise.

Two signals, both from text and tables already installed (no model, nothing downloaded):

* **script**: a story whose letters are mostly not Latin (Cyrillic, Arabic, CJK, Devanagari...)
  is not English;
* **function words**: English prose is about a third function words ("the", "of", "and",
  "to"...; spaCy's English stop-word list): 0.33-0.53 of the words judged in each of the 89
  VOA stories, at most 0.125 in the example sentences spaCy ships for 28 other Latin-script
  languages.  Another language is named by its *own* function words: those of spaCy's list
  for it that are no English ones and longer than a letter (Slovene "to", "in", "on" and the
  "s" of "Korea's" are in English text too), compared without accents (spaCy's Albanian
  list is written without them).  Those make at most 0.043 of any VOA story's words, and
  0.14-0.72 in the examples of 25 of the 26 listed languages that spaCy ships examples for
  (Turkish's short questions match little of its list: 0.04; Turkish news prose, 0.15).  A story under ``MAX_ENGLISH_SHARE`` English function words
  with at least ``MIN_OTHER_SHARE`` own function words of one other language, more than its
  English share, and at least ``MIN_DISTINCT`` distinct ones, is that language (closely related
  ones, such as Norwegian and Swedish, may be named for each other).  It names none of 5,999
  paragraphs of English (licences, package descriptions and READMEs on this machine); without
  the distinct-word test it named 36, all lists of file names.

Anything else is coded: a text too short to judge (a headline, a PETRARCH record, one
sentence), a table of names and scores (few function words in any language), a language
neither signal knows.  Skipping is the decision that loses events, so only a clear case
skips.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flashpoint._text import strip_accents

SAMPLE_CHARS = 2000
"""Characters of a story judged: enough words for a stable share, and a fixed cost per story."""
MIN_WORDS = 30
"""Fewer words than this (in the sample) are not judged: the story is coded."""
MIN_LETTERS = 60
"""Fewer letters than this are not judged by script either."""
MAX_NON_LATIN = 0.5
"""A story whose letters are more than this share non-Latin is not English."""
MAX_ENGLISH_SHARE = 0.15
"""Above this share of English function words a story is English (VOA's lowest: 0.33)."""
MIN_OTHER_SHARE = 0.12
"""The share of another language's own function words that names it (VOA's highest: 0.043)."""
MIN_DISTINCT = 6
"""Distinct own function words of that language needed too: prose uses many (6-35 in spaCy's
examples of 21 languages), a list of file names repeats a few (1-5 in the 36 this test turned
away: "man", "po", "net")."""

OTHER_LANGUAGES = (
    "af", "ca", "cs", "da", "de", "es", "et", "eu", "fi", "fr", "ga", "hr", "hu", "id", "is", "it",
    "lb", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "ro", "sk", "sl", "sq", "sv", "tl", "tr", "vi",
)  # fmt: skip
"""Latin-script languages whose spaCy stop-word lists can name a story's language."""

_WORD = re.compile(r"[^\W\d_]+")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")
"""A letter outside the Latin blocks: Basic Latin to Latin Extended-B and IPA, and Latin
Extended Additional (Vietnamese)."""


@dataclass(frozen=True)
class LanguageGuess:
    """Why a story is taken for another language than English."""

    language: str
    """An ISO 639-1 code (``de``) or, for a script, its Unicode name (``CYRILLIC``)."""
    evidence: str
    """The measurement, for the record and the message (``0.03 of its words English function
    words, 0.38 de`` or ``1.00 of its letters not Latin``)."""


@cache
def _stop_words(code: str) -> frozenset[str]:
    """spaCy's stop-word list for a language (installed with spaCy, read once).

    The list's own file is run alone: importing ``spacy.lang.de.stop_words`` would first run
    ``spacy.lang.de`` (its tokenizer rules, lexical attributes, ``Language`` class), 0.1 s a
    language, 3.2 s for the first story that asks for all of them; the file alone is a set."""
    try:
        import spacy.lang

        path = Path(spacy.lang.__file__).parent / code / "stop_words.py"
        spec = importlib.util.spec_from_file_location(f"_flashpoint_stop_words_{code}", path)
        if spec is None or spec.loader is None:
            return frozenset()
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return frozenset(module.STOP_WORDS)
    except (ImportError, OSError, AttributeError, SyntaxError):  # a spaCy without it: it names none
        return frozenset()


@cache
def _own_words(code: str) -> frozenset[str]:
    """A language's function words that are no English ones, and longer than one letter: what
    names it (single letters come from English text too: "Korea's", "U.S.", "don't").

    Compared without accents (``strip_accents``) on both sides: spaCy's Albanian list is written
    without its diacritics ("eshte", "nje", "te" for "është", "një", "të"), so Albanian prose
    matched little of it, while a list written with them matches folded text all the same.
    A word that folds onto an English function word is left out, as the English ones are."""
    english = _stop_words("en")
    return frozenset(w for w in map(strip_accents, _stop_words(code)) if len(w) > 1 and w not in english)


def _script(letters: list[str]) -> str:
    """The most frequent script of non-Latin letters (``_NON_LATIN``), by the first word of
    their Unicode names (``CYRILLIC``, ``ARABIC``, ``CJK``, ``HANGUL``, ``DEVANAGARI``...)."""
    names = Counter(unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0] for ch in letters)
    return names.most_common(1)[0][0] if names else "UNKNOWN"


def not_english(text: str) -> LanguageGuess | None:
    """The reason to take ``text`` for another language than English, or None (code it)."""
    sample = text[:SAMPLE_CHARS].lower()
    words = _WORD.findall(sample)
    letters = sum(map(len, words))
    if letters >= MIN_LETTERS and not sample.isascii():
        others = _NON_LATIN.findall(sample)
        if len(others) > MAX_NON_LATIN * letters:
            return LanguageGuess(_script(others), f"{len(others) / letters:.2f} of its letters not Latin")
    if len(words) < MIN_WORDS:
        return None
    english = _share(words, _stop_words("en"))
    if english >= MAX_ENGLISH_SHARE:
        return None
    plain = [strip_accents(w) for w in words]
    best, code = max((_share(plain, _own_words(c)), c) for c in OTHER_LANGUAGES)
    own = _own_words(code)
    if best >= MIN_OTHER_SHARE and best > english and len({w for w in plain if w in own}) >= MIN_DISTINCT:
        return LanguageGuess(code, f"{english:.2f} of its words English function words, {best:.2f} {code}")
    return None


def _share(words: list[str], stops: frozenset[str]) -> float:
    return sum(1 for w in words if w in stops) / len(words)


__all__ = ["LanguageGuess", "not_english"]
