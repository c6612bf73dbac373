"""Web pages read but not yet extracted: what a crawl's reader hands a cluster.

Extracting a page's text (trafilatura) costs far more than reading it out of a WARC: on
generated news pages it was 85% of the reader's time, about 1.4 ms a page, and real pages
are larger.  On the local engine that is the same process either way; on a Dask cluster the
reader runs in the one writer process, where it would cap the whole cluster at a few hundred
pages a second.  So a Dask run reads pages as ``Page`` items (the raw HTML, zlib-compressed
while it travels, and what the WARC record says about it) and each worker extracts its own
partition's pages with ``page_article``: the very function the readers call on the local
engine, so both give the same Articles and the same errors.

Rows of JSONL, CSV or JSON whose story is markup (``html``, no ``text``) are deferred the same
way (``RowPage``).  A page is deferred only when its id is known without its text (a WARC
record's target URI, an HTML file's name, a row's ``id``), because partitions go by ids.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flashpoint.errors import InputError
from flashpoint.ingest.html import extract_html, with_title
from flashpoint.ingest.published import parse_published
from flashpoint.ingest.records import article_from_row, article_from_text
from flashpoint.models import Article, CodingError

_LEVEL = 1
"""zlib level for the HTML in transit: on the bench's generated pages (about 1 kB each) level 1
shrank the markup 7.3 times in 0.011 ms a page, nothing beside the 1.4 ms of extraction it
moves off the writer; markup, repetitive by nature, compresses well on real pages too."""


@dataclass(frozen=True, slots=True)
class Page:
    """One web page to extract: a WARC record's (``warc``) or an HTML file's."""

    doc_id: str | None
    """The id its Article will have (``key_id`` of the URI, or the file's stem); None: the
    content hash of its text, known only once extracted (such a page is never deferred)."""
    data: bytes
    """The page's bytes as stored, zlib-compressed when ``packed`` (``html``)."""
    packed: bool
    origin: str
    """Where it was read (``path#uri`` for a WARC record, the path for a file)."""
    warc: bool = False
    uri: str | None = None
    """A WARC record's target URI: the page's URL unless the page names its own."""
    capture_date: str | None = None
    """A WARC record's ``WARC-Date``: the publication date when the page states none."""
    published: date | None = None
    """A date that overrides the page's own (the CLI's ``--published``)."""
    fallback_url: str | None = None
    """The address it was fetched from, for an Article whose page names none (``remote``)."""

    @classmethod
    def of(
        cls,
        html: bytes,
        doc_id: str | None,
        origin: str,
        *,
        pack: bool = False,
        warc: bool = False,
        uri: str | None = None,
        capture_date: str | None = None,
    ) -> Page:
        """A page; ``pack`` for one that waits and travels (a deferred page), not for one
        extracted at once."""
        data = zlib.compress(html, _LEVEL) if pack else html
        return cls(doc_id, data, pack, origin, warc, uri, capture_date)

    @property
    def html(self) -> bytes:
        return zlib.decompress(self.data) if self.packed else self.data


@dataclass(frozen=True, slots=True)
class RowPage:
    """A JSONL, CSV or JSON row whose story is a page's markup (``html`` and no ``text``), with
    an ``id``: the row as read, its markup packed apart (``RowPage.of``)."""

    doc_id: str
    row: dict[str, Any]
    """The row without its ``html``."""
    data: bytes
    """The ``html`` value, UTF-8 (lone surrogates kept), zlib-compressed."""
    origin: str
    error_id: str | None
    """The id the reader's error for this row would carry (each format has its own rule)."""
    published: date | None = None
    """A date that overrides the row's own (the CLI's ``--published``)."""

    @classmethod
    def of(cls, row: object, origin: str, error_id: str | None) -> RowPage | None:
        """The row deferred, or None for a row to read at once: not an object, with text, without
        markup, or without an id (its id would be the hash of the text extracted)."""
        if not isinstance(row, Mapping) or row.get("text") or not row.get("html"):
            return None
        doc_id = row.get("id")
        if doc_id is None or not str(doc_id).strip():
            return None
        rest = {k: v for k, v in row.items() if k != "html"}
        data = zlib.compress(str(row["html"]).encode("utf-8", "surrogatepass"), _LEVEL)
        return cls(str(doc_id).strip(), rest, data, origin, error_id)

    @property
    def html(self) -> str:
        return zlib.decompress(self.data).decode("utf-8", "surrogatepass")


def row_article(item: RowPage) -> Article | CodingError:
    """The row's Article as the reader makes it (``article_from_row``), or its ``read`` error."""
    try:
        article = article_from_row({**item.row, "html": item.html}, item.origin)
    except InputError as exc:
        return CodingError(item.error_id, "read", str(exc), item.origin)
    if item.published is not None:
        article = replace(article, published=item.published, published_source="cli")
    return article


def extract_page(page: Page) -> Article:
    """The page's Article; raises ``InputError`` (``EmptyInputError`` for a page without
    article text) as the readers' extraction does.  A WARC record's page falls back on the
    record's capture date and target URI; a file's page has neither."""
    found = extract_html(page.html, page.origin, url=page.uri)
    published = found.date_text
    published_source = "html-meta" if published else None
    if page.warc and parse_published(published) is None:
        published = page.capture_date
        published_source = "warc" if published else None
    article = article_from_text(
        with_title(found.text, found.title),
        doc_id=page.doc_id,
        published=published,
        published_source=published_source,
        title=found.title,
        url=found.url or page.uri,
        source=found.sitename,
        origin=page.origin,
    )
    if page.fallback_url is not None and article.url is None:
        article = replace(article, url=page.fallback_url)
    if page.published is not None:
        article = replace(article, published=page.published, published_source="cli")
    return article


def page_article(page: Page) -> Article | CodingError:
    """``extract_page``, its failure as the ``read`` error the reader would have yielded."""
    try:
        return extract_page(page)
    except InputError as exc:
        # where the readers put it: a WARC record's origin, else the error's own
        where = page.origin if page.warc else exc.origin if exc.line is None else f"{exc.origin}:{exc.line}"
        return CodingError(page.doc_id, "read", str(exc), where)


Item = Article | CodingError | Page | RowPage
"""What the readers yield: a ``Page`` or ``RowPage`` only when asked to defer extraction
(``read_inputs``); what a Dask partition holds."""


def resolve(item: Item) -> Article | CodingError:
    """An item as the pipeline takes it: a page extracted, anything else as it is."""
    if isinstance(item, Page):
        return page_article(item)
    if isinstance(item, RowPage):
        return row_article(item)
    return item


__all__ = ["Item", "Page", "RowPage", "extract_page", "page_article", "resolve", "row_article"]
