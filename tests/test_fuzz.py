"""Fuzzing ingest and coding: hostile inputs never crash a batch (issue 10).

Every property here is "the run goes on and says what it could not do": readers yield an
``Article`` or a ``CodingError`` (never raise), cleaning keeps its offset map exact whatever
the characters, and the pipeline yields exactly one ``CodingResult`` per input, carrying an
error record (doc id, stage, reason) for each article it could not code -- which the store's
``errors`` table and the CLI summary then report.  Example counts are small on purpose
(``max_examples``) so the whole file stays well under 90 s on two cores.
"""

from __future__ import annotations

import gzip
import json
import resource
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashpoint.errors import BinaryInputError
from flashpoint.ingest import clean, read_inputs
from flashpoint.ingest.readers import decode_text
from flashpoint.models import Article, CodingError, CodingResult

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EXTENSIONS = (".txt", ".html", ".jsonl", ".jsonl.gz", ".json", ".csv", ".xml", ".rss", ".warc", ".warc.gz")

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NASTY = ZERO_WIDTH + BIDI + "\r\n\t\x0b\x0c\x85\u2028\u2029 \u00a0\u3000" + "\u0301\u0308"
RTL_WORDS = ("\u05e9\u05dc\u05d5\u05dd", "\u0627\u0644\u0633\u0644\u0627\u0645", "\u0641\u064a")

# text built from the characters that break naive text handling, plus ordinary words
nasty_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(".,;:!?\"'()[]<>&“”‘’—-"),
        st.characters(codec="utf-8"),
    ),
    max_size=400,
) | st.lists(
    st.sampled_from(
        (
            "North Korea",
            "fired",
            "a missile",
            "Japan",
            "said",
            "on Monday",
            ".",
            "\n\n",
            *RTL_WORDS,
            *NASTY,
        )
    ),
    max_size=60,
).map(" ".join)


def check_items(items: list[object]) -> None:
    """Every item a reader yields is an Article with text or a CodingError that says why."""
    for item in items:
        assert isinstance(item, Article | CodingError), type(item)
        if isinstance(item, CodingError):
            assert item.stage == "read"
            assert item.reason
            assert item.origin
        else:
            assert item.text.strip()
            assert item.doc_id


# --- readers ------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes_in_any_format_never_raise(data: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{ext}"
        path.write_bytes(data)
        items = list(read_inputs([path]))
    if not items:  # only a JSONL file with no non-blank line may hold no record at all
        assert ext in (".jsonl", ".jsonl.gz") and _blank_lines(data), data
    check_items(items)


def _blank_lines(data: bytes) -> bool:
    """Every line blank as the JSONL reader judges it: byte-order marks at its start dropped
    (a file of one BOM, or of files concatenated, is no record), then JSON's whitespace only
    (a form feed is not: that line is a bad record)."""
    bom = "\ufeff".encode()
    for line in data.split(b"\n"):
        while line.startswith(bom):
            line = line[len(bom) :]
        if line.strip(b" \t\r\n"):
            return False
    return True


@FUZZ
@given(text=nasty_text, ext=st.sampled_from(EXTENSIONS))
def test_random_text_in_any_format_never_raise(text: str, ext: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{ext}"
        raw = text.encode("utf-8", "surrogatepass")
        path.write_bytes(gzip.compress(raw) if ext.endswith(".gz") else raw)
        items = list(read_inputs([path]))
    check_items(items)


MAGIC = {"gz": b"\x1f\x8b\x08\x00", "bz2": b"BZh9", "xz": b"\xfd7zXZ\x00", "zst": b"\x28\xb5\x2f\xfd"}


@FUZZ
@given(
    data=st.binary(max_size=3000),
    codec=st.sampled_from(sorted(MAGIC)),
    ext=st.sampled_from((".txt", ".html", ".jsonl", ".json", ".csv", ".rss", ".warc")),
    packed=st.booleans(),
)
def test_damaged_compressed_input_never_raises(data: bytes, codec: str, ext: str, packed: bool) -> None:
    """Random bytes behind a compression's magic number (garbage to its decompressor), or a
    valid compressed stream cut anywhere: an error naming the file, or what could be read."""
    import bz2
    import lzma

    import zstandard

    if packed:  # a real stream of the random bytes, cut at a random place
        whole = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress,
                 "zst": zstandard.ZstdCompressor().compress}[codec](data)  # fmt: skip
        raw = whole[: len(data) % (len(whole) + 1)]
    else:
        raw = MAGIC[codec] + data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{ext}.{codec}"
        path.write_bytes(raw)
        items = list(read_inputs([path]))
    check_items(items)


good_row = st.builds(
    lambda i, t: json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False),
    st.integers(0, 10**6),
    nasty_text.filter(str.strip),
)
bad_row = st.one_of(
    st.text(max_size=80).filter(lambda s: s.strip() and "\n" not in s and "\r" not in s),
    st.just('{"id": 1}'),
    st.just('{"text": 42}'),
    st.just("[1, 2, 3]"),
    st.just('{"id": "x", "text": "   "}'),
    st.just('{"id": "y", "text": "ok", "published": "not a date"}'),
    st.just('{"id": "deep", "text": ' + "[" * 5000 + "]" * 5000 + "}"),
    st.just("null"),
)


@FUZZ
@given(rows=st.lists(st.one_of(good_row, bad_row), min_size=1, max_size=12))
def test_jsonl_one_item_per_nonblank_line(rows: list[str]) -> None:
    """A bad line costs that line only: it becomes an error naming ``path:line``."""
    # A line holding only spaces or a byte-order mark is blank to the reader, as it is to us.
    lines = [r for r in rows if r.lstrip("\ufeff").strip()]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        items = list(read_inputs([path]))
    check_items(items)
    assert len(items) == len(lines)
    for number, item in enumerate(items, start=1):
        assert item.origin == f"{path}:{number}"


def test_jsonl_invalid_utf8_line_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "China and Japan held talks."}\n'
        b'{"id": "b", "text": "caf\xe9 latin-1 bytes"}\n'
        b'{"id": "c", "text": "\xff\xfe\x00\x00"}\n'
        b'{"id": "d", "text": "Russia warned Ukraine."}\n'
    )
    items = list(read_inputs([path]))
    check_items(items)
    assert [type(i).__name__ for i in items] == ["Article", "CodingError", "CodingError", "Article"]
    assert "UTF-8" in items[1].reason


ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "cp1252",
    "latin-1",
    "koi8-r",
    "shift_jis",
)


@FUZZ
@given(
    parts=st.lists(
        st.tuples(st.text(min_size=1, max_size=60), st.sampled_from(ENCODINGS)), min_size=1, max_size=5
    )
)
def test_wrong_and_mixed_encodings_decode_or_refuse(parts: list[tuple[str, str]]) -> None:
    """Bytes mixing several encodings decode to text or are refused as binary, nothing else."""
    data = b"".join(text.encode(enc, "replace") for text, enc in parts)
    try:
        text = decode_text(data, "mixed.txt")
    except BinaryInputError:
        return
    assert isinstance(text, str)
    assert "\x00" not in text or data.startswith((b"\xff\xfe", b"\xfe\xff"))


# --- HTML ---------------------------------------------------------------------------------

PROSE = "North Korea fired a ballistic missile into the sea off Japan on Monday, officials said."


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 20000 + f"<p>{PROSE}</p>" + "</div>" * 20000,
        "<div>" * 3000 + f"<p>{PROSE}",  # never closed
        "<p>" * 5000 + PROSE,
        "<table><tr><td>" * 2000 + PROSE,
        f"<html><body><p>{PROSE}</p><script>" + "x" * 200000,  # unterminated script
        "<!--" + f"<p>{PROSE}</p>" * 10,  # unterminated comment
        f"<p>{PROSE}</p>" + "<b>" * 100000,
        "<" * 100000 + PROSE,
        f"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a '{'A' * 1000}'>]><p>{PROSE} &a;&a;&a;</p>",
        f"<html><head><meta charset='utf-16'></head><body><p>{PROSE}</p></body></html>",
        f"<p>{PROSE}</p>\x00\x01\x02",
        "",
        "   \n\t  ",
    ],
    ids=[
        "nested-div-20k",
        "unclosed-div",
        "nested-p",
        "nested-table",
        "unterminated-script",
        "unterminated-comment",
        "100k-open-b",
        "100k-lt",
        "entity-expansion",
        "wrong-meta-charset",
        "control-bytes",
        "empty",
        "whitespace",
    ],
)
def test_malformed_and_deeply_nested_html(tmp_path: Path, html: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    started = time.perf_counter()
    items = list(read_inputs([path]))
    assert time.perf_counter() - started < 30
    assert len(items) == 1
    check_items(items)


tag = st.sampled_from(("p", "div", "span", "script", "style", "table", "td", "a", "b", "article", "!--"))
html_soup = st.lists(
    st.one_of(
        tag.map(lambda t: f"<{t}>"),
        tag.map(lambda t: f"</{t}>"),
        tag.map(lambda t: f"<{t} class='x' data-x=\"{t}"),
        st.sampled_from(("&amp;", "&#0;", "&#x110000;", "&bogus;", "<![CDATA[", "]]>", PROSE)),
        nasty_text,
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(page=html_soup)
def test_html_tag_soup_never_raises(page: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "soup.html"
        path.write_text(page, encoding="utf-8", errors="surrogatepass")
        items = list(read_inputs([path]))
    assert len(items) == 1
    check_items(items)


# --- cleaning -----------------------------------------------------------------------------


@FUZZ
@given(text=nasty_text)
def test_clean_keeps_an_exact_offset_map(text: str) -> None:
    """Zero-width, bidi and odd line breaks never break the clean -> raw offset map."""
    cleaned = clean(text)
    for clean_start, raw_start, length in cleaned.segments:
        assert cleaned.text[clean_start : clean_start + length] == text[raw_start : raw_start + length]
    assert sum(length for _c, _r, length in cleaned.segments) == len(cleaned.text)


@FUZZ
@given(text=nasty_text)
def test_first_pass_sentences_keep_exact_offsets(text: str) -> None:
    """The parser-free split (first pass), opening marks moved included: every sentence is
    the text at its offsets, non-empty, in order and apart from the next."""
    from flashpoint import nlp

    source = clean(text).text
    sents = nlp.rule_sentences(source)
    assert [s.index for s in sents] == list(range(len(sents)))
    for s in sents:
        assert source[s.start : s.end] == s.text and s.text.strip()
    for a, b in zip(sents, sents[1:], strict=False):
        assert a.end <= b.start


# --- the coding pipeline ------------------------------------------------------------------

STAGES = {"read", "clean", "parse", "code"}


@pytest.fixture(scope="module")
def pipeline():
    from flashpoint.pipeline import Pipeline

    return Pipeline()


def check_results(articles: list[Article], results: list[CodingResult]) -> None:
    """One result per article, in order; an error names the article, the stage and why;
    a success has sentences and evidence that point into its own cleaned text."""
    assert [r.article.doc_id for r in results] == [a.doc_id for a in articles]
    for result in results:
        if result.error is not None:
            assert result.error.doc_id == result.article.doc_id
            assert result.error.stage in STAGES
            assert result.error.reason
            assert not result.events
            continue
        text = result.clean.text
        for sent in result.sentences:
            assert text[sent.start : sent.end] == sent.text
        for event in result.events:
            for span in (event.evidence.source, event.evidence.trigger, event.evidence.target):
                if span is not None:
                    assert 0 <= span[0] <= span[1] <= len(text)


@FEW
@given(texts=st.lists(nasty_text, min_size=1, max_size=6))
def test_pipeline_yields_one_result_per_hostile_article(pipeline, texts: list[str]) -> None:
    articles = [Article(doc_id=f"fuzz-{i}", text=t, origin=f"fuzz[{i}]") for i, t in enumerate(texts)]
    check_results(articles, list(pipeline.code_articles(articles)))


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\t \r\n", "\u00a0\u3000\u2028", "\ufeff"],
    ids=["empty", "space", "ws", "nbsp", "bom"],
)
def test_empty_and_whitespace_only_texts_are_error_records(pipeline, text: str) -> None:
    article = Article(doc_id="blank", text=text, origin="blank.txt")
    [result] = pipeline.code_articles([article])
    assert result.error is not None
    assert (result.error.doc_id, result.error.stage) == ("blank", "clean")
    assert "empty" in result.error.reason or "no text" in result.error.reason


def test_a_bad_article_never_sinks_its_batch(pipeline) -> None:
    good = "China and Japan signed a fishing agreement in Tokyo on Tuesday, officials said."
    texts = [good, "", "\x00\x01\x02" * 50, "\u202e" + good, "   ", good.replace(" ", "\u200b"), good]
    articles = [Article(doc_id=f"mix-{i}", text=t) for i, t in enumerate(texts)]
    results = list(pipeline.code_articles(articles))
    check_results(articles, results)
    assert results[0].ok and results[-1].ok
    assert [e.cameo for e in results[0].events] == [e.cameo for e in results[-1].events]
    assert results[1].error is not None and results[4].error is not None


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def test_ten_megabyte_article_is_refused_fast_with_an_error_record(pipeline) -> None:
    """A 10 MB "article" is not news: it becomes an error record at once instead of
    occupying a worker for an hour and gigabytes of parse trees; its neighbours code."""
    words = ("talks", "envoy", "border", "troops", "minister", "said", "on", "Monday", "the", "a")
    line = " ".join(words[(i * 7) % len(words)] for i in range(200)) + ".\n\n"
    huge = (line * (10_000_000 // len(line) + 1))[:10_000_000]
    good = "Russia warned Ukraine on Monday, officials said."
    before = _peak_mb()
    started = time.perf_counter()
    articles = [Article(doc_id="huge", text=huge), Article(doc_id="small", text=good)]
    results = list(pipeline.code_articles(articles))
    assert time.perf_counter() - started < 20
    assert _peak_mb() - before < 400
    check_results(articles, results)
    assert results[0].error is not None and results[0].error.stage == "clean"
    assert "10,000,000" in results[0].error.reason
    assert results[1].ok


def test_one_line_megabyte_paragraph_is_cut_before_parsing(pipeline) -> None:
    """A megabyte with no line break and no space must reach spaCy in bounded pieces."""
    from flashpoint.nlp import MAX_SENTENCE_CHARS

    text = "x" * 990_000
    started = time.perf_counter()
    [result] = pipeline.code_articles([Article(doc_id="line", text=text)])
    assert time.perf_counter() - started < 30
    assert result.ok
    assert result.sentences
    assert max(len(s.text) for s in result.sentences) <= MAX_SENTENCE_CHARS


def test_long_one_line_prose_paragraph_is_cut_into_sentences(pipeline) -> None:
    sentence = "Officials in {} said talks with the envoy would resume next week. "
    text = "".join(sentence.format(f"city{i}") for i in range(150))  # ~10 kB, no line break
    [result] = pipeline.code_articles([Article(doc_id="para", text=text)])
    assert result.ok
    assert len(result.sentences) >= 100
    assert max(len(s.text) for s in result.sentences) <= 2000


def test_sentence_beyond_spacy_max_length_is_parsed_in_pieces(nlp) -> None:
    from flashpoint import nlp as fp_nlp

    text = "y" * (nlp.max_length + 1000)  # one "sentence" longer than spaCy accepts at once
    parsed = fp_nlp.segment_and_parse(text, nlp)
    assert parsed
    assert sum(len(p.sentence.text) for p in parsed) == len(text)
    assert max(len(p.sentence.text) for p in parsed) <= fp_nlp.MAX_SENTENCE_CHARS


def test_cli_batch_of_hostile_rows_reports_every_error_in_store_and_summary(tmp_path: Path) -> None:
    """End to end: each bad row is one error record in the store and counted in the summary."""
    from click.testing import CliRunner

    from flashpoint.cli import cli
    from flashpoint.store import open_store

    good = "Russia warned Ukraine on Monday against further attacks, officials said."
    lines = [
        json.dumps({"id": "ok-1", "text": good}).encode(),
        json.dumps({"id": "blank", "text": " \n\t "}).encode(),
        b'{"id": "deep", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"id": "latin1", "text": "caf\xe9"}',
        json.dumps({"id": "notext", "title": "no text field"}).encode(),
        json.dumps({"id": "huge", "text": "word " * 220_000}).encode(),
        json.dumps({"id": "invisible", "text": "\u200b\u200e\ufeff\u2066"}).encode(),
        json.dumps({"id": "ok-2", "text": "\u202e" + good + " \u05e9\u05dc\u05d5\u05dd"}).encode(),
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    db = tmp_path / "events.duckdb"
    result = CliRunner().invoke(cli, ["code", str(path), "--db", str(db), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert "coded 2 articles" in result.stderr and "6 errors" in result.stderr, result.stderr
    with open_store(db, read_only=True) as store:
        errors = store.errors()
        assert len(errors) == 6
        assert all(e["stage"] and e["reason"] and e["origin"] for e in errors)
        by_origin = {e["origin"]: e for e in errors}
        assert set(by_origin) == {f"{path}:{n}" for n in (2, 3, 4, 5, 6, 7)}
        assert "nested" in by_origin[f"{path}:3"]["reason"]
        assert "1,000,000" in by_origin[f"{path}:6"]["reason"]
        assert {a["doc_id"] for a in store.query("SELECT doc_id FROM articles")} >= {"ok-1", "ok-2"}
