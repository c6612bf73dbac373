"""The web dashboard and REST API (FastAPI): ``create_app(store_path, ...)``.

Importing this package imports FastAPI; nothing else in flashpoint does.
"""

from __future__ import annotations

from flashpoint.web.app import create_app
from flashpoint.web.guards import WEB_SETTINGS_HELP, WebSettings

__all__ = ["WEB_SETTINGS_HELP", "WebSettings", "create_app"]
