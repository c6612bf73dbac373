"""Quoted spans in cleaned text, and who said them.

News quotes cross sentence boundaries and come in straight and curly, double and single
forms; an apostrophe (``Korea's``, ``'90s``) must not open a quote.  Quotes never cross a
paragraph break unless the next paragraph reopens the quote (the news convention for
multi-paragraph quotes), which we treat as a separate quote continuing the same speaker.
Speaker attribution needs the parse and the actors, so ``coder.py`` does it with the
helpers here: the reporting verb next to a quote, or the previous quote's speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

OPENERS = {"“": "”", '"': '"', "‘": "’", "'": "'", "«": "»"}
CLOSERS = {"“": '”"', '"': '"”', "‘": "’", "'": "'’", "«": "»"}
"""Closing marks accepted for each opener: copy-edited news mixes straight and curly marks
(an opening ``"`` closed by ``”``), and a missed close would swallow the paragraph."""
_LETTER = re.compile(r"\w")


@dataclass(frozen=True)
class QuoteSpan:
    """``[start, end)`` of the quoted text (without the quote marks), and the text."""

    start: int
    end: int
    text: str

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


def _is_opening(text: str, i: int) -> bool:
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in ("“", "«"):
        return True
    if ch == "‘" or ch == "'":
        # an opening single quote follows space/bracket/dash and precedes a letter
        return (prev.isspace() or prev in '([—–-:,“"') and nxt.isalpha()
    if ch == '"':
        return prev.isspace() or prev in "([—–-:,‘'" or i == 0
    return False


def _is_closing(text: str, i: int, closer: str) -> bool:
    if text[i] not in CLOSERS.get(closer, closer):
        return False
    if text[i] in ("’", "'"):
        nxt = text[i + 1] if i + 1 < len(text) else " "
        prev = text[i - 1] if i > 0 else " "
        # not an apostrophe inside a word (don't, Korea's)
        return not (_LETTER.match(prev) and _LETTER.match(nxt)) and not _LETTER.match(nxt)
    return True


_OPENER_RE = re.compile("[" + re.escape("".join(OPENERS)) + "]")
_STOP_RE = {opener: re.compile("[\n" + re.escape(closers) + "]") for opener, closers in CLOSERS.items()}
"""Per opener: the next character that may end its quote (a closer, or the line end)."""


def find_quotes(text: str) -> list[QuoteSpan]:
    """All quoted spans of ``text``, in order; an unclosed double quote runs to the paragraph
    end (an unclosed single quote is taken for an apostrophe).

    Jumps from one quote mark to the next with regex searches (the marks are a few dozen
    among thousands of characters); ``tests/test_quotes.py`` checks it against the plain
    character-by-character scan."""
    out: list[QuoteSpan] = []
    n = len(text)
    find_opener = _OPENER_RE.search
    i = 0
    while True:
        found = find_opener(text, i)
        if found is None:
            return out
        i = found.start()
        ch = text[i]
        if not _is_opening(text, i):
            i += 1
            continue
        find_stop = _STOP_RE[ch].search
        j = i + 1
        end = None
        while True:
            stop_at = find_stop(text, j)
            if stop_at is None:
                j = n
                break
            j = stop_at.start()
            if text[j] == "\n":  # quotes end at the paragraph (line) end
                break
            if _is_closing(text, j, ch):
                end = j
                break
            j += 1
        stop = end if end is not None else j
        single = ch in ("'", "‘")
        if stop - (i + 1) >= 2 and (end is not None or not single):
            out.append(QuoteSpan(i + 1, stop, text[i + 1 : stop]))
        i = (end + 1) if end is not None else j


def quote_at(quotes: list[QuoteSpan], start: int, end: int) -> int | None:
    """Index of the quote containing ``[start, end)``, or None."""
    for k, q in enumerate(quotes):
        if q.start <= start and end <= q.end:
            return k
        if q.start > end:
            break
    return None


SPEECH_DEPS = frozenset({"ccomp", "xcomp", "dobj", "parataxis", "advcl", "conj"})


def speech_verb_for(
    quote: QuoteSpan, tokens: list[Any], base: int, speech_lemmas: frozenset[str]
) -> Any | None:
    """The reporting verb outside ``quote`` in the given sentence tokens that introduces it.

    Prefers a verb whose subtree overlaps the quote ("X said, '...'"), then the nearest
    reporting verb outside the quote ("'...,' he said").
    """
    best = None
    best_dist = None
    for tok in tokens:
        off = base + tok.idx
        if quote.start <= off < quote.end:
            continue
        if tok.lemma_.lower() not in speech_lemmas or tok.pos_ not in ("VERB", "AUX"):
            continue
        dist = min(abs(off - quote.start), abs(off - quote.end))
        if best_dist is None or dist < best_dist:
            best, best_dist = tok, dist
    return best
