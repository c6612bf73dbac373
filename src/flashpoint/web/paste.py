"""``POST /api/code``: reading a pasted or uploaded article, the token, the coder's answer.

The coder is swappable (``create_app(coder=...)``) the way httpx swaps transports, so tests
can simulate slow or failing coders without loading a model.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from fastapi import Request

from flashpoint.models import Article, CodingResult
from flashpoint.web.guards import WebSettings
from flashpoint.web.highlight import event_spans, segments
from flashpoint.web.params import ApiError

log = logging.getLogger(__name__)

Coder = Callable[[Iterable[Article]], Iterator[CodingResult]]


def default_coder(articles: Iterable[Article]) -> Iterator[CodingResult]:
    """``flashpoint.code_articles``, imported late: the web app must start without spaCy loaded."""
    import flashpoint

    return flashpoint.code_articles(articles)


def warm_up() -> None:
    """Code a tiny text once so the language model is loaded before the first real request."""
    try:
        for _ in default_coder([Article(doc_id="warm-up", text="The United Nations met Japan.")]):
            pass
    except Exception:  # noqa: BLE001 - a failing coder is reported on the first real request
        log.warning("coder warm-up failed", exc_info=True)


def check_token(request: Request, token: str | None) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(401, "a bearer token is required (Authorization: Bearer <token>)")
    if token is None or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "wrong token")


async def read_code_request(request: Request, settings: WebSettings) -> tuple[str, date | None, str | None]:
    """Text, publication date and title from a JSON body or a multipart upload."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "body must be a JSON object {text, published?, title?}")
        text, published, title = body.get("text"), body.get("published"), body.get("title")
    elif kind == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            text = form.get("text")
        else:
            raw = await upload.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ApiError(415, "the uploaded file is not UTF-8 text") from None
        published, title = form.get("published"), form.get("title")
    else:
        raise ApiError(
            415,
            "send application/json {text, published?} or a multipart form with a file",
            {"content_type": kind or None},
        )
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "text is required and must not be empty")
    if len(text) > settings.max_text_chars:
        raise ApiError(413, f"text is longer than {settings.max_text_chars} characters", {"chars": len(text)})
    if title is not None and not isinstance(title, str):
        raise ApiError(400, "title must be a string")
    day = None
    if published not in (None, ""):
        try:
            day = date.fromisoformat(str(published))
        except ValueError:
            raise ApiError(400, "published must be a date YYYY-MM-DD", {"published": published}) from None
    return text, day, title


def coded_answer(result: CodingResult) -> dict[str, Any]:
    """The JSON answer of ``POST /api/code``: events plus the text runs to highlight."""
    if result.error is not None:
        raise ApiError(422, f"the text could not be coded ({result.error.stage}): {result.error.reason}")
    text = result.clean.text if result.clean is not None else result.article.text
    events = [e.to_dict() for e in result.events]
    marks, bad = event_spans(events, len(text))
    return {
        "doc_id": result.article.doc_id,
        "published": result.article.published.isoformat() if result.article.published else None,
        "text": text,
        "events": events,
        "spans": [
            {"event_id": events[m.event]["event_id"], "role": m.role, "start": m.start, "end": m.end}
            for m in marks
        ],
        "unplaced_spans": bad,
        "segments": segments(text, marks),
        "sentences": len(result.sentences),
        "unknown_actors": list(result.unknown_actors),
        # a text taken for another language is not coded: say so rather than "0 events"
        "skipped": result.article.meta.get("skipped"),
        "language": result.article.meta.get("language"),
    }
