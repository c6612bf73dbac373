"""Web archives (WARC, WARC.gz): each HTML ``response`` record becomes an article (warcio).

Crawls are large, so records are streamed one at a time.  The record's target URI is the
article URL and, hashed, its id (the same page crawled twice keeps its id); the capture
date stands in for the publication date only when the page states none.  Records that are
not HTML responses (requests, metadata, images) are skipped silently; a record whose page
has no text yields a CodingError; a broken archive yields a CodingError and ends the file,
because a WARC cannot be resynchronised after a damaged record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flashpoint.errors import InputError, RecordError
from flashpoint.ingest.fingerprint import key_id
from flashpoint.ingest.pages import Page, page_article
from flashpoint.models import Article, CodingError

logger = logging.getLogger(__name__)


def _is_html_response(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    content_type = record.http_headers.get_header("Content-Type") or ""
    return "html" in content_type.lower()


def _why_broken(exc: BaseException) -> str:
    """What went wrong, in words: warcio's own errors say it, but on headers it cannot parse
    (a response record without a WARC-Target-URI, a missing field) it fails inside its code
    with an AttributeError or TypeError whose text ("'NoneType' object has no attribute
    'startswith'") names no WARC concept."""
    if isinstance(exc, (AttributeError, TypeError)):
        return f"malformed record headers (a required WARC header such as WARC-Target-URI is missing; warcio: {exc})"
    return str(exc)


def read_warc(
    path: Path, stream: BinaryIO | None = None, defer: bool = False
) -> Iterator[Article | CodingError | Page]:
    """Yield an Article per HTML response record of a WARC file (plain or gzipped); ``stream``
    is the file already opened (closed here), else ``path`` is opened.  ``defer``: yield the
    records that name their URI as ``Page`` items, extracted later (``flashpoint.ingest.pages``)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    broken = (ArchiveLoadFailed, ValueError, OSError, EOFError, AttributeError, TypeError)
    read = seen = 0
    with stream if stream is not None else path.open("rb") as stream:
        records = iter(ArchiveIterator(stream))
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except broken as exc:  # warcio fails in several ways on damaged input
                error = RecordError(
                    str(path), f"broken WARC record (number {seen + 1} in the file): {_why_broken(exc)}"
                )
                yield CodingError(None, "read", str(error), str(path))
                return
            seen += 1
            if not _is_html_response(record):
                continue
            read += 1
            uri = record.rec_headers.get_header("WARC-Target-URI")
            origin = f"{path}#{uri}"
            try:
                payload = record.content_stream().read()
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:
                    raise EOFError(f"record truncated, {missing} bytes missing")
            except broken as exc:
                error = RecordError(origin, f"broken WARC record: {exc}")
                yield CodingError(None, "read", str(error), origin)
                return
            page = Page.of(
                payload,
                key_id(uri) if uri else None,
                origin,
                pack=defer and bool(uri),
                warc=True,
                uri=uri,
                capture_date=record.rec_headers.get_header("WARC-Date"),
            )
            yield page if page.packed else page_article(page)
    if not read:
        empty = InputError(str(path), "no HTML response records in this WARC file")
        yield CodingError(None, "read", str(empty), str(path))
