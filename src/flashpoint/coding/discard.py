"""Off-topic text that must yield no political events: sports, entertainment, weather, business.

Event verbs are everywhere in such text ("England beat Australia", "the striker's attack",
"shares plunged after the strike"), and country names double as team names, so the coder
drops whole sentences that carry a domain signal, and whole documents that carry several
strong ones.  The patterns live in ``data/discard.csv`` (domain, regex, scope) so they can be
maintained without touching code.  A ``document``-scope pattern counts towards the document
decision and also discards its sentence; a ``sentence``-scope pattern discards only its
sentence (too weak alone to drop a story: "boycott of the Olympics" is politics).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from flashpoint.errors import DictionaryError

logger = logging.getLogger(__name__)

DOMAINS = frozenset({"sports", "entertainment", "weather", "business"})
SCOPES = frozenset({"sentence", "document"})
DOCUMENT_MIN_HITS = 3
"""Distinct document-scope patterns of one domain needed to drop a whole document."""


@dataclass(frozen=True)
class DiscardRule:
    domain: str
    pattern: re.Pattern[str]
    scope: str


@lru_cache(maxsize=1)
def rules() -> tuple[DiscardRule, ...]:
    """The packaged discard rules (validated: known domain and scope, compilable regex)."""
    text = resources.files("flashpoint.coding").joinpath("data", "discard.csv").read_text(encoding="utf-8")
    out = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        domain, scope, pattern = row.get("domain", ""), row.get("scope", ""), row.get("pattern", "")
        if domain not in DOMAINS or scope not in SCOPES or not pattern:
            raise DictionaryError("coding/data/discard.csv", line, f"bad row {row}")
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise DictionaryError("coding/data/discard.csv", line, f"bad pattern: {exc}") from exc
        out.append(DiscardRule(domain, compiled, scope))
    return tuple(out)


@lru_cache(maxsize=1)
def _any_rule() -> re.Pattern[str]:
    """All rules in one alternation: most sentences match none, and one search says so."""
    return re.compile("|".join(f"(?:{r.pattern.pattern})" for r in rules()), re.IGNORECASE)


_CASE_SPECIAL = ("\u0130", "\u0131", "\u017f", "\u212a")
"""The only non-ASCII characters that a case-insensitive pattern matches with an ASCII letter
(İ ı ſ K: checked over all of Unicode by a test); text holding none of them can be lowered
and searched for a rule's ASCII words without losing a match."""


_NON_WORD = re.compile(r"\W+")
"""What ``\\b`` reads as non-word characters: the screens map each run of them to a space."""


def _words(low: str) -> str:
    """The lowered text as the screens search it: each run of non-word characters one space,
    and one space in front, so that " own" is found only where a word starts with "own" (not
    in "down").  A rule's literal maps the same way: a run inside it is a whole run of the
    text too (word characters on both sides), and one at its edge lies within a run of the
    text, which also becomes one space; so where the literal occurs, its map occurs."""
    return " " + _NON_WORD.sub(" ", low)


_VOCAB_FROM = 1000
"""Characters from which a text's distinct words are worth collecting (see ``_present``)."""


def _present(text: str, strings: tuple[frozenset[str], frozenset[str]] | None = None) -> set[str]:
    """Which of the rules' strings (``_strings``, or ``strings``: those within one word, those
    spanning words) ``text`` holds, as the screens search it (``_words``).

    Each string is looked for once per text, whatever the rules sharing it; one without an
    inner space lies within one word, so in a long text it is looked for among the distinct
    words only (a story has a third as many)."""
    words = _words(text.lower())
    single, multi = strings or _strings()
    found = {s for s in multi if s in words}
    if len(text) < _VOCAB_FROM:
        found.update(s for s in single if s in words)
        return found
    distinct = set(words.split())
    vocab = " " + " ".join(distinct)
    starts: dict[str, list[str]] = {}  # the distinct words by their first letters
    for word in distinct:
        starts.setdefault(word[:_START], []).append(word)
    for s in single:
        if s[0] == " " and len(s) > _START:  # a word starting with s[1:]: ask only those alike
            body = s[1:]
            if any(word.startswith(body) for word in starts.get(body[:_START], ())):
                found.add(s)
        elif s in vocab:
            found.add(s)
    return found


_START = 3
"""Letters by which ``_present`` groups a long text's words."""


def _split_strings(strings: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    every = set(strings)
    single = frozenset(s for s in every if s.find(" ", 1) < 0)
    return single, frozenset(every - single)


Need = frozenset[str] | tuple[list[Any], ...]
"""What a match must contain: one of a set of strings, or, for a group of alternatives, all
the needs of one of them (``_met``)."""


def _met(need: Need, present: set[str]) -> bool:
    """Whether a text holding the strings ``present`` (see ``_present``) meets ``need``."""
    if isinstance(need, frozenset):
        return not need.isdisjoint(present)
    return any(all(_met(n, present) for n in alt) for alt in need)


def _flatten(need: Need) -> Iterator[str]:
    if isinstance(need, frozenset):
        yield from need
    else:
        for alt in need:
            for n in alt:
                yield from _flatten(n)


@lru_cache(maxsize=1)
def _strings() -> tuple[frozenset[str], frozenset[str]]:
    """Every string the rules need: those within one word, and those spanning words."""
    return _split_strings(s for _rule, needs in _requirements() for need in needs for s in _flatten(need))


def _required(items: Any, bounded: bool = False) -> list[Need]:
    """Needs (see ``Need``) that every match of the parsed pattern ``items`` meets (an empty
    list: nothing known), in text as ``_words`` maps it.

    Walks the mandatory top-level sequence: each run of literal characters gives a set of one,
    and each group whose alternatives all give needs gives the alternatives' needs (one of
    them must be met, all of its own); zero-width assertions are stepped over (they consume nothing), anything else (a
    class, an optional part) is skipped.  A run that starts a word right after ``\\b``
    (``bounded``, passed into groups) is kept with a leading space: that word boundary is a
    non-word character before it, a space once mapped.  Only ASCII strings are kept (see
    ``_CASE_SPECIAL``).
    """
    items = list(items)
    out: list[Need] = []
    k = 0
    while k < len(items):
        op, av = items[k]
        found: Need | None = None
        if op is _c.AT:
            bounded = av is _c.AT_BOUNDARY
            k += 1
            continue
        if op is _c.LITERAL:
            run = []
            while k < len(items) and items[k][0] in (_c.LITERAL, _c.AT):
                if items[k][0] is _c.LITERAL:
                    run.append(chr(items[k][1]))
                k += 1
            text = "".join(run)
            lead = " " if bounded and _is_word(text[0]) else ""
            found = frozenset({lead + _NON_WORD.sub(" ", text.lower())})
            k -= 1
        elif op is _c.SUBPATTERN and not av[1] and not av[2]:  # no inline flags inside
            out.extend(_required(av[3], bounded))
        elif op is _c.BRANCH:
            alts = [_required(alt, bounded) for alt in av[1]]
            if all(alts):
                found = tuple(alts)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            out.extend(_required(av[2], bounded))
        if found:
            out.append(found)
        bounded = False
        k += 1
    return [need for need in out if _usable(need)]


def _usable(need: Need) -> bool:
    """Only ASCII strings with a word character are kept (see ``_CASE_SPECIAL``)."""
    if isinstance(need, frozenset):
        return all(s.strip() and s.isascii() for s in need)
    return all(alt and all(_usable(n) for n in alt) for alt in need)


@lru_cache(maxsize=1)
def _requirements() -> tuple[tuple[DiscardRule, tuple[Need, ...]], ...]:
    """Each rule with the lower-case words it needs (see ``_required``; empty: none known)."""
    out = []
    for rule in rules():
        try:
            needs = _required(_parser.parse(rule.pattern.pattern, rule.pattern.flags))
        except Exception:  # an unfamiliar parse: no shortcut for this rule, never a wrong one
            needs = []
        out.append((rule, tuple(needs)))
    return tuple(out)


def _matching(text: str, scope: str | None = None) -> Iterator[DiscardRule]:
    """The rules (of ``scope``, or all) that match ``text``, in table order; only the rules
    whose words occur are searched.

    A rule's words are found with ``in`` on the lowered text (see ``_words``), far faster
    than its search (a leading alternation tried at every word boundary).  Exact: a match
    contains the rule's words case-insensitively, so the lowered text contains them, unless
    the text holds one of ``_CASE_SPECIAL`` (then every rule is searched).
    """
    special = any(c in text for c in _CASE_SPECIAL)
    present = None if special else _present(text)
    for rule, needs in _requirements():
        if scope is not None and rule.scope != scope:
            continue
        if (present is None or all(_met(need, present) for need in needs)) and rule.pattern.search(text):
            yield rule


def _any_match(text: str) -> bool:
    """``_any_rule().search(text)``, faster (see ``_matching``): the combined alternation
    tries every rule at every word boundary, 2-3 ms on a news story."""
    return next(_matching(text), None) is not None


@lru_cache(maxsize=1)
def _context_rules() -> bool:
    """Does any rule use an anchor or lookaround (see ``_CONTEXT_SYNTAX``)?"""
    return any(_CONTEXT_SYNTAX.search(rule.pattern.pattern) for rule in rules())


_CONTEXT_SYNTAX = re.compile(r"\\[ABZ]|\(\?<?[=!]|(?<!\[)\^|(?<!\\)\$")
"""Anchors and lookarounds: a rule using them may match a sentence alone and not the same
characters inside its document (or the reverse), which would void ``DocumentScreen``'s shortcut."""


def _is_word(ch: str) -> bool:
    """What ``\\w`` matches in a str pattern (so what decides ``\\b``)."""
    return ch.isalnum() or ch == "_"


class DocumentScreen:
    """The discard decisions for one document and its sentences.

    One screened search over the whole text finds the rules that match anywhere in it (for
    most news documents, none); a sentence of the document then needs to be searched only
    for those.  The shortcut is exact because every rule tests nothing outside its match but
    ``\\b``: when the characters just outside a sentence are no word characters, ``\\b`` reads
    the same at its edges alone and inside the document, so a rule matching the sentence
    would have matched the document.  Any other case (a rule with an anchor or lookaround, a
    sentence glued to a neighbouring word, a text that is not the document's) falls back to
    ``sentence_domain``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.exact = not _context_rules()
        self.hits = list(_matching(text)) if self.exact else None
        """The rules matching somewhere in the document, in table order (None: not known)."""

    @property
    def quiet(self) -> bool:
        """No rule matches anywhere in the document."""
        return self.hits == []

    def document_domain(self) -> str | None:
        """``document_domain`` of the text, from the rules found matching it."""
        if self.hits is None:
            return document_domain(self.text)
        return _document_decision([r.domain for r in self.hits if r.scope == "document"])

    def sentence_domain(self, sentence: str, start: int) -> str | None:
        """``sentence_domain`` of the sentence found at ``start`` in the document text."""
        if self.hits is not None:
            text, end = self.text, start + len(sentence)
            glued = (start > 0 and _is_word(text[start - 1])) or (end < len(text) and _is_word(text[end]))
            if not glued and text.startswith(sentence, start):
                return next((r.domain for r in self.hits if r.pattern.search(sentence)), None)
        return sentence_domain(sentence)


def sentence_domain(text: str) -> str | None:
    """The off-topic domain a sentence belongs to, or None if it may carry politics."""
    first = next(_matching(text), None)
    return first.domain if first is not None else None


def document_domain(text: str) -> str | None:
    """The off-topic domain of a whole document, when several strong signals agree."""
    return _document_decision([rule.domain for rule in _matching(text, "document")])


def _document_decision(domains: list[str]) -> str | None:
    """The domain of at least ``DOCUMENT_MIN_HITS`` of the document-scope rules matching a
    document (``domains``: one entry per matching rule), the most frequent first."""
    hits: dict[str, int] = {}
    for domain in domains:
        hits[domain] = hits.get(domain, 0) + 1
    for domain, count in sorted(hits.items(), key=lambda kv: -kv[1]):
        if count >= DOCUMENT_MIN_HITS:
            logger.debug("document discarded as %s (%d signals)", domain, count)
            return domain
    return None
