"""Quote spans: straight and curly, double and single, across sentences, not apostrophes."""

from __future__ import annotations

import pytest

from flashpoint.coding.quotes import find_quotes, quote_at

CASES = [
    ('He said, "We will respond." Then he left.', ["We will respond."]),
    ("He said, “We will respond. We are ready.” Then he left.", ["We will respond. We are ready."]),
    ("Trump called him a ‘very smart guy’ on Monday.", ["very smart guy"]),
    ("Trump called him a 'very smart guy' on Monday.", ["very smart guy"]),
    ("North Korea's leader and the country's army met in the '90s.", []),
    ("She said “it is over\nThe next line", ["it is over"]),
    ("No quotes at all.", []),
    # mixed marks (copy-edited wire text): a straight opener closed by a curly closer
    ('He said. "We will respond,” she told VOA. Rebels attacked the town.', ["We will respond,"]),
    ('“We are ready," he said. Troops moved in.', ["We are ready,"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_find_quotes(text, expected):
    assert [q.text for q in find_quotes(text)] == expected


def test_offsets_and_lookup():
    text = 'A spokesman said, "The drills are a threat." Nothing else.'
    quotes = find_quotes(text)
    q = quotes[0]
    assert text[q.start : q.end] == q.text
    pos = text.index("threat")
    assert quote_at(quotes, pos, pos + 6) == 0
    assert quote_at(quotes, 0, 1) is None
