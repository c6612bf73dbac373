"""Readers: every input kind, every error case, stdin, directories, dates, streaming."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from flashpoint.errors import EmptyInputError
from flashpoint.ingest import (
    article_from_text,
    clean,
    content_id,
    dateline_date,
    hamming,
    input_files,
    parse_published,
    read_inputs,
    read_path,
    sample_paths,
    simhash,
)
from flashpoint.ingest.fingerprint import key_id
from flashpoint.models import Article, CodingError

CASES = Path(__file__).parent / "cases" / "ingest"


def articles(items) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def errors(items) -> list[CodingError]:
    return [item for item in items if isinstance(item, CodingError)]


# --- plain text -------------------------------------------------------------------------


def test_txt_file_id_text_and_dateline_date() -> None:
    [article] = list(read_inputs([CASES / "story.txt"]))
    assert isinstance(article, Article)
    assert article.doc_id == "story"
    assert article.text.startswith("Rebels seize border town as talks stall\n\nGOMA")
    assert article.published == date(2024, 1, 5)
    assert article.published_source == "dateline"
    assert article.origin == str(CASES / "story.txt")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Caf\u00e9 talks \u201cstall\u201d".encode("cp1252"), "Caf\u00e9 talks \u201cstall\u201d"),
        (b"\xef\xbb\xbfBOM headline\n\nBody.", "BOM headline\n\nBody."),
        ("UTF-16 story \u00e9".encode("utf-16"), "UTF-16 story \u00e9"),
        ("Plain UTF-8 \u00e9\u2019".encode(), "Plain UTF-8 \u00e9\u2019"),
    ],
)
def test_txt_decoding(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    [article] = list(read_path(path))
    assert isinstance(article, Article)
    assert article.text == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n\t \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (bytes(range(1, 32)) * 20, "binary file"),
    ],
)
def test_txt_errors(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    [error] = list(read_path(path))
    assert isinstance(error, CodingError)
    assert error.stage == "read"
    assert error.reason.endswith(reason)
    assert str(path) in error.reason
    assert error.doc_id == "bad"


def test_missing_path_yields_error_and_goes_on(tmp_path: Path) -> None:
    items = list(read_inputs([tmp_path / "nope.txt", CASES / "story.txt"]))
    assert isinstance(items[0], CodingError)
    assert "no such file" in items[0].reason
    assert items[0].origin == str(tmp_path / "nope.txt")
    assert isinstance(items[1], Article)


# --- HTML -------------------------------------------------------------------------------


def test_html_page_text_and_metadata() -> None:
    [article] = list(read_path(CASES / "page.html"))
    assert isinstance(article, Article)
    assert article.doc_id == "page"
    assert article.title == "Ministers meet in Geneva"
    assert article.url == "https://example.org/geneva"
    assert article.source == "Example Daily"
    assert article.published == date(2025, 2, 3)
    assert article.published_source == "html-meta"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0] == "Ministers meet in Geneva"
    assert paragraphs[1].startswith("The foreign ministers of Armenia and Azerbaijan")
    assert paragraphs[2].startswith("Switzerland hosted")
    assert "Home" not in article.text


def test_html_without_text() -> None:
    [error] = list(read_path(CASES / "no_text.html"))
    assert isinstance(error, CodingError)
    assert "no article text found" in error.reason


def test_html_paragraph_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    path = tmp_path / "short.htm"
    path.write_text(
        "<html><body><p>Menu</p><p>Bolivia expelled the Israeli ambassador on Tuesday.</p>"
        "<p>The government cited the war in Gaza.</p></body></html>",
        encoding="utf-8",
    )
    [article] = list(read_path(path))
    assert isinstance(article, Article)
    assert article.text == (
        "Bolivia expelled the Israeli ambassador on Tuesday.\n\nThe government cited the war in Gaza."
    )


def test_with_title_does_not_repeat_a_headline() -> None:
    from flashpoint.ingest.html import with_title

    body = "Ministers meet in Geneva\n\nThe ministers met."
    assert with_title(body, "Ministers meet in Geneva | Example Daily") == body
    assert with_title(body, None) == body
    assert with_title("The ministers met.", "Ministers meet") == "Ministers meet\n\nThe ministers met."
    assert with_title("Home\n\nThe ministers met.", "Home Office warns") == (
        "Home Office warns\n\nHome\n\nThe ministers met."
    )


# --- feeds ------------------------------------------------------------------------------


def test_rss_feed_entries() -> None:
    items = list(read_path(CASES / "feed.rss"))
    first, second = articles(items)
    assert not errors(items)
    assert first.title == "Chad closes border with Sudan"
    assert first.url == "https://example.org/chad"
    assert first.doc_id == key_id("https://example.org/chad")
    assert first.published == date(2024, 10, 8)
    assert first.published_source == "rss"
    assert first.source == "Example World News"
    assert first.text.split("\n\n") == [
        "Chad closes border with Sudan",
        "Chad closed its eastern border with Sudan on Tuesday, citing security threats from the fighting in Darfur.",
        "The United Nations urged Chad to keep the crossing open for refugees.",
    ]
    assert second.published == date(2024, 10, 9)
    assert second.origin == f"{CASES / 'feed.rss'}#2"


def test_atom_feed_entry() -> None:
    [article] = list(read_path(CASES / "feed.atom"))
    assert isinstance(article, Article)
    assert article.title == "Serbia recalls envoy from Montenegro"
    assert article.published == date(2025, 1, 9)
    assert article.url == "https://example.org/serbia"
    assert "Serbia recalled its ambassador" in article.text


def test_xml_that_is_not_a_feed() -> None:
    [error] = list(read_path(CASES / "not_a_feed.xml"))
    assert isinstance(error, CodingError)
    assert "not an RSS/Atom feed" in error.reason


# --- JSONL / CSV / JSON -----------------------------------------------------------------


def _check_rows(items: list, name: str) -> None:
    by_origin = {item.origin: item for item in items}
    r1 = by_origin[f"{name}:1"]
    assert isinstance(r1, Article)
    assert (r1.doc_id, r1.title, r1.url, r1.source) == (
        "r1",
        "Turkey strikes northern Iraq",
        "https://example.org/r1",
        "Example",
    )
    assert (r1.published, r1.published_source) == (date(2024, 8, 4), "field")
    assert by_origin[f"{name}:2"].published == date(2024, 8, 5)
    bad = by_origin[f"{name}:3"]
    assert isinstance(bad, CodingError)
    assert f"{name}:3" in bad.reason
    assert "not JSON" in bad.reason
    hashed = by_origin[f"{name}:4"]
    assert hashed.doc_id == content_id(hashed.text)
    assert hashed.published == date(2024, 8, 6)
    assert hashed.meta == {"lang": "en"}
    no_text = by_origin[f"{name}:5"]
    assert isinstance(no_text, CodingError)
    assert no_text.doc_id == "r5"
    from_html = by_origin[f"{name}:7"]
    assert from_html.doc_id == "r6"
    assert from_html.text.startswith("Thailand and Cambodia agreed")
    assert from_html.published == date(2025, 9, 12)
    assert len(items) == 6


def test_jsonl_rows_and_bad_lines() -> None:
    path = CASES / "rows.jsonl"
    _check_rows(list(read_path(path)), str(path))


def test_jsonl_line_of_control_characters_is_an_error_not_a_blank(tmp_path: Path) -> None:
    """Python's ``str.strip`` removes U+001C-U+001F: such a line must fail as not JSON (found
    by the fuzz test), while lines blank by JSON's rule are skipped."""
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'\x1c\n \t\r\n{"id": "a1", "text": "Japan and China met."}\n\x1f\x1e\n')
    items = list(read_path(path))
    assert [type(i).__name__ for i in items] == ["CodingError", "Article", "CodingError"]
    assert items[0].origin == f"{path}:1" and "not JSON" in items[0].reason
    assert items[2].origin == f"{path}:4"


def test_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl.gz"
    path.write_bytes(gzip.compress((CASES / "rows.jsonl").read_bytes()))
    _check_rows(list(read_path(path)), str(path))


def test_truncated_gzip_yields_error_after_good_rows(tmp_path: Path) -> None:
    rows = "".join(json.dumps({"id": f"g{i}", "text": f"Story number {i} " * 20}) + "\n" for i in range(200))
    data = gzip.compress(rows.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_path(path))
    assert articles(items)
    assert isinstance(items[-1], CodingError)
    assert "cannot read" in items[-1].reason


def _compress(data: bytes, codec: str) -> bytes:
    """``data`` as a file compressed with ``codec`` (its suffix, without the dot) holds it."""
    import bz2
    import lzma

    import zstandard

    if codec == "gz":
        return gzip.compress(data)
    if codec == "bz2":
        return bz2.compress(data)
    if codec == "xz":
        return lzma.compress(data)
    assert codec == "zst"
    return zstandard.ZstdCompressor().compress(data)


CODECS = ["gz", "bz2", "xz", "zst"]


def _as_read(items: list, path: Path) -> list[tuple[object, ...]]:
    """What a reader made of a file, its name taken out (the plain and compressed files differ
    in it): the records and errors in order."""

    def anon(text: str | None) -> str | None:
        return None if text is None else text.replace(str(path), "FILE")

    return [
        (type(i).__name__, i.doc_id, anon(i.origin), anon(getattr(i, "reason", None)),
         getattr(i, "text", None), getattr(i, "published", None), getattr(i, "title", None),
         getattr(i, "url", None))
        for i in items
    ]  # fmt: skip


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize(
    "name", ["rows.jsonl", "rows.csv", "story.txt", "page.html", "feed.rss", "feed.atom"]
)
def test_a_compressed_input_reads_as_the_plain_file(tmp_path: Path, name: str, codec: str) -> None:
    """News dumps ship compressed (gzip, bzip2, xz, Zstandard): each format reads the same
    compressed as plain, streamed, with the story's id from the name without its suffixes."""
    plain = tmp_path / name
    plain.write_bytes((CASES / name).read_bytes())
    packed = tmp_path / "packed" / f"{name}.{codec}"
    packed.parent.mkdir()
    packed.write_bytes(_compress(plain.read_bytes(), codec))
    expected = _as_read(list(read_path(plain)), plain)
    assert expected and any(kind == "Article" for kind, *_ in expected)
    assert _as_read(list(read_path(packed)), packed) == expected
    assert [p.name for p in input_files(tmp_path / "packed")] == [packed.name], "a folder scan finds it"


@pytest.mark.parametrize("codec", CODECS)
def test_a_compressed_warc_reads_as_the_plain_one(tmp_path: Path, codec: str) -> None:
    plain = tmp_path / "crawl.warc"
    _write_warc(plain, compress=False)
    packed = tmp_path / f"crawl.warc.{codec}"  # the whole file compressed, not record by record
    packed.write_bytes(_compress(plain.read_bytes(), codec))
    expected = _as_read(list(read_path(plain)), plain)
    assert len(articles(read_path(plain))) == 2
    assert _as_read(list(read_path(packed)), packed) == expected


@pytest.mark.parametrize("codec", CODECS)
def test_a_compressed_file_under_a_plain_name_is_read(tmp_path: Path, codec: str) -> None:
    """The first bytes decide, not the name: a download saved as ``rows.jsonl``."""
    path = tmp_path / "rows.jsonl"
    path.write_bytes(_compress((CASES / "rows.jsonl").read_bytes(), codec))
    _check_rows(list(read_path(path)), str(path))


@pytest.mark.parametrize("codec", CODECS)
def test_a_truncated_compressed_file_keeps_the_rows_before_the_damage(tmp_path: Path, codec: str) -> None:
    """A download cut short: the stories read before the cut are kept, then one error names
    the file (Zstandard's own reader ended quietly there, losing the rest without a word)."""
    import random

    rng = random.Random(3)  # text that does not shrink to nothing: the cut falls inside the rows
    rows = "".join(
        json.dumps({"id": f"g{i}", "text": "Story " + "".join(rng.choice("abcdefgh ") for _ in range(300))})
        + "\n"
        for i in range(6000)
    ).encode()  # 2 MB: bzip2 gives nothing before a 900 kB block is whole
    data = _compress(rows, codec)
    path = tmp_path / f"cut.jsonl.{codec}"
    path.write_bytes(data[: len(data) * 2 // 3])
    items = list(read_path(path))
    kept = articles(items)
    assert 0 < len(kept) < 6000 and [a.doc_id for a in kept] == [f"g{i}" for i in range(len(kept))]
    [error] = errors(items)
    assert items[-1] is error and error.origin == str(path)
    assert str(path) in error.reason and "cannot read" in error.reason


@pytest.mark.parametrize("codec", CODECS)
def test_a_corrupt_compressed_file_is_an_error_naming_it(tmp_path: Path, codec: str) -> None:
    head = _compress(b"", codec)[:6]  # the right magic number, then garbage
    for name in (f"bad.jsonl.{codec}", f"bad.txt.{codec}", f"bad.csv.{codec}"):
        path = tmp_path / name
        path.write_bytes(head + bytes(range(256)) * 8)
        items = list(read_path(path))
        assert [type(i) for i in items] == [CodingError], (name, items)
        assert str(path) in items[0].reason and "cannot read" in items[0].reason
    good = tmp_path / "good.txt"
    good.write_text("Iran and Iraq signed a deal.", encoding="utf-8")
    items = list(read_inputs([tmp_path / f"bad.txt.{codec}", good]))
    assert [type(i) for i in items] == [CodingError, Article], "the batch goes on"


@pytest.mark.parametrize("codec", [None, "zst"])
def test_a_jsonl_line_too_long_to_hold_is_an_error_and_its_neighbours_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codec: str | None
) -> None:
    """A row is held whole to parse it: one line of gigabytes (32 kB of Zstandard expand to
    a 1 GB line) took that much memory; past ``MAX_LINE_BYTES`` the line is read past in
    pieces and reported, in files and on stdin alike."""
    import sys

    from flashpoint.ingest import readers

    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 4096)
    rows = (
        json.dumps({"id": "a", "text": "Iran and Iraq signed a deal."}) + "\n"
        + json.dumps({"id": "huge", "text": "word " * 5000}) + "\n"
        + json.dumps({"id": "c", "text": "Japan protested to China."})  # the last line, no newline
    ).encode()  # fmt: skip
    data = _compress(rows, codec) if codec else rows
    path = tmp_path / ("rows.jsonl" + (f".{codec}" if codec else ""))
    path.write_bytes(data)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8"))
    for items, name in ((list(read_path(path)), str(path)), (list(read_inputs(["-"])), "<stdin>")):
        assert [type(i).__name__ for i in items] == ["Article", "CodingError", "Article"]
        assert (
            items[1].origin == f"{name}:2"
            and "line longer than 4,096 bytes, skipped unread" in items[1].reason
        )
        assert items[2].doc_id == "c"


def test_zstandard_files_of_several_frames_read_whole(tmp_path: Path) -> None:
    """``zstd`` run over parts and concatenated (as over gzip members) is one valid file."""
    import zstandard

    rows = (CASES / "rows.jsonl").read_bytes()
    cut = rows.index(b"\n") + 1
    compressor = zstandard.ZstdCompressor()
    path = tmp_path / "frames.jsonl.zst"
    path.write_bytes(compressor.compress(rows[:cut]) + compressor.compress(rows[cut:]))
    _check_rows(list(read_path(path)), str(path))


def test_a_compressed_story_too_large_to_read_whole_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A few kilobytes of gzip can hold gigabytes of text: the readers that hold a file whole
    stop at ``WHOLE_FILE_LIMIT``; streaming ones are not limited."""
    from flashpoint.ingest import readers

    monkeypatch.setattr(readers, "WHOLE_FILE_LIMIT", 1000)
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"word " * 100_000))
    [error] = list(read_path(path))
    assert isinstance(error, CodingError) and error.doc_id == "bomb"
    assert "decompresses to more than" in error.reason and str(path) in error.reason
    rows = tmp_path / "many.jsonl.gz"
    rows.write_bytes(
        gzip.compress(b"".join(b'{"id": "%d", "text": "Story %d"}\n' % (i, i) for i in range(500)))
    )
    assert len(articles(read_path(rows))) == 500


def test_csv_rows(tmp_path: Path) -> None:
    path = CASES / "rows.csv"
    items = list(read_path(path))
    c1, c2, c3 = items
    assert isinstance(c1, Article) and isinstance(c2, Article)
    assert c1.doc_id == "c1"
    assert c1.text.split("\n\n") == [
        "Niger's junta ordered the French ambassador to leave, a statement said.",
        "France rejected the order.",
    ]
    assert c1.published == date(2023, 8, 26)
    assert c1.title == "Niger expels French envoy"
    assert c2.title is None
    assert isinstance(c3, CodingError)
    assert c3.doc_id == "c3"
    assert c3.origin == f"{path}:6"


def test_csv_large_field_and_missing_column(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    body = "Long story. " * 20000
    big.write_text(f'id,text\nbig,"{body}"\n', encoding="utf-8")
    [article] = list(read_path(big))
    assert isinstance(article, Article)
    assert len(article.text) > 200_000
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,body\n1,hello\n", encoding="utf-8")
    [error] = list(read_path(wrong))
    assert isinstance(error, CodingError)
    assert "no 'text'" in error.reason


def test_json_list(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    rows = [{"id": "j1", "text": "Peru declared a state of emergency."}, {"id": "j2"}]
    path.write_text(json.dumps({"articles": rows}), encoding="utf-8")
    first, second = list(read_path(path))
    assert isinstance(first, Article) and first.doc_id == "j1"
    assert isinstance(second, CodingError)


# --- WARC -------------------------------------------------------------------------------


def _write_warc(path: Path, compress: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    dated = (CASES / "page.html").read_bytes()
    undated = (
        b"<html><body><article><p>Armenia and Azerbaijan exchanged fire along the border on "
        b"Sunday, each side blaming the other for the clash.</p></article></body></html>"
    )
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        for uri, payload, content_type in (
            ("https://example.org/dated", dated, "text/html; charset=utf-8"),
            ("https://example.org/logo.png", b"\x89PNG\r\n", "image/png"),
            ("https://example.org/undated", undated, "text/html"),
            ("https://example.org/empty", b"<html><body></body></html>", "text/html"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-05-01T12:00:00Z"},
            )
            writer.write_record(record)
        writer.write_record(
            writer.create_warc_record(
                "https://example.org/x", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            )
        )


@pytest.mark.parametrize("compress", [True, False])
def test_warc_records(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    _write_warc(path, compress)
    items = list(read_path(path))
    dated, undated = articles(items)
    assert dated.doc_id == key_id("https://example.org/dated")
    assert dated.published == date(2025, 2, 3)
    assert dated.published_source == "html-meta"
    assert dated.title == "Ministers meet in Geneva"
    assert undated.url == "https://example.org/undated"
    assert undated.published == date(2024, 5, 1)
    assert undated.published_source == "warc"
    assert undated.text.startswith("Armenia and Azerbaijan exchanged fire")
    [empty] = errors(items)
    assert "no article text found" in empty.reason
    assert empty.doc_id == key_id("https://example.org/empty")


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a WARC file at all\r\n\r\n" * 3,
        b"garbage" * 100,
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nshort",
    ],
)
def test_broken_warc(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.warc"
    path.write_bytes(data)
    items = list(read_path(path))
    assert items and all(isinstance(item, CodingError) for item in items)
    assert "WARC" in items[0].reason


def test_deferred_pages_extract_to_what_the_readers_give(tmp_path: Path) -> None:
    """A Dask run reads web pages as ``Page`` items for its workers to extract: extracted,
    they are the very Articles and errors the readers give (the dates a WARC record or
    ``--published`` supplies included), and they travel compressed."""
    import pickle

    from flashpoint.ingest.pages import Page, resolve

    crawl = tmp_path / "crawl.warc.gz"
    _write_warc(crawl, compress=True)
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("page.html", "no_text.html"):
        (pages / name).write_bytes((CASES / name).read_bytes())
    story = pages / "story.txt"
    story.write_bytes((CASES / "story.txt").read_bytes())
    inputs = [crawl, pages]
    for published in (None, date(2025, 4, 16)):
        plain = list(read_inputs(inputs, published=published))
        deferred = list(read_inputs(inputs, published=published, defer_pages=True))
        kinds = [type(i).__name__ for i in deferred]
        assert kinds.count("Page") == 5 and kinds.count("Article") == 1, kinds  # 3 WARC pages, 2 files
        assert [i.doc_id for i in deferred] == [i.doc_id for i in plain]
        assert _as_read([resolve(i) for i in deferred], tmp_path) == _as_read(plain, tmp_path)
        assert [resolve(i) for i in deferred] == plain  # every field, meta too
    page = next(i for i in read_inputs([pages / "page.html"], defer_pages=True))
    assert isinstance(page, Page) and page.html == (CASES / "page.html").read_bytes()
    markup = b"".join(b'<div class="nav"><a href="/s/%d">Section %d</a></div>' % (k, k) for k in range(400))
    big = Page.of(markup + page.html, "big", "o", pack=True)  # a page is mostly such furniture
    assert big.html == markup + page.html
    assert len(pickle.dumps(big)) < len(big.html) // 3, "the markup travels compressed"


def test_deferred_rows_of_markup_read_as_the_readers_give(tmp_path: Path) -> None:
    """Rows whose story is a page's markup (``html``, no ``text``) and that have an id wait
    for a worker as ``RowPage`` items in JSONL, CSV and JSON alike; the rest is read at once.
    Resolved, they are what the readers give, errors (with each format's id) included."""
    from flashpoint.ingest.pages import RowPage, resolve

    page = (CASES / "page.html").read_text(encoding="utf-8")
    rows = [
        {"id": "p1", "html": page, "source": "Wire", "desk": "world"},  # deferred
        {"id": 7, "html": page, "published": "2024-01-02"},  # deferred, a numeric id
        {"id": "t1", "text": "Iran and Iraq signed a deal on Monday."},  # text: at once
        {"html": page},  # no id: its id is the hash of the text extracted, at once
        {"id": "e1", "html": "<html><body></body></html>"},  # deferred, an error once extracted
        {"id": "s1", "html": page.replace("Geneva", "Gen\ud800eva")},  # a lone surrogate survives
    ]
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    whole = tmp_path / "rows.json"
    whole.write_text(json.dumps(rows), encoding="utf-8")
    table = tmp_path / "rows.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["id", "text", "html", "published"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(r for r in rows if r.get("id") != "s1")  # CSV holds no lone surrogate
    for path, deferred_ids in ((jsonl, ["p1", "7", "e1", "s1"]), (whole, ["p1", "7", "e1", "s1"]),
                               (table, ["p1", "7", "e1"])):  # fmt: skip
        for published in (None, date(2025, 4, 16)):
            plain = list(read_inputs([path], published=published))
            deferred = list(read_inputs([path], published=published, defer_pages=True))
            assert [i.doc_id for i in deferred if isinstance(i, RowPage)] == deferred_ids, path
            assert [resolve(i) for i in deferred] == plain, path
            assert any(isinstance(i, CodingError) for i in plain), "the page without text"
    [lone] = [i for i in read_inputs([jsonl], defer_pages=True) if getattr(i, "doc_id", None) == "s1"]
    assert "Gen\ud800eva" in lone.html


def test_warc_record_without_target_uri_is_named_in_words(tmp_path: Path) -> None:
    """warcio fails inside its own code on such headers ('NoneType' object has no attribute
    'startswith'); the error says which record and what is wrong with it, and the records
    before it are kept."""
    whole = tmp_path / "whole.warc"
    _write_warc(whole, compress=False)
    good = list(read_path(whole))
    path = tmp_path / "no-uri.warc"
    path.write_bytes(
        whole.read_bytes() + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nshort"
    )
    items = list(read_path(path))
    assert [type(i).__name__ for i in items] == [type(i).__name__ for i in good] + ["CodingError"]
    reason = items[-1].reason
    assert "WARC-Target-URI" in reason and "malformed record headers" in reason
    from warcio.archiveiterator import ArchiveIterator

    with whole.open("rb") as stream:
        records = sum(1 for _ in ArchiveIterator(stream))
    assert f"(number {records + 1} in the file)" in reason


def test_truncated_warc_keeps_records_before_the_damage(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc"
    _write_warc(whole, compress=False)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: data.index(b"https://example.org/undated") + 400])
    items = list(read_path(cut))
    assert isinstance(items[0], Article)
    assert isinstance(items[-1], CodingError)


# --- stdin, directories, overrides, streaming -------------------------------------------


def test_stdin_text_and_jsonl() -> None:
    [article] = list(read_inputs(["-"], stdin=io.StringIO("\nHeadline\n\nJan. 5, 2024 - Body.\n")))
    assert isinstance(article, Article)
    assert article.origin == "<stdin>"
    assert article.doc_id == content_id(article.text)
    assert article.published == date(2024, 1, 5)
    lines = '\n{"id": "s1", "text": "One."}\nnot json\n{"id": "s2", "text": "Two."}\n'
    items = list(read_inputs(["-"], stdin=io.StringIO(lines)))
    assert [type(item).__name__ for item in items] == ["Article", "CodingError", "Article"]
    assert items[1].origin == "<stdin>:3"
    [empty] = list(read_inputs(["-"], stdin=io.StringIO("  \n")))
    assert isinstance(empty, CodingError)


@pytest.mark.parametrize("codec", [None, *CODECS])
def test_stdin_as_bytes_compressed_or_not(monkeypatch: pytest.MonkeyPatch, codec: str | None) -> None:
    """The process's stdin is read as bytes, decompressed when it is compressed; a cut
    compressed stream keeps what was read and ends in an error naming stdin."""
    import sys

    rows = "".join(
        json.dumps({"id": f"s{k}", "text": f"Story {k} " * 40}) + "\n" for k in range(300)
    ).encode()
    data = _compress(rows, codec) if codec else rows

    def stdin_of(raw: bytes) -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BufferedReader(io.BytesIO(raw)), encoding="utf-8")

    monkeypatch.setattr(sys, "stdin", stdin_of(data))
    assert [a.doc_id for a in read_inputs(["-"])] == [f"s{k}" for k in range(300)]
    if codec:
        monkeypatch.setattr(sys, "stdin", stdin_of(data[: len(data) // 2]))
        items = list(read_inputs(["-"]))
        assert isinstance(items[-1], CodingError) and "<stdin>: cannot read" in items[-1].reason
        assert len(articles(items)) < 300 and len(items) - 1 == len(articles(items))
    monkeypatch.setattr(sys, "stdin", stdin_of("Iran and Iraq signed a deal.".encode("cp1252")))
    [story] = list(read_inputs(["-"]))
    assert isinstance(story, Article) and story.text == "Iran and Iraq signed a deal."


@pytest.mark.parametrize("codec", [None, "gz"])
def test_a_named_pipe_streams_compressed_or_not(tmp_path: Path, codec: str | None) -> None:
    """``mkfifo news.jsonl; zcat ... > news.jsonl &``: a pipe cannot seek back, so the
    compression test peeks, and the ETA's article count leaves the pipe's lines to the reader."""
    import os
    import threading

    from flashpoint.cli.code import estimate_total

    rows = "".join(json.dumps({"id": f"p{k}", "text": f"Story {k}."}) + "\n" for k in range(50)).encode()
    pipe = tmp_path / "news.jsonl"
    os.mkfifo(pipe)

    def feed() -> None:
        with pipe.open("wb") as out:
            out.write(_compress(rows, codec) if codec else rows)

    assert estimate_total([str(pipe)]) is None  # without opening it (that would block here)
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    assert [a.doc_id for a in read_inputs([pipe])] == [f"p{k}" for k in range(50)]
    writer.join(timeout=10)


def test_directory_recursion_sorted_known_extensions(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "a.txt").write_text("Alpha story.", encoding="utf-8")
    (tmp_path / "b" / "c.jsonl").write_text('{"id": "c", "text": "Gamma story."}\n', encoding="utf-8")
    (tmp_path / "b" / "deep" / "d.txt").write_text("Delta story.", encoding="utf-8")
    (tmp_path / "b" / "image.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    items = list(read_inputs([tmp_path]))
    assert [item.doc_id for item in items] == ["a", "c", "d"]
    assert [item.doc_id for item in read_inputs(tmp_path / "b")] == ["c", "d"]
    (tmp_path / "empty").mkdir()
    [error] = list(read_inputs([tmp_path / "empty"]))
    assert isinstance(error, CodingError)
    assert "no files with a known extension" in error.reason


def test_directory_walk_skips_hidden_folders_and_link_loops_in_sorted_order(tmp_path: Path) -> None:
    from flashpoint.ingest import input_files

    names = ["a.txt", "a-b/x.txt", "a_b.txt", "ab/y.jsonl", "B.txt", "b/z.csv", "b/zz/w.html", "c.jsonl.gz"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()  # notebook copies, a .git: not inputs
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.txt").write_text("copy", encoding="utf-8")
    (tmp_path / "b" / "._z.csv").write_text("fork", encoding="utf-8")
    (tmp_path / "b" / "up").symlink_to(tmp_path, target_is_directory=True)  # a loop
    (tmp_path / "b" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # dangling
    found = [p.relative_to(tmp_path).as_posix() for p in input_files(tmp_path)]
    assert found == sorted(names, key=lambda n: Path(n).parts)  # what sorted(rglob) gave
    walk = input_files(tmp_path)
    assert next(walk) == tmp_path / "B.txt"  # a generator: nothing listed beyond what is read


def test_cli_published_overrides_every_date() -> None:
    items = list(read_inputs([CASES / "story.txt", CASES / "rows.jsonl"], published=date(2020, 2, 2)))
    for article in articles(items):
        assert article.published == date(2020, 2, 2)
        assert article.published_source == "cli"
    assert errors(items)


class CountingLines:
    """A text stream that counts how many lines the reader has pulled from it."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pulled = 0

    def __iter__(self):
        for number in range(self.count):
            self.pulled += 1
            yield json.dumps({"id": f"n{number}", "text": f"Story {number}."}) + "\n"


def test_reading_is_lazy() -> None:
    stream = CountingLines(100_000)
    items = read_inputs(["-"], stdin=stream)
    first = next(items)
    assert isinstance(first, Article) and first.doc_id == "n0"
    assert stream.pulled <= 2
    for _ in range(9):
        next(items)
    assert stream.pulled <= 11


def test_reading_a_large_jsonl_file_streams(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:  # ~1.3 MB: far beyond any read buffer
        for number in range(20_000):
            out.write(json.dumps({"id": f"n{number}", "text": f"Story {number}."}) + "\n")
    items = read_inputs([path])
    first = next(items)
    # The rest of the file has not been parsed: appending to it is still seen by the reader.
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "appended", "text": "Late story."}) + "\n")
    last = None
    for last in items:  # noqa: B007
        pass
    assert first.doc_id == "n0"
    assert last is not None and last.doc_id == "appended"


@pytest.mark.parametrize(
    "kind", ["jsonl", "jsonl.gz", "jsonl.bz2", "jsonl.xz", "jsonl.zst", "csv", "warc.gz", "folder"]
)
def test_read_position_follows_the_bytes_read_to_the_whole_input(tmp_path: Path, kind: str) -> None:
    """``ReadPosition`` (the ETA for inputs whose article count is unknown): it rises as
    records are read, inside a file too, and ends at ``input_bytes`` of the inputs."""
    import random

    from flashpoint.ingest import ReadPosition, input_bytes

    rng = random.Random(7)  # text that gzip cannot shrink to nothing: the file spans many reads
    rows = [
        {"id": f"n{k}", "text": "Story " + "".join(rng.choice("abcdefgh ") for _ in range(400)) + "."}
        for k in range(3000)
    ]
    if kind == "csv":
        path = tmp_path / "in.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=["id", "text"])
            writer.writeheader()
            writer.writerows(rows)
    elif kind == "warc.gz":
        path = tmp_path / "crawl.warc.gz"
        _write_warc(path, compress=True)
    elif kind == "folder":
        path = tmp_path / "folder"
        (path / "sub").mkdir(parents=True)
        for k, row in enumerate(rows[:30]):
            (path / ("sub" if k % 2 else "") / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    else:
        path = tmp_path / f"in.{kind}"
        lines = "".join(json.dumps(row) + "\n" for row in rows).encode()
        codec = kind.partition(".")[2]
        path.write_bytes(_compress(lines, codec) if codec else lines)
    total = input_bytes([path])
    assert total is not None and total > 0
    position = ReadPosition()
    seen = [position.read_bytes]
    for _item in read_inputs([path], position=position):
        seen.append(position.read_bytes)
    seen.append(position.read_bytes)  # the last file counts whole once the reader is done with it
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == total
    if kind not in ("warc.gz",):  # a few records only: read in one go
        assert 0 < seen[len(seen) // 2] < total  # half-way through the records, not the bytes' end
    if kind in ("jsonl", "jsonl.gz", "jsonl.xz", "csv"):  # bzip2 and Zstandard go by blocks (900, 128 kB)
        # the position keeps pace with the records: gzip's own 128 KiB reads made a .gz of
        # 3000 stories (about 480 KB) jump by a quarter of the file at a time
        n = len(seen) - 2
        worst = max(abs(seen[k + 1] / total - (k + 1) / n) for k in range(n))
        assert worst < 0.03, worst
    assert input_bytes(["-"]) is None and input_bytes(["https://example.org/feed.rss"]) is None
    assert input_bytes([tmp_path / "missing.jsonl"]) is None


# --- records, dates, fingerprints, samples ----------------------------------------------


def test_article_from_text() -> None:
    article = article_from_text("\ufeffSome story.", published="2024-03-01T08:00:00Z", title="T", lang="en")
    assert article.doc_id == content_id("Some story.")
    assert article.text == "Some story."
    assert (article.published, article.published_source) == (date(2024, 3, 1), "field")
    assert article.title == "T"
    assert article.meta == {"lang": "en"}
    odd = article_from_text("Another story.", doc_id="x", published="sometime")
    assert odd.published is None
    assert odd.meta["published_raw"] == "sometime"
    with pytest.raises(EmptyInputError):
        article_from_text("   ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14 20:30:26Z", date(2025, 3, 14)),
        ("2025-03-14T20:30:26.123+05:30", date(2025, 3, 14)),
        ("2025-03-14", date(2025, 3, 14)),
        ("Fri, 14 Mar 2025 20:30:26 GMT", date(2025, 3, 14)),
        (date(2025, 3, 14), date(2025, 3, 14)),
        ("", None),
        (None, None),
        ("next week", None),
        ("2025-13-45", None),
    ],
)
def test_parse_published(value, expected) -> None:
    assert parse_published(value) == expected


def _dateline_cases() -> list[dict]:
    return yaml.safe_load((CASES / "datelines.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _dateline_cases(), ids=lambda case: case["text"][:30])
def test_dateline_date(case: dict) -> None:
    found = dateline_date(case["text"], case["year"])
    assert (found.isoformat() if found else None) == case["expected"]


def test_fingerprints() -> None:
    base = "Officials said the \u2018talks\u2019 would resume on Monday in Geneva after a pause of two weeks."
    assert content_id(base) == content_id(base.replace("\u2018", "'").replace("\u2019", "'") + "  ")
    assert content_id(base) != content_id(base + " More.")
    edited = base.replace("Monday", "Tuesday")
    other = "Rebels shelled the airport overnight and the government declared a curfew in the capital."
    assert hamming(simhash(base), simhash(edited)) < hamming(simhash(base), simhash(other))
    assert simhash("") == 0


def test_normalised_text_folds_every_typographic_mark() -> None:
    # ids are content hashes of this form: it must stay what it has always been
    from flashpoint.ingest.fingerprint import normalize_text

    text = "‘a’ ‚b‛ ′c″ “d” „e‟ f–g—h  i\n"
    assert normalize_text(text) == "'a' 'b' 'c\" \"d\" \"e\" f-g-h i"
    assert normalize_text("Café ’s") == "Café 's"  # NFC first


def test_samples_read_cleanly() -> None:
    paths = sample_paths()
    assert any(p.suffix == ".jsonl" for p in paths)
    assert any(p.suffix == ".html" for p in paths)
    items = list(read_inputs(paths))
    assert not errors(items)
    samples = articles(items)
    assert 6 <= len(samples) <= 10
    assert len({a.doc_id for a in samples}) == len(samples)
    for article in samples:
        assert article.title and article.published
        assert date(2024, 1, 1) <= article.published <= date(2025, 12, 31)
        cleaned = clean(article.text)
        paragraphs = cleaned.text.split("\n\n")
        assert paragraphs[0] == article.title
        assert 5 <= len(paragraphs) <= 9
        assert "Advertisement" not in cleaned.text
        assert '"' in cleaned.text or "\u201c" in cleaned.text


def test_rows_of_invisible_characters_are_empty_errors(tmp_path: Path) -> None:
    """A byte-order mark or zero-width text prints nothing: an error naming the line, not an article."""
    path = tmp_path / "invisible.jsonl"
    rows = [{"text": "\ufeff"}, {"text": " \u200b\u2060 "}, {"text": "Japan condemned North Korea."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\ufeff\n", encoding="utf-8")
    items = list(read_inputs([path]))
    assert [type(i).__name__ for i in items] == ["CodingError", "CodingError", "Article"]
    assert [i.origin for i in items] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert "empty" in items[0].reason


# --- inputs named by a URL --------------------------------------------------------------------

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>
<item><title>Talks</title><link>https://example.org/a</link>
<description>Japan and South Korea signed a trade agreement in Tokyo on Monday.</description>
<pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item>
<item><title>Threat</title><link>https://example.org/b</link>
<description>North Korea threatened South Korea on Tuesday.</description></item>
</channel></rss>"""


@pytest.fixture()
def web(tmp_path: Path) -> Iterator[str]:
    """A real HTTP server on loopback serving ``tmp_path`` (the stdlib's, in a thread)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # no request lines on stderr
            pass

    (tmp_path / "world.rss").write_text(FEED, encoding="utf-8")
    page = "<html><head><title>Clash</title></head><body><article><p>{}</p></article></body></html>"
    (tmp_path / "story").write_text(  # no extension: served as application/octet-stream
        page.format("Indian and Pakistani troops exchanged fire on Friday, officials said."), encoding="utf-8"
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_feed_and_a_page_read_by_url_name_the_url(web: str) -> None:
    items = list(read_inputs([f"{web}/world.rss", f"{web}/story"]))
    assert [type(i).__name__ for i in items] == ["Article"] * 3
    talks, threat, page = items
    assert talks.doc_id == key_id("https://example.org/a") and talks.published == date(2025, 3, 3)
    assert talks.origin.startswith(f"{web}/world.rss")
    assert "North Korea threatened" in threat.text
    assert page.title == "Clash" and page.text.startswith(
        "Clash\n\nIndian and Pakistani troops"
    )  # sniffed HTML
    assert (
        page.doc_id == key_id(f"{web}/story") and page.url == f"{web}/story" and page.origin == f"{web}/story"
    )
    [dated] = [i for i in read_inputs([f"{web}/story"], published=date(2020, 1, 2))]
    assert dated.published == date(2020, 1, 2)


def test_a_url_that_cannot_be_fetched_is_one_error_naming_it(web: str) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
    items = list(read_inputs([f"{web}/missing.rss", closed, f"{web}/world.rss"]))
    missing, refused, *rest = items
    assert isinstance(missing, CodingError) and missing.origin == f"{web}/missing.rss"
    assert "the server answered 404" in missing.reason
    assert isinstance(refused, CodingError) and "cannot fetch" in refused.reason and closed in refused.reason
    assert len(rest) == 2 and all(isinstance(i, Article) for i in rest)  # the batch goes on


def test_a_jsonl_file_by_url_keeps_its_own_ids(web: str, tmp_path: Path) -> None:
    rows = [{"id": "download", "text": "Japan and China signed a trade deal on Monday."}]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [row] = list(read_inputs([f"{web}/rows.jsonl"]))
    assert row.doc_id == "download" and row.origin == f"{web}/rows.jsonl:1"


def test_pages_fetched_by_url_are_deferred_and_resolve_to_the_same_articles(web: str, tmp_path: Path) -> None:
    """A crawl fetched by its address (CC-NEWS is served over HTTPS) is the case that most
    needs the workers to extract it: its pages are deferred too, named by the URL, and once
    extracted equal what a plain read of the URL gives, ids, origins and errors included."""
    from flashpoint.ingest.pages import Page, RowPage, resolve

    _write_warc(tmp_path / "crawl.warc.gz", compress=True)
    page = (CASES / "page.html").read_text(encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": "r1", "html": page}) + "\n", encoding="utf-8")
    urls = [f"{web}/crawl.warc.gz", f"{web}/story", f"{web}/rows.jsonl"]
    for published in (None, date(2025, 4, 16)):
        plain = list(read_inputs(urls, published=published))
        deferred = list(read_inputs(urls, published=published, defer_pages=True))
        assert [type(i).__name__ for i in deferred].count("Page") == 4  # 3 WARC pages and the story
        assert sum(isinstance(i, RowPage) for i in deferred) == 1
        assert all(str(tmp_path) not in i.origin and "download" not in i.origin for i in deferred)
        assert [resolve(i) for i in deferred] == plain
    story = next(i for i in read_inputs([f"{web}/story"], defer_pages=True))
    assert isinstance(story, Page) and story.doc_id == key_id(f"{web}/story")
    assert resolve(story).url == f"{web}/story"


def test_a_body_nothing_names_is_read_as_its_first_bytes_say() -> None:
    from flashpoint.ingest.remote import _sniffed

    warc = gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n")
    assert _sniffed(warc) == ".warc.gz"
    assert _sniffed(gzip.compress(b'{"id": "a", "text": "x"}\n')) == ".jsonl.gz"
    assert _sniffed(b"\n<!DOCTYPE html><html><body><p>x</p>") == ".html"
    assert _sniffed(b'\xef\xbb\xbf<?xml version="1.0"?><rss version="2.0">') == ".xml"
    assert _sniffed(b'{"id": "a"}\n') == ".jsonl"
    assert _sniffed(b"Seoul, April 17 - North Korea said ...") == ".txt"
