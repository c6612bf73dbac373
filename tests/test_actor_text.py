"""``actors.text.tokenize`` gives the tokens of the plain ``finditer`` reading of its pattern."""

from __future__ import annotations

import pytest

from flashpoint.actors.text import _TOKEN_RE, Token, normalise, tokenize


def _reference(text: str) -> list[Token]:
    """The straightforward tokenizer: one Match per token, possessives split off."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        raw, (start, end) = m.group(), m.span()
        if len(raw) > 2 and raw[-2:] in ("'s", "’s", "'S", "’S"):
            out.append(Token(start, end - 2, raw[:-2], normalise(raw[:-2])))
            out.append(Token(end - 2, end, raw[-2:], "'s"))
        else:
            out.append(Token(start, end, raw, normalise(raw)))
    return out


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "The U.S.'s envoy met Côte d’Ivoire’s minister.",
        "  Kim Jong-un's SISTER said 'no' -- twice; e.g. at 3pm+2.",
        "NATO’S chief, the UN's envoy and O'Neill's aide 's x",
        "a_b __init__ ’s 's' tail.",
        "Ελλάδα και Türkiye; 北京 said.",
    ],
)
def test_tokenize_matches_the_reference_reading(text: str) -> None:
    assert tokenize(text) == _reference(text)
    assert tokenize(text) == _reference(text)  # second time from the per-token cache
