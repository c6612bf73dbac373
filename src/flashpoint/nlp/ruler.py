"""An indexed matcher for spaCy's attribute ruler: the same matches, found in a dict lookup.

The English model's ``attribute_ruler`` maps fine-grained tags (plus a few words and
dependency labels) to coarse part of speech, morphology and some lemmas with 179 patterns.
spaCy's ``Matcher`` tries every pattern at every token, so on news text this one
non-neural component took about 30% of the parse (2.2 of 7.5 CPU-s on the 89 VOA stories;
``benchmarks/components.py``).  Nearly all its patterns are one token long and test a tag or
a lower-cased word for equality, so an index on those values finds the candidate patterns
of a token at once; every candidate is then checked against its whole pattern.

``IndexedRulerMatch`` replaces the ruler's ``match`` method and returns exactly what it
returned -- ``(attr_id, match_id, start, end)``, sorted -- and its ``set_annotations``,
which makes spaCy's own ``set_token_attrs`` calls on the same tokens in the same order
without building a ``Span`` per match (nearly every token is one).  Patterns are read when
the ruler is installed: flashpoint never adds any later.  A pattern this module
cannot read (an operator, a fuzzy or extension attribute, a key it does not know) makes
``install`` leave the ruler as it is.  ``tests/test_nlp.py`` compares every token's
annotations with the stock ruler's.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flashpoint.nlp.light import _names

log = logging.getLogger(__name__)

# pattern key -> the token attribute it reads (a string for all but IS_SPACE, an int)
_KEYS = {
    "ORTH": "ORTH",
    "TEXT": "ORTH",
    "LOWER": "LOWER",
    "NORM": "NORM",
    "TAG": "TAG",
    "POS": "POS",
    "DEP": "DEP",
    "LEMMA": "LEMMA",
    "IS_SPACE": "IS_SPACE",
}
_INDEX_ORDER = ("LOWER", "ORTH", "TAG", "DEP", "NORM", "LEMMA", "POS", "IS_SPACE")
"""Which test indexes a pattern: the most selective attribute it tests for (set) equality."""

_EQ, _IN, _NOT_IN, _REGEX = range(4)

Test = tuple[int, int, Any]  # (column, operation, value)


class UnsupportedPattern(ValueError):
    """A ruler pattern this matcher does not read; the stock matcher stays."""


def _parse(key: str, value: Any) -> tuple[str, int, Any]:
    """Attribute, operation and operand of one key of a token pattern."""
    name = _KEYS.get(key.upper())
    if name is None:
        raise UnsupportedPattern(f"attribute {key!r}")
    if name == "IS_SPACE":
        if not isinstance(value, bool):
            raise UnsupportedPattern(f"IS_SPACE value {value!r}")
        return name, _EQ, int(value)
    if isinstance(value, str):
        return name, _EQ, value
    if isinstance(value, dict) and len(value) == 1:
        ((op, arg),) = value.items()
        strings = isinstance(arg, list) and all(isinstance(v, str) for v in arg)
        if op == "IN" and strings:
            return name, _IN, frozenset(arg)
        if op == "NOT_IN" and strings:
            return name, _NOT_IN, frozenset(arg)
        if op == "REGEX" and isinstance(arg, str):
            return name, _REGEX, (re.compile(arg), {})  # with a cache of answers per string
    raise UnsupportedPattern(f"{key}: {value!r}")


class _Pattern:
    __slots__ = ("attr_id", "match_id", "tests", "length", "certain")

    def __init__(self, attr_id: int, match_id: int, tests: list[list[Test]]) -> None:
        self.attr_id = attr_id
        self.match_id = match_id
        self.tests = tests
        self.length = len(tests)
        self.certain = False
        """One token, one test, and that test is the index entry it was found by."""


def _passes(row: tuple[Any, ...], tests: list[Test]) -> bool:
    for col, op, value in tests:
        found = row[col]
        if op == _EQ:
            if found != value:
                return False
        elif op == _IN:
            if found not in value:
                return False
        elif op == _NOT_IN:
            if found in value:
                return False
        else:
            regex, seen = value
            hit = seen.get(found)
            if hit is None:
                if len(seen) > 100_000:
                    seen.clear()
                hit = seen[found] = regex.search(found) is not None
            if not hit:
                return False
    return True


class IndexedRulerMatch:
    """A drop-in for ``AttributeRuler.match`` (see the module docstring)."""

    def __init__(self, ruler: Any) -> None:
        self.strings = ruler.vocab.strings
        parsed: list[tuple[int, list[list[tuple[str, int, Any]]]]] = []
        used: set[str] = set()
        for attr_id, spec in enumerate(ruler.patterns):
            for sequence in spec["patterns"]:
                if not sequence or not all(isinstance(tok, dict) and tok for tok in sequence):
                    raise UnsupportedPattern(f"pattern {sequence!r}")
                tokens = [[_parse(key, value) for key, value in tok.items()] for tok in sequence]
                used.update(name for tok in tokens for name, _op, _v in tok)
                parsed.append((attr_id, tokens))
        self.columns = tuple(sorted(used))
        column = {name: k for k, name in enumerate(self.columns)}
        self._string_columns = [k for k, name in enumerate(self.columns) if name != "IS_SPACE"]
        self.by_value: dict[tuple[int, Any], list[_Pattern]] = {}
        self.by_regex: dict[tuple[int, Any], list[_Pattern]] = {}
        """Patterns whose first token is known only by a regular expression on a string
        attribute, by (column, compiled regex); ``_seen`` caches its answers per string."""
        self._seen: dict[Any, dict[str, bool]] = {}
        self.always: list[_Pattern] = []
        for attr_id, tokens in parsed:
            tests = [[(column[name], op, value) for name, op, value in tok] for tok in tokens]
            pattern = _Pattern(attr_id, self.strings[str(attr_id)], tests)
            keys = {name: value for name, op, value in tokens[0] if op in (_EQ, _IN)}
            chosen = next((name for name in _INDEX_ORDER if name in keys), None)
            if chosen is None:
                regex = next(((n, v) for n, op, v in tokens[0] if op == _REGEX), None)
                if regex is not None:
                    compiled, seen = regex[1]
                    self.by_regex.setdefault((column[regex[0]], compiled), []).append(pattern)
                    self._seen[compiled] = seen
                else:
                    self.always.append(pattern)
                continue
            pattern.certain = len(tokens) == 1 and len(tokens[0]) == 1
            value = keys[chosen]
            for member in sorted(value) if isinstance(value, frozenset) else [value]:
                self.by_value.setdefault((column[chosen], member), []).append(pattern)
        self._indexed = sorted({col for col, _v in self.by_value})
        self._regexes = [(col, rx, self._seen[rx], group) for (col, rx), group in self.by_regex.items()]
        self.attrs = ruler.attrs
        self.indices = ruler.indices

    def _rows(self, doc: Any) -> list[tuple[Any, ...]]:
        """Per token, the values of the attributes the patterns test (strings but IS_SPACE)."""
        names = _names(self.strings)
        columns = doc.to_array(list(self.columns)).T.tolist()
        for k in self._string_columns:
            columns[k] = [names[value] for value in columns[k]]
        return list(zip(*columns, strict=True))

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        if not len(doc):
            return []
        rows = self._rows(doc)
        n = len(rows)
        found: set[tuple[int, int, int, int]] = set()
        by_value = self.by_value
        indexed = self._indexed
        always = self.always
        regexes = self._regexes
        for start, row in enumerate(rows):
            candidates = [hit for col in indexed if (hit := by_value.get((col, row[col])))]
            for col, regex, seen, group in regexes:
                value = row[col]
                matched = seen.get(value)
                if matched is None:
                    if len(seen) > 100_000:
                        seen.clear()
                    matched = seen[value] = regex.search(value) is not None
                if matched:
                    candidates.append(group)
            if always:
                candidates.append(always)
            for group in candidates:
                for pattern in group:
                    end = start + pattern.length
                    if pattern.certain:
                        found.add((pattern.attr_id, pattern.match_id, start, end))
                        continue
                    if end > n:
                        continue
                    tests = pattern.tests
                    if _passes(row, tests[0]) and all(
                        _passes(rows[start + k], tests[k]) for k in range(1, pattern.length)
                    ):
                        found.add((pattern.attr_id, pattern.match_id, start, end))
        return sorted(found)

    def set_annotations(self, doc: Any, matches: list[tuple[int, int, int, int]]) -> None:
        """spaCy's ``AttributeRuler.set_annotations`` without a ``Span`` per match: the same
        ``set_token_attrs`` calls on the same tokens, in the same order."""
        from spacy.tokens._retokenize import set_token_attrs

        for attr_id, _match_id, start, end in matches:
            index = self.indices[attr_id]
            k = index if index >= 0 else end - start + index
            if not 0 <= k < end - start:
                raise ValueError(
                    f"[E1001] Target token outside of matched span for match with tokens "
                    f"{[t.text for t in doc[start:end]]} and index {index}"
                )
            set_token_attrs(doc[start + k], self.attrs[attr_id])


def install(nlp: Any) -> bool:
    """Give the pipeline's attribute ruler the indexed matcher; False when it keeps its own."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        indexed = IndexedRulerMatch(ruler)
    except UnsupportedPattern as exc:
        log.info("attribute ruler keeps spaCy's matcher: %s", exc)
        return False
    ruler.match = indexed
    ruler.set_annotations = indexed.set_annotations
    return True
