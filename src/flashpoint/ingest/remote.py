"""Inputs named by an http(s) URL: a news feed, a story's page, a JSONL or WARC file online.

Newsrooms follow feeds by their address (``flashpoint code https://example.org/world/rss``),
so an input that is a URL is fetched and then read like the file it is.  The body streams to
a temporary file (memory stays bounded however large it is) that is deleted once read; what
kind of file it is comes from the URL's extension, else from the response's Content-Type.
The items name the URL, not the temporary file: origins, and the ids of a page or a text
(which a file takes from its name) derive from the URL.  Fetching fails into one
``CodingError`` naming the URL and the problem, like any unreadable input.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from flashpoint._version import __version__
from flashpoint.errors import InputError
from flashpoint.ingest.fingerprint import key_id
from flashpoint.ingest.pages import Item, Page, RowPage
from flashpoint.models import CodingError

SCHEMES = ("http://", "https://")
TIMEOUT_S = 30.0
"""Seconds to wait for the server to connect or send more of the body."""

_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/rss+xml": ".rss",
    "application/atom+xml": ".atom",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/jsonl": ".jsonl",
    "application/x-ndjson": ".jsonl",
    "application/json": ".json",
    "text/csv": ".csv",
    "application/warc": ".warc",
    "text/plain": ".txt",
}
"""Content-Types to the file extension whose reader reads them (when the URL has none)."""


def is_url(name: str) -> bool:
    return name.lower().startswith(SCHEMES)


def _suffix(url: str, content_type: str) -> str | None:
    """The extension to read the body as: the URL's, else the Content-Type's (None: neither
    says, as for ``application/octet-stream``)."""
    from flashpoint.ingest.readers import EXTENSIONS  # here: the readers import this module

    path = urllib.parse.urlsplit(url).path.lower()
    for known in EXTENSIONS:
        if path.endswith(known):
            return known
    return _TYPES.get(content_type)


def _sniffed(head: bytes) -> str:
    """The extension of a body whose URL and Content-Type say nothing, from its first bytes."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"\x1f\x8b"):  # gzip: of the inputs flashpoint reads, WARC or JSONL
        try:
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            inner = b""
        return ".warc.gz" if inner.startswith(b"WARC/") else ".jsonl.gz"
    if start.startswith(b"warc/"):
        return ".warc"
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start[:2048]:
        return ".html"
    if start.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return ".xml"
    if start.startswith(b"{"):
        return ".jsonl"
    return ".txt"


def read_url(url: str, read_file: Callable[[Path], Iterator[Item]]) -> Iterator[Item]:
    """Fetch ``url`` and read it with ``read_file`` (the readers' dispatch by file name)."""
    import urllib.error  # here: urllib.request brings http.client, email and ssl (2 MB)
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": f"flashpoint/{__version__}"})
    with tempfile.TemporaryDirectory(prefix="flashpoint-url-") as tmp:
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                suffix = _suffix(url, response.headers.get_content_type())
                body = Path(tmp) / "body"
                with body.open("wb") as sink:
                    shutil.copyfileobj(response, sink, 1 << 20)
            if suffix is None:
                with body.open("rb") as fh:
                    suffix = _sniffed(fh.read(4096))
            path = body.rename(Path(tmp) / f"download{suffix}")
        except urllib.error.HTTPError as exc:
            yield _failed(url, f"the server answered {exc.code} {exc.reason}")
            return
        except urllib.error.URLError as exc:
            yield _failed(url, f"cannot fetch: {exc.reason}")
            return
        except (OSError, ValueError) as exc:  # timeouts, resets, a malformed address
            yield _failed(url, f"cannot fetch: {exc}")
            return
        from flashpoint.ingest.readers import _kind, _stem

        local = str(path)
        named_by_file = _kind(path) in ("html", "txt")  # their readers take the file's stem as id
        for item in read_file(path):
            yield _renamed(item, local, url, _stem(path) if named_by_file else None)


def _failed(url: str, problem: str) -> CodingError:
    return CodingError(None, "read", str(InputError(url, problem)), url)


def _renamed(item: Item, local: str, url: str, stem: str | None) -> Item:
    """The item as if read from ``url``: the temporary file's name replaced by the URL, and
    an id taken from the file's name (``stem``; None: the reader takes ids from the records,
    such as a JSONL row's ``id``) replaced by the URL's.  A page not yet extracted (``Page``,
    ``RowPage``) is renamed the same way, its Article taking the URL once extracted."""
    if isinstance(item, Page):
        named = stem is not None and item.doc_id == stem
        return replace(
            item,
            origin=item.origin.replace(local, url),
            doc_id=key_id(url) if named else item.doc_id,
            fallback_url=url if named else item.fallback_url,
        )
    if isinstance(item, RowPage):
        return replace(item, origin=item.origin.replace(local, url))
    if isinstance(item, CodingError):
        doc_id = key_id(url) if stem is not None and item.doc_id == stem else item.doc_id
        return replace(
            item,
            doc_id=doc_id,
            reason=item.reason.replace(local, url),
            origin=(item.origin or "").replace(local, url) or url,
        )
    changes: dict[str, Any] = {"origin": (item.origin or local).replace(local, url)}
    if stem is not None and item.doc_id == stem:  # a page or a text: its id was the file's name
        changes["doc_id"] = key_id(url)
        changes["url"] = item.url or url
    return replace(item, **changes)
