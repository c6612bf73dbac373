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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

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


_CONTEXT_SYNTAX = re.compile(r"\\[ABZ]|\(\?<?[=!]|(?<!\[)\^|(?<!\\)\$")
"""Anchors and lookarounds: a rule using them may match a sentence alone and not the same
characters inside its document (or the reverse), which would void ``DocumentScreen``'s shortcut."""


def _is_word(ch: str) -> bool:
    """What ``\\w`` matches in a str pattern (so what decides ``\\b``)."""
    return ch.isalnum() or ch == "_"


class DocumentScreen:
    """The discard decisions for one document and its sentences.

    Most news documents match no rule at all, and one search over the whole text says so:
    their sentences then need no search of their own.  The shortcut is exact because every
    rule tests nothing outside its match but ``\\b``: when the characters just outside a
    sentence are no word characters, ``\\b`` reads the same at its edges alone and inside the
    document, so a rule matching the sentence would have matched the document.  Any other
    case (a rule with an anchor or lookaround, a sentence glued to a neighbouring word, a
    text that is not the document's) falls back to ``sentence_domain``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.quiet = not _any_rule().search(text) and not any(
            _CONTEXT_SYNTAX.search(rule.pattern.pattern) for rule in rules()
        )

    def document_domain(self) -> str | None:
        """``document_domain`` of the text (None at once when no rule matches anywhere)."""
        return None if self.quiet else document_domain(self.text)

    def sentence_domain(self, sentence: str, start: int) -> str | None:
        """``sentence_domain`` of the sentence found at ``start`` in the document text."""
        if self.quiet:
            text, end = self.text, start + len(sentence)
            glued = (start > 0 and _is_word(text[start - 1])) or (end < len(text) and _is_word(text[end]))
            if not glued and text.startswith(sentence, start):
                return None
        return sentence_domain(sentence)


def sentence_domain(text: str) -> str | None:
    """The off-topic domain a sentence belongs to, or None if it may carry politics."""
    if not _any_rule().search(text):
        return None
    for rule in rules():
        if rule.pattern.search(text):
            return rule.domain
    return None


def document_domain(text: str) -> str | None:
    """The off-topic domain of a whole document, when several strong signals agree."""
    hits: dict[str, int] = {}
    for rule in rules():
        if rule.scope == "document" and rule.pattern.search(text):
            hits[rule.domain] = hits.get(rule.domain, 0) + 1
    for domain, count in sorted(hits.items(), key=lambda kv: -kv[1]):
        if count >= DOCUMENT_MIN_HITS:
            logger.debug("document discarded as %s (%d signals)", domain, count)
            return domain
    return None
