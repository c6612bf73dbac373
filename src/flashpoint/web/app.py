"""The FastAPI application: dashboard pages and their JSON twins over one event store.

Every page ``/x`` and its twin ``/api/x`` call the same function in ``views`` (and ``/x``
also answers ``?format=json``), so the dashboard and the API cannot drift.  Safe defaults:
the store is opened read-only, ``POST /api/code`` is off unless ``allow_write`` and then
needs a bearer token, request bodies are capped, coding requests are time-bounded, no file
path is ever taken from a request, and every refusal is JSON ``{"error", "detail"}``.

Swagger UI loads its JavaScript from a CDN, so it is disabled: ``/openapi.json`` serves the
schema and ``/docs`` is a small offline page of ours listing the routes.  The limits live in
``guards``, the paste-an-article request handling in ``paste``, the queries in ``views``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from flashpoint.errors import ConfigError, FlashpointError
from flashpoint.models import Article
from flashpoint.store import open_store
from flashpoint.web import views
from flashpoint.web.guards import SECURITY_HEADERS, BodyLimit, LockedStore, WebSettings
from flashpoint.web.params import ApiError
from flashpoint.web.paste import Coder, check_token, coded_answer, default_coder, read_code_request, warm_up

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
    handle = LockedStore(store)
    code_fn = coder or default_coder
    code_slots = asyncio.Semaphore(settings.code_concurrency)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if allow_write and coder is None:
            # Load the language model now, not in the first user's request (and its timeout).
            threading.Thread(target=warm_up, name="flashpoint-warm-up", daemon=True).start()
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
        if request.url.path == "/api/code":  # bounded by its own code_timeout
            response = await call_next(request)
        else:
            try:
                response = await asyncio.wait_for(call_next(request), timeout=settings.query_timeout)
            except TimeoutError:
                handle.interrupt()
                response = error_response(
                    request,
                    504,
                    f"the request took longer than {settings.query_timeout:g} s",
                    {"timeout": settings.query_timeout},
                )
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
        given = [(k, v) for k, v in request.query_params.multi_items() if v != ""]
        json_link = f"{json_url}?{urlencode(given)}" if given else json_url
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
    @app.get("/api/events", tags=["events"], dependencies=[Depends(_event_filter_params)])
    def api_events(
        request: Request,
        limit: int = Query(50, description="Page size, 1-1000"),
        offset: int = Query(0, description="Rows to skip"),
    ) -> dict[str, Any]:
        """Filtered events, one page at a time, with `total` and next/previous links."""
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

    @app.get("/api/map", tags=["events"], dependencies=[Depends(_event_filter_params)])
    def api_map(
        request: Request, limit: int = Query(500, description="Places returned (1-5000)")
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
        check_token(request, token)
        text, published, title = await read_code_request(request, settings)
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
        return JSONResponse(coded_answer(result))

    # -- offline API docs ----------------------------------------------------------------
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page() -> Response:
        schema = app.openapi()
        routes = [
            {
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": (op.get("description") or "").split("\n\n")[0].replace("``", ""),
                "params": [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"],
            }
            for path, ops in schema["paths"].items()
            for method, op in ops.items()
        ]
        return render("docs.html", title="API", active="/docs", routes=routes, json_url="/openapi.json")

    return app


def _event_filter_params(
    actor: str | None = Query(None, description="Either side is this actor (country, code or 3-letter root)"),
    dyad: str | None = Query(
        None, description="Two actors, e.g. PRK-USA (either direction unless directed=1)"
    ),
    directed: str | None = Query(None, description="With dyad: 1 = only the first actor as source"),
    code: str | None = Query(None, description="CAMEO code prefix, e.g. 19 or 112"),
    plover: str | None = Query(None, description="PLOVER event type, e.g. THREATEN"),
    quad_class: str | None = Query(None, description="QuadClass 1-4"),
    country: str | None = Query(None, description="ISO alpha-3 of either side or the event place"),
    since: str | None = Query(None, description="First event date, YYYY-MM-DD"),
    until: str | None = Query(None, description="Last event date, YYYY-MM-DD"),
    q: str | None = Query(None, description="Text the sentence contains"),
    doc_id: str | None = Query(None, description="Events of one article"),
    modality: str | None = Query(None, description="asserted, negated, intended, threatened, ..."),
) -> None:
    """The event filters, declared once for the OpenAPI schema of every route taking them.

    The values are read (and checked, with messages naming the parameter) by
    ``params.parse_filter`` from the query string, the same way the HTML pages read them.
    """


def _version() -> str:
    from flashpoint import __version__

    return __version__


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
