"""Query-string parsing for the dashboard and the API, shared by both.

Every HTML page and its JSON twin read their parameters through these functions, so a bad
value gets the same clear message in both (``ApiError`` -> ``{"error", "detail"}`` 4xx).
Values are validated here instead of deep inside the store so the message can name the
parameter the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flashpoint.store.filters import EventFilter

MAX_LIMIT = 1000
"""Largest page the API serves: the dashboard never ships a whole store to the browser."""

DEFAULT_LIMIT = 50
SERIES_BY = ("day", "week", "month")
FILTER_KEYS = (
    "actor",
    "dyad",
    "code",
    "plover",
    "quad_class",
    "country",
    "since",
    "until",
    "q",
    "doc_id",
    "modality",
)
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_CAMEO = re.compile(r"^[0-9]{1,4}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2,3}$")
_MODALITIES = ("asserted", "negated", "intended", "threatened", "hypothetical", "conditional", "reported")


class ApiError(Exception):
    """A request the server refuses, with an HTTP status and a message meant for people."""

    def __init__(self, status: int, error: str, detail: Any = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.error, "detail": self.detail}


def _clean(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_int(params: Mapping[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter within ``[lo, hi]``; the message says which bound was broken."""
    raw = _clean(params, key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{key} must be an integer", {key: raw}) from None
    if value < lo:
        raise ApiError(400, f"{key} must be at least {lo}", {key: value}) from None
    if value > hi:
        raise ApiError(400, f"{key} must be at most {hi}", {key: value}) from None
    return value


def parse_date(params: Mapping[str, Any], key: str) -> date | None:
    raw = _clean(params, key)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"{key} must be a date YYYY-MM-DD", {key: raw}) from None


def parse_code(value: str, what: str) -> str:
    """An actor key (``USA``, ``PRKMIL``, ``UNO``): letters, digits and a few marks only."""
    if not _CODE.match(value):
        raise ApiError(400, f"{what} must be an actor code such as USA or PRKMIL", {what: value})
    return value.upper()


@dataclass(frozen=True)
class Page:
    """Which slice of a result list was asked for."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


def parse_page(params: Mapping[str, Any], default_limit: int = DEFAULT_LIMIT) -> Page:
    return Page(
        limit=parse_int(params, "limit", default_limit, 1, MAX_LIMIT),
        offset=parse_int(params, "offset", 0, 0, 10**9),
    )


def parse_filter(params: Mapping[str, Any]) -> EventFilter:
    """The event filter named by the query string (unknown keys are ignored, like Datasette)."""
    actor = _clean(params, "actor")
    dyad_raw = _clean(params, "dyad")
    dyad = None
    if dyad_raw:
        parts = [p for p in re.split(r"[-,/ ]+", dyad_raw) if p]
        if len(parts) != 2:
            raise ApiError(400, "dyad must be two actor codes such as PRK-USA", {"dyad": dyad_raw})
        dyad = (parse_code(parts[0], "dyad"), parse_code(parts[1], "dyad"))
    code = _clean(params, "code") or _clean(params, "cameo")
    if code and not _CAMEO.match(code):
        raise ApiError(
            400, "code must be a CAMEO code prefix of 1-4 digits such as 19 or 112", {"code": code}
        )
    country = _clean(params, "country")
    if country and not _COUNTRY.match(country):
        raise ApiError(400, "country must be an ISO alpha-3 code such as PRK", {"country": country})
    quad = _clean(params, "quad_class") or _clean(params, "quad")
    quad_class = parse_int({"quad_class": quad}, "quad_class", 0, 1, 4) if quad else None
    modality = _clean(params, "modality")
    if modality and modality not in _MODALITIES:
        raise ApiError(400, f"modality must be one of {', '.join(_MODALITIES)}", {"modality": modality})
    since, until = parse_date(params, "since"), parse_date(params, "until")
    if since and until and since > until:
        raise ApiError(400, "since must not be after until", {"since": str(since), "until": str(until)})
    text = _clean(params, "q")
    if text and len(text) > 200:
        raise ApiError(400, "q must be at most 200 characters", {"q": len(text)})
    return EventFilter(
        actor=parse_code(actor, "actor") if actor else None,
        dyad=dyad,
        directed=_clean(params, "directed") in ("1", "true", "yes", "on"),
        code=code,
        plover=_clean(params, "plover"),
        quad_class=quad_class,
        country=country.upper() if country else None,
        since=since,
        until=until,
        text=text,
        doc_id=_clean(params, "doc_id"),
        modality=modality,
    )


def filter_query(params: Mapping[str, Any]) -> dict[str, str]:
    """The filter parameters that were given, to rebuild links (pager, JSON twin)."""
    keep = (*FILTER_KEYS, "cameo", "quad", "directed")
    return {k: str(params[k]) for k in keep if params.get(k) not in (None, "")}


def parse_by(params: Mapping[str, Any]) -> str:
    by = _clean(params, "by") or "week"
    if by not in SERIES_BY:
        raise ApiError(400, f"by must be one of {', '.join(SERIES_BY)}", {"by": by})
    return by
