"""RSS and Atom feeds: each entry becomes an article (feedparser).

Feeds carry the headline, a summary or full content as HTML, a link and a publication
time per entry.  The text is the headline followed by the entry's content as plain text,
separated by a blank line, like a pasted story; the entry date wins over any dateline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from flashpoint.errors import EmptyInputError, InputError, RecordError
from flashpoint.ingest.fingerprint import key_id
from flashpoint.ingest.html import html_to_text, with_title
from flashpoint.ingest.records import article_from_text
from flashpoint.models import Article, CodingError

logger = logging.getLogger(__name__)

FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf")
"""Root elements that make an ``.xml`` file a feed rather than some other XML."""


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of a file open an RSS, Atom or RDF feed."""
    return any(marker in head.lower() for marker in FEED_MARKERS)


def _entry_text(entry) -> str:
    """The longest HTML body the entry offers (content beats summary), as plain text."""
    bodies = [item.get("value", "") for item in entry.get("content", []) or []]
    bodies.append(entry.get("summary", "") or "")
    body = max(bodies, key=len)
    return html_to_text(body)


def _entry_date(entry) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def read_feed(path: Path, data: bytes | None = None) -> Iterator[Article | CodingError]:
    """Yield one Article per feed entry; a bad entry yields a CodingError and the rest goes on.
    ``data``: the feed's bytes when they are not the file's as stored (a compressed feed)."""
    import feedparser  # only needed for feed inputs

    parsed = feedparser.parse(data if data is not None else str(path))
    if parsed.bozo and not parsed.entries:
        exc = InputError(str(path), f"not a readable feed: {parsed.get('bozo_exception')}")
        yield CodingError(None, "read", str(exc), str(path))
        return
    if not parsed.entries:  # an empty file parses as a feed without entries: say so
        yield CodingError(None, "read", str(EmptyInputError(str(path), "feed has no entries")), str(path))
        return
    source = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        origin = f"{path}#{number}"
        try:
            title = (entry.get("title") or "").strip()
            body = _entry_text(entry)
            text = with_title(body, title or None) if body else title
            if not text.strip():
                raise RecordError(str(path), f"entry {number} has no text")
            link = entry.get("link") or None
            key = entry.get("id") or link
            when = _entry_date(entry)
            yield article_from_text(
                text,
                doc_id=key_id(key) if key else None,
                published=when,
                published_source="rss" if when else None,
                title=title or None,
                url=link,
                source=source,
                origin=origin,
            )
        except InputError as exc:
            yield CodingError(None, "read", str(exc), origin)
