"""HTML pages to article text and metadata (trafilatura, with a plain-paragraph fallback).

trafilatura finds the main text of a page and its metadata (title, date, canonical URL,
site name) far better than any rule we would write; when it finds nothing on a page that
nonetheless has ``<p>`` paragraphs (very short or unusual pages), we fall back to the text
of those paragraphs so that a user's pasted snippet is not lost.  Paragraphs are joined by
blank lines because cleaning and sentence splitting rely on paragraph breaks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flashpoint.errors import EmptyInputError
from flashpoint.ingest.fingerprint import normalize_text

if TYPE_CHECKING:
    from trafilatura.settings import Document

logger = logging.getLogger(__name__)

_MIN_FALLBACK_CHARS = 20
"""A fallback paragraph shorter than this is navigation, not text."""


@dataclass(frozen=True)
class HtmlDocument:
    """What a page yields: its main text (paragraphs separated by blank lines) and metadata."""

    text: str
    title: str | None = None
    url: str | None = None
    sitename: str | None = None
    date_text: str | None = None


def _paragraphs(text: str) -> str:
    """trafilatura separates paragraphs by single newlines; make them blank-line separated."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _has_prose(text: str) -> bool:
    """At least one paragraph long enough to be text rather than a menu item or a label."""
    return any(len(p) >= _MIN_FALLBACK_CHARS for p in text.split("\n\n"))


def _fallback_text(html: str) -> str:
    """Text of the page's ``<p>`` elements, for pages trafilatura gives up on."""
    import lxml.html  # heavy, only needed for HTML inputs
    from lxml.etree import ParserError

    try:
        tree = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    paragraphs = [" ".join(p.text_content().split()) for p in tree.iter("p")]
    return "\n\n".join(p for p in paragraphs if len(p) >= _MIN_FALLBACK_CHARS)


def html_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (feed summaries): block breaks become blank lines."""
    import lxml.html
    from lxml.etree import ParserError

    if "<" not in fragment:
        return fragment.strip()
    try:
        tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return fragment.strip()
    for element in tree.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote"):
        element.tail = "\n\n" + (element.tail or "")
    return _paragraphs(tree.text_content())


def extract_html(html: str | bytes, origin: str, url: str | None = None) -> HtmlDocument:
    """Main text and metadata of a page; raises ``EmptyInputError`` when it has no article text."""
    import trafilatura  # heavy, only needed for HTML inputs

    extracted = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    document = cast("Document | None", extracted)  # a dict only with as_dict=True
    text = _paragraphs(document.text or "") if document is not None else ""
    if not _has_prose(text):
        markup = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
        text = _fallback_text(markup)
        if text:
            logger.debug("%s: trafilatura found nothing, used <p> fallback", origin)
    if not _has_prose(text):
        raise EmptyInputError(origin, "no article text found")
    if document is None:
        return HtmlDocument(text=text, url=url)
    title = (document.title or "").strip() or None
    return HtmlDocument(
        text=text,
        title=title,
        url=document.url or url,
        sitename=document.sitename or None,
        date_text=document.date or None,
    )


def with_title(text: str, title: str | None) -> str:
    """Put the headline first, as in a pasted story, unless the text already opens with it.

    Pages often repeat the headline as an ``<h1>`` that differs from the metadata title by a
    site suffix ("Title | Site"), so containment either way counts as "already opens with it".
    """
    if not title:
        return text
    first = normalize_text(text.split("\n\n", 1)[0]).casefold()
    head = normalize_text(title).casefold()
    if first and (head in first or (first in head and len(first) >= len(head) // 2)):
        return text
    return f"{title}\n\n{text}"
