"""Building ``Article`` records from text and from structured rows (JSONL, CSV, JSON).

Every reader ends here, so that ids, dates and metadata are filled the same way whatever
the input: an explicit id wins, else the content hash; an explicit date wins, else a
dateline at the start of the story.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from flashpoint.errors import EmptyInputError, RecordError
from flashpoint.ingest.fingerprint import content_id
from flashpoint.ingest.published import dateline_date, parse_published
from flashpoint.models import Article

logger = logging.getLogger(__name__)

# Characters that print nothing: a text made only of these and spaces is empty, even though
# str.strip() keeps them (byte-order mark, zero-width space/joiners, word joiner).
_INVISIBLE = frozenset("\ufeff\u200b\u200c\u200d\u2060")
"""Zero-width characters: a text of nothing else and white space is empty."""

_ARTICLE_FIELDS = ("title", "url", "source", "origin", "published_source")
ROW_KEYS = ("id", "text", "html", "published", "url", "title", "source")
"""The columns a JSONL/CSV/JSON row may carry; other keys are kept in ``Article.meta``."""
_RESERVED = frozenset(ROW_KEYS) | {"doc_id", "origin", "published_source"}


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def article_from_text(
    text: str, doc_id: str | None = None, published: date | str | None = None, **meta: Any
) -> Article:
    """Make an Article from a story's text: the one place ids and dates are decided.

    ``doc_id`` defaults to the content hash, so the same story always gets the same id.
    ``published`` may be a date or a string (ISO, RFC 2822); when absent, a dateline with
    a year ("Jan. 5, 2024 -") supplies it.  Keyword arguments ``title``, ``url``,
    ``source``, ``origin`` and ``published_source`` fill the Article's fields; any other
    keyword lands in ``Article.meta``.  Raises ``EmptyInputError`` for blank text.
    """
    origin = _optional_str(meta.get("origin"))
    text = (text or "").lstrip("\ufeff")
    if all(c.isspace() or c in _INVISIBLE for c in text):  # stops at the first visible one
        raise EmptyInputError(origin or (doc_id or "<text>"), "empty")
    fields = {key: _optional_str(meta.pop(key, None)) for key in _ARTICLE_FIELDS}
    when = parse_published(published)
    if published is not None and when is None:
        meta["published_raw"] = str(published)
        logger.warning("%s: unreadable publication date %r", origin or doc_id, published)
    source_of_date = fields.pop("published_source")
    if when is not None:
        source_of_date = source_of_date or "field"
    else:
        when = dateline_date(text)
        source_of_date = "dateline" if when is not None else None
    return Article(
        doc_id=_optional_str(doc_id) or content_id(text),
        text=text,
        published=when,
        published_source=source_of_date,
        meta=dict(meta),
        **fields,
    )


def article_from_row(row: Mapping[str, Any], origin: str) -> Article:
    """Make an Article from a JSONL/CSV/JSON row (``id``, ``text`` or ``html``, ``published``...).

    A row with ``html`` and no ``text`` goes through HTML extraction, whose title/date/url
    fill what the row leaves empty.  Raises ``RecordError`` for a row that is not an object
    or has no text, ``EmptyInputError`` for blank text.
    """
    if not isinstance(row, Mapping):
        raise RecordError(origin, f"expected an object, got {type(row).__name__}")
    text = row.get("text")
    title = _optional_str(row.get("title"))
    url = _optional_str(row.get("url"))
    published: Any = row.get("published") or None
    published_source = "field" if published else None
    if text is not None and not isinstance(text, str):
        raise RecordError(origin, "'text' must be a string")
    if not text and row.get("html"):
        from flashpoint.ingest.html import extract_html

        page = extract_html(str(row["html"]), origin, url=url)
        text = page.text
        title = title or page.title
        url = url or page.url
        if not published and page.date_text:
            published, published_source = page.date_text, "html-meta"
    if text is None:
        raise RecordError(origin, "row has no 'text' or 'html'")
    extra = {k: v for k, v in row.items() if k not in _RESERVED}
    return article_from_text(
        text,
        doc_id=_optional_str(row.get("id")),
        published=published,
        title=title,
        url=url,
        source=_optional_str(row.get("source")),
        origin=origin,
        published_source=published_source,
        **extra,
    )
