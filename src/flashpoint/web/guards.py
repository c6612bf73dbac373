"""Limits and guards of the web server: settings, body-size cap, store lock, headers.

Kept apart from the routes so the safety rules can be read (and reviewed) in one place.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from typing import Any

from flashpoint.errors import ConfigError
from flashpoint.store import Store

WEB_SETTINGS_HELP: dict[str, str] = {
    "max_body_bytes": "Largest request body accepted (bytes); bigger requests get 413.",
    "max_text_chars": "Longest text POST /api/code codes (characters); longer gets 413.",
    "code_timeout": "Seconds a POST /api/code request may take before it is answered 504.",
    "code_concurrency": "Coding requests run at once; more get 503 until one finishes.",
    "query_timeout": "Seconds any other request may take before it is answered 504 (its query is interrupted).",
}


@dataclass(frozen=True)
class WebSettings:
    """Limits of the web server (see ``WEB_SETTINGS_HELP``), declared once for CLI and docs."""

    max_body_bytes: int = 2_000_000
    max_text_chars: int = 200_000
    code_timeout: float = 60.0
    code_concurrency: int = 2
    query_timeout: float = 30.0

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) <= 0:
                raise ConfigError(f"{f.name} must be positive, got {getattr(self, f.name)!r}")


class LockedStore(AbstractContextManager["Store"]):
    """One store connection shared by the worker threads, one query at a time.

    A DuckDB connection must not run two statements at once from different threads; the
    queries behind a page take milliseconds, so a lock costs less than a pool.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()

    def __enter__(self) -> Store:
        self._lock.acquire()
        return self.store

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def interrupt(self) -> None:
        """Stop the statement running now (DuckDB only), so a timed-out request frees the lock."""
        conn = self.store.duckdb
        if conn is not None and self._lock.locked():
            conn.interrupt()


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware refusing bodies over ``max_bytes`` (by header, or while streaming)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Any) -> None:
        body = (
            b'{"error":"request body too large","detail":{"max_bytes":' + str(self.max_bytes).encode() + b"}}"
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = True
            if too_big:
                await self._refuse(send)
                return
        seen = 0
        started = False

        async def limited_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
