"""Tokenising and normalising text for phrase matching.

Dictionary phrases and news text go through the same tokenizer, so that a phrase written
once in a table ("Côte d'Ivoire", "Kim Jong-un", "U.S.") matches its spelling variants in
text ("Cote d’Ivoire", "Kim Jong Un", "US").  Normalisation folds case, accents, curly
apostrophes, hyphens (word separators) and dots inside acronyms; the raw token is kept so
that case rules ("US" must be upper case: "us" is a pronoun) can still be checked.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from flashpoint._text import strip_accents

_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['’][^\W_]+)*|['’][sS]\b|\+", re.UNICODE)
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_UPPER_RE = re.compile(r"[A-Z]")
_LOWER_RE = re.compile(r"[a-z]")
_BOUNDARY_RE = re.compile(r"[.!?:;\"“”‘(\[\n]\s*$")


class Token(NamedTuple):
    """One token: offsets into the text, the raw string and its normalised key.

    A NamedTuple rather than a frozen dataclass: millions are made, and tuples are cheap.
    """

    start: int
    end: int
    raw: str
    norm: str

    @property
    def cap(self) -> bool:
        """True when the token starts with an upper-case letter (a name, a title)."""
        return self.raw[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.raw[:1].isalpha()


@lru_cache(maxsize=65536)
def normalise(raw: str) -> str:
    """The matching key of one token: accents stripped, case folded, dots and ’ unified."""
    return strip_accents(raw.replace("’", "'").replace(".", "")).casefold()


_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})", re.UNICODE)
"""The token pattern as one capturing group: ``split`` returns gap, token, gap, token...,
the very matches of ``finditer`` without a Match object each (a third of the tokenizer's time)."""
_PIECES: dict[str, str | tuple[str, str, str]] = {}
"""Per distinct raw token: its norm, or (head, head norm, "'s") for a possessive."""
_PIECES_MAX = 200_000
_new_token = tuple.__new__


def _piece(raw: str) -> str | tuple[str, str, str]:
    if len(raw) > 2 and raw[-2:] in _POSSESSIVE:
        head = raw[:-2]
        return (head, normalise(head), raw[-2:])
    return normalise(raw)


def tokenize(text: str) -> list[Token]:
    """Split text into word tokens; a possessive ``'s`` becomes its own token.

    Runs once per sentence for actor matching, so it is written for speed: offsets come from
    the lengths of the split pieces, and each distinct raw token is normalised once.
    """
    parts = _SPLIT_RE.split(text)
    tokens: list[Token] = []
    append = tokens.append
    pieces = _PIECES
    pos = len(parts[0])
    for k in range(1, len(parts), 2):
        raw = parts[k]
        end = pos + len(raw)
        piece = pieces.get(raw)
        if piece is None:
            if len(pieces) > _PIECES_MAX:
                pieces.clear()
            piece = pieces[raw] = _piece(raw)
        if piece.__class__ is str:
            append(_new_token(Token, (pos, end, raw, piece)))
        else:
            head, head_norm, mark = piece  # type: ignore[str-unpack]
            append(_new_token(Token, (pos, end - 2, head, head_norm)))
            append(_new_token(Token, (end - 2, end, mark, "'s")))
        pos = end + len(parts[k + 1])
    return tokens


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token key of a dictionary phrase (TABARI underscores are word joiners)."""
    return tuple(t.norm for t in tokenize(phrase.replace("_", " ")))


def phrase_tokens(phrase: str) -> list[Token]:
    return tokenize(phrase.replace("_", " "))


def sentence_initial(text: str, tokens: list[Token], i: int) -> bool:
    """True when token ``i`` opens a sentence, a quote or a line (capitals mean nothing there)."""
    if i == 0:
        return True
    gap = text[tokens[i - 1].end : tokens[i].start]
    return bool(_BOUNDARY_RE.search(gap))


def mostly_upper(text: str) -> bool:
    """True for all-caps text (headlines): acronym case rules cannot be trusted there."""
    upper = len(_UPPER_RE.findall(text))
    lower = len(_LOWER_RE.findall(text))
    return upper + lower >= 12 and upper > 0.6 * (upper + lower)
