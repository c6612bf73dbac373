"""The FastAPI application: dashboard pages and their JSON twins over one event store.

Every page ``/x`` and its twin ``/api/x`` call the same function in ``views`` (and ``/x``
also answers ``?format=json``), so the dashboard and the API cannot drift.  Safe defaults:
the store is opened read-only, ``POST /api/code`` is off unless ``allow_write`` and then
needs a bearer token, request bodies are capped, coding requests are time-bounded, no file
path is ever taken from a request, and every refusal is JSON ``{"error", "detail"}``.

Swagger UI loads its JavaScript from a CDN, so it is disabled: ``/openapi.json`` serves the
schema and ``/docs`` is a small offline page of ours listing the routes.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from flashpoint.errors import ConfigError, FlashpointError
from flashpoint.models import Article, CodingResult
from flashpoint.store import Store, open_store
from flashpoint.web import views
from flashpoint.web.highlight import event_spans, segments
from flashpoint.web.params import ApiError

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
NAV = (
    ("/", "Overview"),
    ("/events", "Events"),
    ("/dyads", "Dyads"),
    ("/network", "Network"),
    ("/map", "Map"),
    ("/alerts", "Alerts"),
    ("/actors", "Actors"),
    ("/code", "Paste an article"),
    ("/docs", "API"),
)

WEB_SETTINGS_HELP: dict[str, str] = {
    "max_body_bytes": "Largest request body accepted (bytes); bigger requests get 413.",
    "max_text_chars": "Longest text POST /api/code codes (characters); longer gets 413.",
    "code_timeout": "Seconds a POST /api/code request may take before it is answered 504.",
    "code_concurrency": "Coding requests run at once; more get 503 until one finishes.",
}


@dataclass(frozen=True)
class WebSettings:
    """Limits of the web server (see ``WEB_SETTINGS_HELP``), declared once for CLI and docs."""

    max_body_bytes: int = 2_000_000
    max_text_chars: int = 200_000
    code_timeout: float = 60.0
    code_concurrency: int = 2

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) <= 0:
                raise ConfigError(f"{f.name} must be positive, got {getattr(self, f.name)!r}")


Coder = Callable[[Iterable[Article]], Iterator[CodingResult]]


def _default_coder(articles: Iterable[Article]) -> Iterator[CodingResult]:
    import flashpoint

    return flashpoint.code_articles(articles)


class _LockedStore(AbstractContextManager["Store"]):
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


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.query_params.get("format") == "json"


def create_app(
    store_path: str | Path,
    allow_write: bool = False,
    token: str | None = None,
    settings: WebSettings | None = None,
    coder: Coder | None = None,
) -> FastAPI:
    """Build the app over the store at ``store_path`` (opened read-only).

    ``allow_write`` turns on ``POST /api/code``, which then requires ``token`` as a bearer
    token (a ``ConfigError`` if missing: a write endpoint is never open).  ``coder`` replaces
    ``flashpoint.code_articles`` (tests use it to simulate slow or failing coders).
    """
    settings = settings or WebSettings()
    if allow_write and not token:
        raise ConfigError("allow_write needs a token (POST /api/code is never open to everyone)")
    store = open_store(str(store_path), read_only=True)
    handle = _LockedStore(store)
    code_fn = coder or _default_coder
    code_slots = asyncio.Semaphore(settings.code_concurrency)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if allow_write and coder is None:
            # Load the language model now, not in the first user's request (and its timeout).
            threading.Thread(target=_warm_up, name="flashpoint-warm-up", daemon=True).start()
        yield
        store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="flashpoint",
        summary="Political event data: events, dyads, alerts and evidence from a flashpoint store.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = handle
    app.state.settings = settings
    app.state.allow_write = allow_write
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    env = Environment(
        loader=PackageLoader("flashpoint.web", "templates"), autoescape=select_autoescape(default=True)
    )
    env.globals.update(nav=NAV, quad_names=QUAD_NAMES, static=lambda name: f"/static/{name}")
    # Article URLs come from inputs: only http(s) ones become links (never javascript: etc.).
    env.tests["http_url"] = lambda url: (
        isinstance(url, str) and url.lower().startswith(("http://", "https://"))
    )

    def render(name: str, http_status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("json_url", None)
        context.setdefault("active", None)
        return HTMLResponse(env.get_template(name).render(**context), status_code=http_status)

    def error_response(request: Request, status: int, error: str, detail: Any = None) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": error, "detail": detail}, status_code=status)
        return render(
            "error.html", http_status=status, title=f"{status}", status=status, error=error, detail=detail
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request, exc.status, exc.error, exc.detail)

    @app.exception_handler(FlashpointError)
    async def on_flashpoint_error(request: Request, exc: FlashpointError) -> Response:
        status = 400 if isinstance(exc, ConfigError) else 500
        return error_response(request, status, exc.message, {"code": exc.code})

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        first = detail[0] if detail else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"][1:]) or "request"
        return error_response(request, 400, f"{where}: {first['msg']}", detail)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        return error_response(request, exc.status_code, message, {"path": request.url.path})

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "internal error", {"type": type(exc).__name__})

    def page(
        request: Request,
        template: str,
        data: dict[str, Any],
        title: str,
        active: str | None,
        json_url: str,
        **extra: Any,
    ) -> Response:
        """The HTML page, or the very same data as JSON for ``?format=json``."""
        if request.query_params.get("format") == "json":
            return JSONResponse(jsonable_encoder(data))
        query = request.url.query
        json_link = f"{json_url}?{query}" if query else json_url
        return render(
            template,
            data=data,
            q=dict(request.query_params),
            title=title,
            active=active,
            json_url=json_link,
            **extra,
        )

    alert_memo: dict[Any, list[dict[str, Any]]] = {}

    def cached_alerts(conn: Any, options: Any) -> list[dict[str, Any]]:
        """``alerts_sql`` memoised per options: the served store is opened read-only."""
        from flashpoint.analytics import alerts_sql

        if options not in alert_memo:
            if len(alert_memo) >= 32:
                alert_memo.pop(next(iter(alert_memo)))
            alert_memo[options] = alerts_sql(conn, options)
        return alert_memo[options]

    def run(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        with handle as locked:
            return fn(locked, *args)

    # -- overview ----------------------------------------------------------------------
    @app.get("/api/summary", tags=["overview"])
    def api_summary() -> dict[str, Any]:
        """Row counts, date range, events per quad class and the most frequent actors."""
        return run(views.summary_view)

    @app.get("/api/health", tags=["overview"])
    def api_health() -> dict[str, Any]:
        """Liveness, and whether ``POST /api/code`` is enabled."""
        return {"status": "ok", "write": allow_write, "version": _version()}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        return page(request, "home.html", run(views.summary_view), "Overview", "/", "/api/summary")

    # -- events ------------------------------------------------------------------------
    @app.get("/api/events", tags=["events"])
    def api_events(
        request: Request,
        actor: str | None = Query(
            None, description="Either side is this actor (country, code or 3-letter root)"
        ),
        dyad: str | None = Query(
            None, description="Two actors, e.g. PRK-USA (either direction unless directed=1)"
        ),
        code: str | None = Query(None, description="CAMEO code prefix, e.g. 19 or 112"),
        plover: str | None = Query(None, description="PLOVER event type, e.g. THREATEN"),
        quad_class: int | None = Query(None, description="QuadClass 1-4"),
        country: str | None = Query(None, description="ISO alpha-3 of either side or the event place"),
        since: str | None = Query(None, description="First event date, YYYY-MM-DD"),
        until: str | None = Query(None, description="Last event date, YYYY-MM-DD"),
        q: str | None = Query(None, description="Text the sentence contains"),
        limit: int = Query(50, description="Page size, 1-1000"),
        offset: int = Query(0, description="Rows to skip"),
    ) -> dict[str, Any]:
        """Filtered events, one page at a time, with ``total`` and next/previous links."""
        return run(views.events_view, dict(request.query_params))

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request) -> Response:
        data = run(views.events_view, dict(request.query_params))
        return page(request, "events.html", data, "Events", "/events", "/api/events")

    @app.get("/api/events/{event_id}", tags=["events"])
    def api_event(event_id: str) -> dict[str, Any]:
        """One event with its evidence (the words each evidence span points at)."""
        return run(views.event_view, event_id)

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> Response:
        data = run(views.event_view, event_id)
        return page(request, "event.html", data, f"Event {event_id}", "/events", f"/api/events/{event_id}")

    # -- articles ----------------------------------------------------------------------
    @app.get("/api/articles/{doc_id:path}", tags=["articles"])
    def api_article(
        request: Request,
        doc_id: str,
        event: str | None = Query(None, description="Event id to mark as selected"),
    ) -> dict[str, Any]:
        """An article's coded text, its events, their evidence spans and the marked text runs."""
        return run(views.article_view, doc_id, dict(request.query_params))

    @app.get("/articles/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, doc_id: str) -> Response:
        data = run(views.article_view, doc_id, dict(request.query_params))
        title = data["article"].get("title") or doc_id
        return page(request, "article.html", data, title, "/events", f"/api/articles/{doc_id}")

    # -- actors, dyads, network, map, alerts -------------------------------------------
    @app.get("/api/actors", tags=["actors"])
    def api_actors(
        request: Request,
        q: str | None = Query(None, description="Code or name contains"),
        limit: int = Query(50),
        offset: int = Query(0),
    ) -> dict[str, Any]:
        """Actors seen in the store, most frequent first."""
        return run(views.actors_view, dict(request.query_params))

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(request: Request) -> Response:
        data = run(views.actors_view, dict(request.query_params))
        return page(request, "actors.html", data, "Actors", "/actors", "/api/actors")

    @app.get("/api/dyads", tags=["dyads"])
    def api_dyads(
        request: Request,
        n: int = Query(25, description="How many busiest dyads to list (1-200)"),
        size: int = Query(12, description="Actors in the matrix (2-40)"),
    ) -> dict[str, Any]:
        """The busiest dyads, and a count matrix among the most active actors."""
        return run(views.dyads_view, dict(request.query_params))

    @app.get("/dyads", response_class=HTMLResponse, include_in_schema=False)
    def dyads_page(request: Request) -> Response:
        data = run(views.dyads_view, dict(request.query_params))
        colours = _matrix_colours(data["matrix"])
        return page(request, "dyads.html", data, "Dyads", "/dyads", "/api/dyads", colours=colours)

    @app.get("/dyad", include_in_schema=False)
    def dyad_form(a: str = "", b: str = "") -> Response:
        """The "timeline for A and B" form on /dyads: a plain GET that redirects."""
        first, second = views.actor_key(a.strip(), "a"), views.actor_key(b.strip(), "b")
        return RedirectResponse(f"/dyads/{first}/{second}", status_code=303)

    @app.get("/api/dyads/{a}/{b}/series", tags=["dyads"])
    def api_dyad_series(
        request: Request,
        a: str,
        b: str,
        by: str = Query("week", description="day, week or month"),
        since: str | None = Query(None),
        until: str | None = Query(None),
        directed: bool = Query(False, description="Only a -> b"),
    ) -> dict[str, Any]:
        """Events between a and b per period: counts by quad class and mean/summed Goldstein."""
        return run(views.dyad_series_view, a, b, dict(request.query_params))

    @app.get("/dyads/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
    def dyad_page(request: Request, a: str, b: str) -> Response:
        data = run(views.dyad_series_view, a, b, dict(request.query_params))
        title = f"{data['a']}–{data['b']} timeline"
        return page(request, "dyad.html", data, title, "/dyads", f"/api/dyads/{data['a']}/{data['b']}/series")

    @app.get("/api/network", tags=["dyads"])
    def api_network(
        request: Request,
        nodes: int = Query(30, description="Busiest actors kept (2-200)"),
        min_count: int = Query(1, description="Drop links seen fewer times"),
    ) -> dict[str, Any]:
        """The actor network (nodes with event counts, links with count and mean Goldstein)."""
        return run(views.network_view, dict(request.query_params))

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request) -> Response:
        data = run(views.network_view, dict(request.query_params))
        return page(request, "network.html", data, "Actor network", "/network", "/api/network")

    @app.get("/api/map", tags=["events"])
    def api_map(
        request: Request,
        actor: str | None = Query(None),
        dyad: str | None = Query(None),
        code: str | None = Query(None),
        since: str | None = Query(None),
        until: str | None = Query(None),
        limit: int = Query(500, description="Places returned (1-5000)"),
    ) -> dict[str, Any]:
        """Located events grouped by place (takes the same filters as /api/events)."""
        return run(views.map_view, dict(request.query_params))

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request) -> Response:
        data = run(views.map_view, dict(request.query_params))
        return page(request, "map.html", data, "Map", "/map", "/api/map")

    @app.get("/api/alerts", tags=["alerts"])
    def api_alerts(
        request: Request,
        by: str = Query("day", description="day, week or month"),
        window: int = Query(7, description="Baseline periods (2-365)"),
        threshold: float = Query(2.0, description="z-score that alerts"),
        min_events: int = Query(3, description="Conflict events needed in the period"),
        metric: str = Query("count", description="count or goldstein"),
        since: str | None = Query(None),
        until: str | None = Query(None),
        limit: int = Query(50),
        offset: int = Query(0),
    ) -> dict[str, Any]:
        """Escalation alerts: dyad-periods whose conflict departs from the dyad's recent past."""
        return run(views.alerts_view, dict(request.query_params), cached_alerts)

    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_page(request: Request) -> Response:
        data = run(views.alerts_view, dict(request.query_params), cached_alerts)
        return page(request, "alerts.html", data, "Alerts", "/alerts", "/api/alerts")

    # -- coding pasted text ------------------------------------------------------------
    @app.get("/code", response_class=HTMLResponse, include_in_schema=False)
    def code_page() -> Response:
        return render("code.html", title="Paste an article", active="/code", allow_write=allow_write)

    @app.post("/api/code", tags=["coding"])
    async def api_code(request: Request) -> Response:
        """Code pasted text (JSON ``{text, published?, title?}``) or an uploaded file (form
        field ``file``, optional ``published``); returns the events and the marked text.

        Off unless the server runs with ``--allow-write``; then needs ``Authorization: Bearer``.
        The upload's file name is ignored: nothing from a request names a server path.
        """
        if not allow_write:
            raise ApiError(403, "coding is disabled on this server (start it with --allow-write)")
        _check_token(request, token)
        text, published, title = await _read_code_request(request, settings)
        article = Article(
            doc_id=f"web-{secrets.token_hex(6)}",
            text=text,
            title=title,
            published=published,
            published_source="web" if published else None,
            origin="web",
        )
        if code_slots.locked():
            raise ApiError(503, "the coder is busy; try again in a moment")
        async with code_slots:
            try:
                result = await asyncio.wait_for(
                    run_in_threadpool(lambda: next(iter(code_fn([article])))), timeout=settings.code_timeout
                )
            except TimeoutError:
                raise ApiError(
                    504,
                    f"coding took longer than {settings.code_timeout:g} s",
                    {"timeout": settings.code_timeout},
                ) from None
        return JSONResponse(_coded(result))

    # -- offline API docs ----------------------------------------------------------------
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page() -> Response:
        schema = app.openapi()
        routes = [
            {
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": (op.get("description") or "").split("\n\n")[0],
                "params": [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"],
            }
            for path, ops in schema["paths"].items()
            for method, op in ops.items()
        ]
        return render("docs.html", title="API", active="/docs", routes=routes, json_url="/openapi.json")

    return app


def _warm_up() -> None:
    try:
        for _ in _default_coder([Article(doc_id="warm-up", text="The United Nations met Japan.")]):
            pass
    except Exception:  # noqa: BLE001 - a failing coder is reported on the first real request
        log.warning("coder warm-up failed", exc_info=True)


def _version() -> str:
    from flashpoint import __version__

    return __version__


def _check_token(request: Request, token: str | None) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(401, "a bearer token is required (Authorization: Bearer <token>)")
    if token is None or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "wrong token")


async def _read_code_request(request: Request, settings: WebSettings) -> tuple[str, date | None, str | None]:
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


def _coded(result: CodingResult) -> dict[str, Any]:
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
    }


def _matrix_colours(matrix: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Cell background colours for the dyad matrix: darker = more events, hue = mean Goldstein.

    Computed on the server so the heatmap works without JavaScript; values are numbers only.
    """
    cells = matrix["cells"]
    top = max((c["count"] for c in cells), default=1)
    out: dict[str, dict[str, Any]] = {}
    for c in cells:
        g = c["goldstein_mean"]
        alpha = 0.15 + 0.85 * (c["count"] / top) ** 0.5
        hue = (
            "178,24,43"
            if g is not None and g < 0
            else "46,125,50"
            if g is not None and g > 0
            else "87,96,106"
        )
        cell = {
            "count": c["count"],
            "goldstein_mean": g,
            "style": f"background: rgba({hue},{alpha:.2f})",
            "dark": alpha > 0.55,
        }
        out[f"{c['source']}|{c['target']}"] = cell
        out[f"{c['target']}|{c['source']}"] = cell
    return out
