"""Script injection in a real browser: stored article text and actor names never run (issue 10).

A store holds an article whose text carries ``<script>window.__pwned=1</script>``, an
``<img onerror>`` and an ``<svg onload>``, and an actor whose name carries markup; the real
``flashpoint serve`` serves it on loopback and headless Chromium (Debian's
``/usr/bin/chromium`` through Playwright; skipped cleanly when absent) opens the drill-down
page and the script-built pages (network, dyad timeline), and the paste page codes such a
text.  ``window.__pwned`` must stay undefined, no dialog may open, and the text must be
shown literally.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from flashpoint.store import open_store
from servers import NEEDS_CHROMIUM, chromium, serve

TOKEN = "xss-test-token"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:

    from test_security import EVIL_DOC, JPN, PRK, evil_text, result

    db = tmp_path_factory.mktemp("xss") / "events.duckdb"
    with open_store(db) as store:
        store.write([result(EVIL_DOC, evil_text(), PRK, JPN)])
    yield from serve(db, "--allow-write", "--token", TOKEN)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()
    assert dialogs == [], f"injected script opened a dialog: {dialogs}"


def not_pwned(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("body script:not([src]):not([type='application/json'])").count() == 0
    assert page.locator("img[src='x'], svg[onload]").count() == 0


def test_article_drilldown_shows_injected_markup_as_text(page: Any, server: str) -> None:
    from test_security import EVIL_DOC

    page.goto(f"{server}/articles/{EVIL_DOC}")
    page.wait_for_load_state("load")
    not_pwned(page)
    shown = page.text_content("#article-text") or ""
    assert SCRIPT in shown and IMG in shown
    assert "<script>" in (page.text_content("h1") or "")  # the title, literally


@pytest.mark.parametrize("path", ["/network", "/dyads/PRK/JPN", "/actors", "/events", "/map", "/"])
def test_script_built_pages_keep_names_inert(page: Any, server: str, path: str) -> None:
    page.goto(f"{server}{path}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    not_pwned(page)


def test_pasted_text_with_script_is_shown_literally(page: Any, server: str) -> None:
    page.goto(f"{server}/code")
    page.fill("#c-text", f"North Korea threatened Japan on Monday. {SCRIPT} {IMG}")
    page.fill("#c-token", TOKEN)
    page.click("#code-form button[type=submit]")
    page.locator("#code-status", has_text="found").or_(
        page.locator("#code-status", has_text="Error")
    ).wait_for(timeout=90_000)
    assert "found" in (page.text_content("#code-status") or "")
    not_pwned(page)
    assert SCRIPT in (page.text_content("#coded-text") or "")
