"""Plain-Python copies of a parsed ``Doc`` for the rules coder's tree walks.

The rules coder reads a handful of attributes of every token many times over (``dep_``,
``head``, ``children``, ``lemma_``...).  On a spaCy ``Token`` each read goes through Cython
and the string store and makes a new ``Token`` object for ``head`` and each child (140-260 ns
an attribute, 1.5 us for ``children``); on these slotted objects it is a plain attribute read
(about 20 ns).  A ``LightDoc`` is built once per parsed paragraph from ``Doc.to_array`` and
answers the part of the ``Token``/``Span``/``Doc`` API the coder uses with the same values,
in the same orders (``children`` lefts then rights, ``subtree`` as spaCy recurses,
``conjuncts`` as spaCy walks them); ``tests/test_nlp_light.py`` compares both on real parses.

No spaCy import here: the copy reads the spaCy objects through their public API.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

_ATTRS = (
    "ORTH", "LOWER", "LEMMA", "POS", "TAG", "DEP", "HEAD", "IDX", "ENT_TYPE", "IS_PUNCT", "SPACY", "SENT_START",
)  # fmt: skip
_CONJ = "conj"


class LightToken:
    """A token of a ``LightDoc``: the attributes of ``spacy.tokens.Token`` the coder reads."""

    __slots__ = (
        "doc",
        "i",
        "idx",
        "text",
        "lower_",
        "lemma_",
        "pos_",
        "tag_",
        "dep_",
        "head",
        "children",
        "n_left",
    )

    doc: LightDoc
    i: int
    idx: int
    text: str
    lower_: str
    lemma_: str
    pos_: str
    tag_: str
    dep_: str
    head: LightToken
    children: tuple[LightToken, ...]
    n_left: int
    """How many of ``children`` stand before the token (spaCy's ``n_lefts``)."""

    # read rarely: kept in the doc's columns, so a token costs less to build
    @property
    def lefts(self) -> tuple[LightToken, ...]:
        return self.children[: self.n_left]

    @property
    def rights(self) -> tuple[LightToken, ...]:
        return self.children[self.n_left :]

    @property
    def ent_type_(self) -> str:
        return self.doc._ent_types[self.i]

    @property
    def is_punct(self) -> bool:
        return self.doc._punct[self.i]

    @property
    def whitespace_(self) -> str:
        return " " if self.doc._space[self.i] else ""

    @property
    def sent_index(self) -> int:
        return bisect_right(self.doc._sent_starts, self.i) - 1

    # spaCy compares tokens by character offset and equates them within one Doc
    def __lt__(self, other: LightToken) -> bool:
        return self.idx < other.idx

    def __le__(self, other: LightToken) -> bool:
        return self.idx <= other.idx

    def __gt__(self, other: LightToken) -> bool:
        return self.idx > other.idx

    def __ge__(self, other: LightToken) -> bool:
        return self.idx >= other.idx

    def __len__(self) -> int:
        return len(self.text)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    @property
    def orth_(self) -> str:
        return self.text

    @property
    def text_with_ws(self) -> str:
        return self.text + self.whitespace_

    @property
    def subtree(self) -> Iterator[LightToken]:
        """The token and its descendants, in spaCy's order (left subtrees, self, right ones)."""
        for word in self.lefts:
            yield from word.subtree
        yield self
        for word in self.rights:
            yield from word.subtree

    @property
    def ancestors(self) -> Iterator[LightToken]:
        cur, n = self, 0
        while cur.head is not cur and n < len(self.doc):
            cur = cur.head
            yield cur
            n += 1

    def is_ancestor(self, descendant: LightToken) -> bool:
        return any(a is self for a in descendant.ancestors)

    @property
    def conjuncts(self) -> tuple[LightToken, ...]:
        """Coordinated tokens without the token itself, found as spaCy finds them."""
        start = self
        while start.head is not start and start.dep_ == _CONJ:
            start = start.head
        queue = [start]
        output = [start]
        for word in queue:
            for child in word.rights:
                if child.dep_ == _CONJ:
                    output.append(child)
                    queue.append(child)
        return tuple(w for w in output if w.i != self.i)

    @property
    def left_edge(self) -> LightToken:
        """spaCy's edge (kept by the parser; not always the subtree's ends in a non-projective
        tree), so asked of the spaCy token."""
        return self.doc.tokens[self.doc._doc[self.i].left_edge.i]

    @property
    def right_edge(self) -> LightToken:
        return self.doc.tokens[self.doc._doc[self.i].right_edge.i]

    @property
    def sent(self) -> LightSpan:
        """The parser's sentence holding the token (spaCy's ``Token.sent``)."""
        start, end = self.doc._sent_bounds[self.sent_index]
        return LightSpan(self.doc, start, end)

    def nbor(self, i: int = 1) -> LightToken:
        j = self.i + i
        if not 0 <= j < len(self.doc):
            raise IndexError(f"token index {j} out of range")
        return self.doc.tokens[j]


class LightSpan:
    """A slice of a ``LightDoc`` (``spacy.tokens.Span``'s iteration, indexing and text)."""

    __slots__ = ("doc", "start", "end")

    def __init__(self, doc: LightDoc, start: int, end: int) -> None:
        self.doc = doc
        self.start = start
        self.end = end

    def __iter__(self) -> Iterator[LightToken]:
        return iter(self.doc.tokens[self.start : self.end])

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            start, stop, _ = key.indices(len(self))
            return LightSpan(self.doc, self.start + start, self.start + max(start, stop))
        if key < 0:
            key += len(self)
        if not 0 <= key < len(self):
            raise IndexError(f"token index {key} out of range")
        return self.doc.tokens[self.start + key]

    @property
    def start_char(self) -> int:
        return self.doc.tokens[self.start].idx if self.end > self.start else 0

    @property
    def end_char(self) -> int:
        if self.end <= self.start:
            return self.start_char
        last = self.doc.tokens[self.end - 1]
        return last.idx + len(last.text)

    @property
    def text(self) -> str:
        return self.doc.text[self.start_char : self.end_char]

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


class _Names(dict[int, str]):
    """Hash -> string of one vocabulary's string store, filled on first sight of a hash."""

    def __init__(self, strings: Any) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> str:
        found = self[key] = self.strings[key] if key else ""
        return found


_NAMES: dict[int, _Names] = {}
_NAMES_MAX = 500_000
"""Entries the string cache of one vocabulary may hold before it is emptied (a long run meets
ever new words; the cache must not grow without bound)."""


def _names(strings: Any) -> _Names:
    found = _NAMES.get(id(strings))
    if found is None or found.strings is not strings or len(found) > _NAMES_MAX:
        found = _NAMES[id(strings)] = _Names(strings)
    return found


class LightDoc:
    """A parsed ``Doc`` as plain objects: tokens, text, sentence bounds and annotations.

    Tokens point at each other (``head``, ``children``) and at the doc: ``release`` breaks
    those cycles when the coder is done, so that the memory goes back at once rather than at
    the next full garbage collection.
    """

    __slots__ = (
        "tokens", "text", "_sent_bounds", "_sent_starts", "_doc", "_annotations", "_ent_types", "_punct", "_space",
    )  # fmt: skip

    def __init__(self, doc: Any) -> None:
        self._doc = doc  # asked only for annotations the copy does not hold
        self._annotations: dict[str, bool] = {}
        n = len(doc)
        names = _names(doc.vocab.strings)
        tokens: list[LightToken] = []
        self.tokens = tokens
        array = doc.to_array(list(_ATTRS)) if n else None
        columns = array.T.tolist() if array is not None else [[] for _ in _ATTRS]
        orths, lowers, lemmas, poss, tags, deps, _h, idxs, ents, punct, space, starts = columns
        # relative heads come back as uint64 (a head to the left wraps round): read them signed
        heads = array[:, _ATTRS.index("HEAD")].astype("int64").tolist() if array is not None else []
        self._ent_types = [names[e] for e in ents]
        self._punct = [p == 1 for p in punct]
        self._space = space
        self._sent_starts = [i for i, start in enumerate(starts) if start == 1 or i == 0]
        bounds = [*self._sent_starts, n]
        self._sent_bounds = list(zip(bounds, bounds[1:], strict=False))
        new = LightToken.__new__
        for i, idx, orth, lower, lemma, pos, tag, dep in zip(
            range(n), idxs, orths, lowers, lemmas, poss, tags, deps, strict=True
        ):
            tok = new(LightToken)
            tok.doc = self
            tok.i = i
            tok.idx = idx
            tok.text = names[orth]
            tok.lower_ = names[lower]
            tok.lemma_ = names[lemma]
            tok.pos_ = names[pos]
            tok.tag_ = names[tag]
            tok.dep_ = names[dep]
            tokens.append(tok)
        # spaCy's Doc.text joins the tokens' text and trailing space in Python: this is faster
        self.text = "".join([t.text + " " if sp else t.text for t, sp in zip(tokens, space, strict=True)])
        kids: list[list[LightToken]] = [[] for _ in range(n)]
        n_left = [0] * n
        for tok, rel in zip(tokens, heads, strict=True):
            if rel:
                h = tok.i + rel
                tok.head = tokens[h]
                kids[h].append(tok)  # ascending index: spaCy's lefts then rights
                if rel > 0:
                    n_left[h] += 1
            else:
                tok.head = tok
        for tok, own, left in zip(tokens, kids, n_left, strict=True):
            tok.children = tuple(own)
            tok.n_left = left

    def release(self) -> None:
        """Break the token cycles (see the class docstring); the copy is unusable after."""
        for tok in self.tokens:
            tok.doc = tok.head = None  # type: ignore[assignment]
            tok.children = ()
        self.tokens = []
        self._doc = None

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[LightToken]:
        return iter(self.tokens)

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            start, stop, _ = key.indices(len(self.tokens))
            return LightSpan(self, start, max(start, stop))
        return self.tokens[key]

    def has_annotation(self, attr: str) -> bool:
        """spaCy's answer, asked once per attribute (spaCy scans the whole Doc each time)."""
        found = self._annotations.get(attr)
        if found is None:
            found = self._annotations[attr] = bool(self._doc.has_annotation(attr))
        return found

    @property
    def sents(self) -> Iterator[LightSpan]:
        for start, end in self._sent_bounds:
            yield LightSpan(self, start, end)


class LazyLight:
    """Builds the ``LightDoc`` of one spaCy ``Doc`` on first use and keeps it: the sentences of
    one parsed paragraph share one, and a consumer that never asks (the dictionary coder)
    never pays for it."""

    __slots__ = ("_doc", "_light")

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self._light: LightDoc | None = None

    def get(self) -> LightDoc:
        if self._light is None:
            self._light = LightDoc(self._doc)
        return self._light

    def release(self) -> None:
        """Free the copy now (it is rebuilt if asked for again)."""
        if self._light is not None:
            self._light.release()
            self._light = None


def light_span(span: Any, lazy: LazyLight | None = None) -> LightSpan:
    """The ``LightSpan`` over the same tokens as the spaCy ``Span`` ``span``."""
    doc = (lazy or LazyLight(span.doc)).get()
    return LightSpan(doc, span.start, span.end)
