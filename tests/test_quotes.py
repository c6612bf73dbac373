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


def _plain_scan(text: str) -> list[tuple[int, int, str]]:
    """The character-by-character scan ``find_quotes`` replaced (its regex jumps must find
    exactly these spans)."""
    from flashpoint.coding.quotes import OPENERS, _is_closing, _is_opening

    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch in OPENERS and _is_opening(text, i):
            j, end = i + 1, None
            while j < n:
                if text[j] == "\n":
                    break
                if _is_closing(text, j, ch):
                    end = j
                    break
                j += 1
            stop = end if end is not None else j
            if stop - (i + 1) >= 2 and (end is not None or ch not in ("'", "‘")):
                out.append((i + 1, stop, text[i + 1 : stop]))
            i = (end + 1) if end is not None else j
            continue
        i += 1
    return out


def test_find_quotes_equals_the_plain_scan(shared) -> None:
    import json
    import random

    rows = (shared / "data" / "voa" / "voa_stories.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(r)["text"] for r in rows if r] + [text for text, _ in CASES]
    rng = random.Random(7)
    marks = "“”‘’'\"«» \nab."
    texts += ["".join(rng.choice(marks) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert [(q.start, q.end, q.text) for q in find_quotes(text)] == _plain_scan(text), text
    assert sum(len(find_quotes(t)) for t in texts) > 500
