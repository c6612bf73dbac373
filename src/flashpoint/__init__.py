"""flashpoint: political event data from news text.

The public API is deliberately small (the CLI uses it too):

- ``code_text(text, published=None) -> list[Event]``
- ``code_articles(iterable, settings=None) -> Iterator[CodingResult]``

Heavy dependencies (spaCy, DuckDB, FastAPI, Dask) are imported only inside the modules that
own them, so ``import flashpoint`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from flashpoint.errors import FlashpointError
from flashpoint.models import Actor, ActorRef, Article, CodingError, CodingResult, Event, Mention, Sentence

if TYPE_CHECKING:
    from flashpoint.config import Settings

from flashpoint._version import __version__

__all__ = [
    "Actor",
    "ActorRef",
    "Article",
    "CodingError",
    "CodingResult",
    "Event",
    "FlashpointError",
    "Mention",
    "Sentence",
    "__version__",
    "code_articles",
    "code_text",
]


def code_text(
    text: str, published: date | str | None = None, settings: Settings | None = None
) -> list[Event]:
    """Code one text and return its events (raises on unreadable input)."""
    from flashpoint.pipeline import Pipeline

    return Pipeline(settings).code_text(text, published=published)


def code_articles(
    items: Iterable[Article | str | dict[str, Any]], settings: Settings | None = None
) -> Iterator[CodingResult]:
    """Code many articles lazily; one bad article yields an error result, never stops the run."""
    from flashpoint.pipeline import Pipeline

    return Pipeline(settings).code_articles(items)
