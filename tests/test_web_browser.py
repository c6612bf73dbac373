"""The dashboard in a real browser: ``flashpoint serve`` in a subprocess, headless Chromium.

The server runs the real command (``serve_cmd``) on a free port of 127.0.0.1 over a store
built by the test (the reference article, published 2025-04-17, plus synthetic stories; see
``test_web_api.build_store``).  Chromium is Debian's ``/usr/bin/chromium`` driven by
Playwright; the tests skip with a reason when it is absent.  Screenshots go to
``docs/screenshots/`` (shown in ``docs/WEB.md``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import NEEDS_CHROMIUM, chromium, serve

# Every run saves its screenshots under tests/_artifacts/; FLASHPOINT_SCREENSHOTS=docs/screenshots
# refreshes the copies the docs show (docs/WEB.md).
SCREENSHOTS = Path(
    os.environ.get("FLASHPOINT_SCREENSHOTS") or Path(__file__).resolve().parent / "_artifacts" / "screenshots"
)
TOKEN = "browser-test-token"

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Path:
    from test_web_api import build_store

    return build_store(tmp_path_factory.mktemp("web-browser") / "events.duckdb", seed_text)


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    """One server for the module, with coding on (its model loads while other tests run);
    the read-only refusal is covered by test_web_api."""
    yield from serve(store_path, "--allow-write", "--token", TOKEN)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page that records requests leaving the server and script errors."""
    context = browser.new_context(viewport={"width": 1100, "height": 720})
    tab = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda r: None if r.url.startswith(server) else foreign.append(r.url))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert foreign == [], "the dashboard must not load anything from elsewhere"
    assert errors == []


def shot(page: Any, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_prk_usa_timeline(page: Any, server: str) -> None:
    page.goto(f"{server}/dyads/PRK/USA?by=week")
    page.wait_for_selector("#timeline[data-ready='1']")
    assert "PRK–USA" in page.text_content("h1")
    bars = page.locator("#timeline svg a.bar").count()
    rows = page.locator("#series-table tbody tr").count()
    assert bars == rows > 0
    assert page.locator("#timeline rect.q3, #timeline rect.q4").count() > 0
    assert page.locator("#timeline path.gline").count() == 1
    totals = page.text_content("#dyad-totals")
    assert totals and int(totals.split()[0]) > 0
    shot(page, "timeline")


def test_event_table_filters_and_pages(page: Any, server: str) -> None:
    page.goto(f"{server}/events")
    total = int(page.text_content("#events-total strong") or 0)
    assert page.locator("#events-table tbody tr").count() == min(total, 50)
    page.fill("#f-dyad", "PRK-USA")
    page.fill("#f-since", "2025-03-25")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**dyad=PRK-USA**")
    assert "since=2025-03-25" in page.url
    dates = page.locator("#events-table tbody tr td:first-child").all_text_contents()
    assert dates and all(d.strip()[:10] >= "2025-03-25" for d in dates)
    filtered = int(page.text_content("#events-total strong") or 0)
    assert 0 < filtered < total
    cells = page.locator(
        "#events-table tbody tr td:nth-child(2), #events-table tbody tr td:nth-child(4)"
    ).all_text_contents()
    assert any("PRK" in c for c in cells) and any("USA" in c for c in cells)
    shot(page, "events")
    page.goto(f"{server}/events?limit=25")
    page.click("a[rel=next]")
    page.wait_for_url("**offset=25**")
    assert page.locator("#events-table tbody tr").count() == min(25, total - 25)


def test_article_drilldown_highlights_evidence(page: Any, server: str) -> None:
    page.goto(f"{server}/events?dyad=PRK-USA&q=&limit=100")
    link = page.locator("#events-table tbody tr td:last-child a", has_text="North Korea").first
    link.click()
    page.wait_for_selector("#article-text")
    assert "/articles/" in page.url and "event=" in page.url
    for role in ("source", "trigger", "target"):
        assert page.locator(f"#article-text mark.hl-{role}").count() > 0, role
    assert page.locator("#article-text mark.selected").count() > 0
    only = {
        "source": "mark.hl-source:not(.hl-trigger):not(.hl-target)",
        "trigger": "mark.hl-trigger",
        "target": "mark.hl-target:not(.hl-trigger):not(.hl-source)",
    }
    colours = {
        role: page.eval_on_selector(f"#article-text {sel}", "m => getComputedStyle(m).backgroundColor")
        for role, sel in only.items()
    }
    assert len(set(colours.values())) == 3, colours
    assert page.locator("ul.legend li").count() >= 3
    text = page.text_content("#article-text") or ""
    assert text.startswith("North Korea issues fiery warning")
    assert page.locator("#article-events li").count() > 0
    assert page.evaluate("window.scrollY") > 0, "the link's #sel should scroll to the selected event"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "article")
    page.goto(f"{server}/articles/syn-burst")
    assert "the mayor of Kharkiv" in (page.text_content("#article-events .speaker") or "")


def test_map_network_matrix_alerts(page: Any, server: str) -> None:
    page.goto(f"{server}/map")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("#map path.land").count() >= 20
    dots = page.locator("#map circle.dot").count()
    assert dots == page.locator("#places-table tbody tr").count() >= 5
    shot(page, "map")
    page.goto(f"{server}/network")
    page.wait_for_selector("#network[data-ready='1']")
    assert page.locator("#network a.node").count() >= 6
    assert page.locator("#network path.edge").count() >= 5
    shot(page, "network")
    page.goto(f"{server}/dyads")
    assert page.locator("#dyad-matrix td.cell a").count() >= 5
    shot(page, "dyads")
    page.fill("#d-a", "kor")
    page.fill("#d-b", "usa")
    page.press("#d-b", "Enter")
    page.wait_for_url("**/dyads/KOR/USA")
    page.wait_for_selector("#timeline[data-ready='1']")
    page.goto(f"{server}/alerts")
    assert "RUS–UKR" in (page.text_content("#alerts-table") or "")


def test_keyboard_skip_link_and_focus(page: Any, server: str) -> None:
    page.goto(f"{server}/events")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#f-actor")
    outline = page.eval_on_selector("#f-actor", "e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    labels = page.eval_on_selector_all(
        "form.filters input, form.filters select", "els => els.filter(e => !e.labels.length).length"
    )
    assert labels == 0


def test_paste_an_article(page: Any, server: str, seed_text: str) -> None:
    """The paste page codes the text with the real coder and shows its events at once."""
    page.goto(f"{server}/code")
    page.fill("#c-text", seed_text)
    page.fill("#c-published", "2025-04-17")
    page.fill("#c-token", "wrong")
    page.click("#code-form button[type=submit]")
    page.locator("#code-status", has_text="Error").wait_for()
    assert "401" in (page.text_content("#code-status") or "")
    page.fill("#c-token", TOKEN)
    page.click("#code-form button[type=submit]")
    page.locator("#code-status", has_text=re.compile("events found|Error")).wait_for(timeout=45000)
    status = page.text_content("#code-status") or ""
    assert status.endswith("events found."), status
    count = int(status.split()[0])
    assert count > 0 and page.locator("#coded-events tbody tr").count() == count
    assert page.locator("#coded-text mark.hl-trigger").count() > 0
    assert (page.text_content("#coded-text") or "").startswith("North Korea issues")
    page.evaluate("document.getElementById('coded-text').scrollIntoView()")
    page.evaluate("window.scrollBy(0, -120)")
    shot(page, "paste")
