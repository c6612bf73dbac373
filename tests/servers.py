"""Start real components for tests: ``flashpoint serve`` on loopback and headless Chromium.

Shared by the dashboard, security and browser tests so that every suite starts the server
the same way (the real CLI in a subprocess, on a free port of 127.0.0.1) and drives the same
Chromium (Debian's package through Playwright; its own browser download is never used).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (make browser)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(db: Path | str, *extra: str, timeout: float = 60) -> Iterator[str]:
    """Run ``flashpoint serve`` until the generator is closed; yields its base URL."""
    import httpx

    port = free_port()
    command = [sys.executable, "-m", "flashpoint", "serve", "--db", str(db), "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")[-1500:] if proc.stderr else ""
                pytest.fail(f"flashpoint serve exited: {err}")
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"flashpoint serve did not answer within {timeout:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright driving Debian's package)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
