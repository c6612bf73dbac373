"""API and dashboard security: injection, traversal, auth, limits, escaping (issue 10).

The store is built here from hand-made results whose article text, sentences and actor
names carry script and markup, and whose ids carry SQL; the app is exercised through
FastAPI's TestClient, through raw ASGI requests (un-normalised paths that an HTTP client
would clean up before sending), and through a real ``flashpoint serve`` on loopback for the
raw-socket traversal checks.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from flashpoint.models import ActorRef, Article, CleanText, CodingResult, Event, Evidence, Plover, Sentence
from flashpoint.store import open_store
from servers import serve

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from flashpoint.errors import ConfigError  # noqa: E402
from flashpoint.web import WebSettings, create_app  # noqa: E402

TOKEN = "s3cret-token-for-tests"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
SVG = "<svg onload=window.__pwned=3>"
EVIL_DOC = "evil-doc"
SQL = (
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE events; --',
    "'; DELETE FROM events WHERE '1'='1",
    "1; DROP TABLE articles",
    "PRK' UNION SELECT * FROM events --",
    "%' OR doc_id LIKE '%",
    "\\'; DROP TABLE events; --",
    "PRK\x00",
    "' OR sleep(5) --",
)


def evil_text() -> str:
    return (
        f"North Korea threatened Japan on Monday. {SCRIPT} Officials said {IMG} was posted.\n\n"
        f"A second paragraph with {SVG} and &lt;b&gt;entities&lt;/b&gt; and \"quotes\" & 'apostrophes'."
    )


def result(doc_id: str, text: str, source: ActorRef, target: ActorRef, cameo: str = "138") -> CodingResult:
    first_end = text.index(".") + 1
    sentence = text[:first_end]
    trigger = text.index("threatened") if "threatened" in text else 0
    event = Event(
        doc_id=doc_id,
        sentence_index=0,
        sentence=sentence,
        source=source,
        target=target,
        cameo=cameo,
        cameo_root=cameo[:2],
        cameo_name="Threaten with military force",
        goldstein=-7.0,
        quad_class=3,
        plover=Plover(type="THREATEN", mode="military"),
        evidence=Evidence(
            source=(0, 11), trigger=(trigger, trigger + 10), target=(trigger + 11, trigger + 16)
        ),
    )
    return CodingResult(
        article=Article(doc_id=doc_id, text=text, title=f"Title {SCRIPT}", url="javascript:alert(1)"),
        clean=CleanText(text, ((0, 0, len(text)),)),
        sentences=(Sentence(0, sentence, 0, first_end),),
        events=(event,),
    )


PRK = ActorRef(text="North Korea", name="North Korea", code="PRK", country="PRK")
JPN = ActorRef(text="Japan", name=f"Japan {SVG}", code="JPN", country="JPN")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("security") / "events.duckdb"
    plain = "North Korea threatened Japan on Tuesday. Nothing else happened."
    with open_store(path) as store:
        store.write(
            [
                result(EVIL_DOC, evil_text(), PRK, JPN),
                result("plain-doc", plain, PRK, JPN),
                result("quote'doc\"; DROP TABLE events; --", plain.replace("Tuesday", "Friday"), PRK, JPN),
            ]
        )
    return path


@pytest.fixture(scope="module")
def app(store_path: Path) -> Any:
    return create_app(store_path)


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def counts(store_path: Path) -> dict[str, int]:
    with open_store(store_path, read_only=True) as store:
        return store.stats()


# --- SQL injection ------------------------------------------------------------------------

EVENT_FILTERS = ("actor", "dyad", "code", "plover", "country", "since", "until", "q", "quad_class", "limit")


@pytest.mark.parametrize("param", EVENT_FILTERS)
@pytest.mark.parametrize("payload", SQL)
def test_sql_in_event_filters_is_data_not_code(client: TestClient, param: str, payload: str) -> None:
    response = client.get("/api/events", params={param: payload})
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if response.status_code == 200:
        assert body["total"] == 0, f"{param}={payload!r} matched events: the filter was not a parameter"
    else:
        assert body["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/actors?q={}",
        "/api/map?actor={}",
        "/api/map?dyad={}",
        "/api/alerts?metric={}",
        "/api/alerts?by={}",
        "/api/dyads/{}/USA/series",
        "/api/dyads/PRK/{}/series?by=week",
        "/api/events/{}",
        "/api/articles/{}",
        "/events?q={}",
        "/articles/{}",
        "/dyads/{}/JPN",
        "/api/network?nodes={}",
    ],
)
@pytest.mark.parametrize("payload", SQL[:4])
def test_sql_elsewhere_never_errors_or_leaks(
    client: TestClient, store_path: Path, path: str, payload: str
) -> None:
    from urllib.parse import quote

    before = counts(store_path)
    response = client.get(path.format(quote(payload, safe="")))
    assert response.status_code in (200, 400, 404), (path, payload, response.status_code, response.text[:300])
    assert counts(store_path) == before


def test_tables_survive_and_odd_ids_are_found_literally(client: TestClient, store_path: Path) -> None:
    from urllib.parse import quote

    doc = "quote'doc\"; DROP TABLE events; --"
    response = client.get(f"/api/articles/{quote(doc, safe='')}")
    assert response.status_code == 200
    assert response.json()["article"]["doc_id"] == doc
    assert client.get("/api/events", params={"q": "Tuesday"}).json()["total"] == 1
    assert counts(store_path)["events"] == 3


def test_served_store_is_read_only(app: Any) -> None:
    with app.state.store as store:
        assert store.read_only
        with pytest.raises(Exception, match="read-only|read only|Cannot execute"):
            store.query("DROP TABLE events")


# --- path traversal -------------------------------------------------------------------------

TRAVERSALS = (
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/%252e%252e/%252e%252e/etc/passwd",
    "/static/..%5c..%5c..%5c..%5cetc%5cpasswd",
    "/static/....//....//....//etc/passwd",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..%00/etc/passwd",
    "/static/../app.py",
    "/static/../../web/app.py",
    "/static/..%2fapp.py",
    "/articles/../../../../etc/passwd",
    "/api/articles/..%2f..%2f..%2fetc%2fpasswd",
    "/../../../../etc/passwd",
)


def asgi_get(app: Any, raw_path: str) -> tuple[int, bytes]:
    """Send a GET with exactly this path (no client-side normalisation), as uvicorn would:
    ``raw_path`` verbatim, ``path`` percent-decoded."""
    path, _, query = raw_path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    messages: list[dict[str, Any]] = []

    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the client stays connected; cancelled when the response ends
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body


def leaked(body: bytes) -> bool:
    return b"root:" in body or b"def create_app" in body or b"import " in body


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal_through_the_app(app: Any, path: str) -> None:
    status, body = asgi_get(app, path)
    assert status in (400, 404), (status, body[:200])
    assert not leaked(body)


def test_static_files_are_still_served(app: Any) -> None:
    status, body = asgi_get(app, "/static/app.css")
    assert status == 200 and body


# --- the real server on loopback: traversal over a raw socket ------------------------------


@pytest.fixture(scope="module")
def live_server(store_path: Path) -> Iterator[tuple[str, int]]:
    """``flashpoint serve`` (read-only) in a subprocess on a free loopback port."""
    for base in serve(store_path):
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def raw_get(host: str, port: int, path: str) -> tuple[int, bytes]:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    response = b"".join(chunks)
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, response


@pytest.mark.parametrize("path", TRAVERSALS[:10])
def test_no_path_traversal_on_the_real_server(live_server: tuple[str, int], path: str) -> None:
    status, response = raw_get(*live_server, path)
    assert status in (400, 404), response[:300]
    assert not leaked(response.partition(b"\r\n\r\n")[2])


def test_real_server_sends_security_headers(live_server: tuple[str, int]) -> None:
    status, response = raw_get(*live_server, f"/articles/{EVIL_DOC}")
    head, _, body = response.partition(b"\r\n\r\n")
    assert status == 200
    assert b"content-security-policy: default-src 'self'" in head.lower()
    assert b"x-content-type-options: nosniff" in head.lower()
    assert SCRIPT.encode() not in body


# --- auth for writes -----------------------------------------------------------------------


def echo_coder(articles: Any) -> Any:
    for article in articles:
        yield CodingResult(article=article, clean=CleanText(article.text, ((0, 0, len(article.text)),)))


def slow_coder(articles: Any) -> Any:
    time.sleep(3)
    yield from echo_coder(articles)


@pytest.fixture(scope="module")
def write_client(store_path: Path) -> Iterator[TestClient]:
    settings = WebSettings(max_body_bytes=20_000, max_text_chars=5_000, code_timeout=1.0)
    app = create_app(store_path, allow_write=True, token=TOKEN, settings=settings, coder=echo_coder)
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"X-Token": TOKEN},
        {"Cookie": f"token={TOKEN}"},
    ],
    ids=lambda h: repr(h)[:40],
)
def test_writes_need_the_exact_bearer_token(write_client: TestClient, headers: dict[str, str]) -> None:
    response = write_client.post("/api/code", json={"text": "Japan met China."}, headers=headers)
    assert response.status_code == 401, response.text
    response = write_client.post(
        f"/api/code?token={TOKEN}", json={"text": "Japan met China."}, headers=headers
    )
    assert response.status_code == 401


def test_the_right_token_codes(write_client: TestClient) -> None:
    response = write_client.post(
        "/api/code", json={"text": "Japan met China."}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200, response.text


def test_read_only_server_refuses_writes_and_other_methods(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/code", json={"text": "x y z"}, headers=auth).status_code == 403
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/api/events").status_code == 405
    with pytest.raises(ConfigError):
        create_app(Path("unused.duckdb"), allow_write=True, token=None)


# --- request size and time limits --------------------------------------------------------


def test_declared_oversize_body_is_refused_before_reading(write_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    response = write_client.post("/api/code", content=b"{" + b" " * 30_000 + b"}", headers=auth)
    assert response.status_code == 413
    assert response.json()["error"] == "request body too large"


def test_streamed_oversize_body_without_length_is_refused(write_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(50):
            yield b"a" * 1000
        yield b'"}'

    response = write_client.post("/api/code", content=chunks(), headers=auth)
    assert response.status_code == 413


def test_too_long_text_is_refused(write_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = write_client.post("/api/code", json={"text": "word " * 1_500}, headers=auth)
    assert response.status_code == 413


def test_slow_coding_is_cut_off(store_path: Path) -> None:
    settings = WebSettings(code_timeout=0.5)
    app = create_app(store_path, allow_write=True, token=TOKEN, settings=settings, coder=slow_coder)
    with TestClient(app) as c:
        started = time.perf_counter()
        response = c.post(
            "/api/code", json={"text": "Japan met China."}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 504
        assert time.perf_counter() - started < 3.0


def test_concurrent_coding_beyond_the_limit_is_503(store_path: Path) -> None:
    settings = WebSettings(code_timeout=10, code_concurrency=1)
    app = create_app(store_path, allow_write=True, token=TOKEN, settings=settings, coder=slow_coder)
    statuses: list[int] = []
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app) as c:

        def one() -> None:
            statuses.append(c.post("/api/code", json={"text": "Japan met China."}, headers=auth).status_code)

        threads = [threading.Thread(target=one) for _ in range(3)]
        for t in threads:
            t.start()
            time.sleep(0.2)
        for t in threads:
            t.join()
    assert sorted(statuses)[0] == 200 and 503 in statuses


# --- safe rendering ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [f"/articles/{EVIL_DOC}", "/events", "/actors", "/", "/dyads/PRK/JPN", "/network"]
)
def test_article_text_and_names_are_escaped_in_pages(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    for raw in (SCRIPT, IMG, SVG, "<svg onload"):
        assert raw not in html, f"{raw} rendered raw on {path}"
    assert "javascript:alert" not in html
    if path.startswith("/articles/"):
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
        assert "&amp;lt;b&amp;gt;entities" in html


def test_json_twin_returns_the_text_verbatim(client: TestClient) -> None:
    article = client.get(f"/api/articles/{EVIL_DOC}").json()
    assert SCRIPT in article["article"]["text"]
    assert client.get(f"/api/articles/{EVIL_DOC}").headers["content-type"].startswith("application/json")
