"""Event filters: one options object that becomes a parameterised SQL ``WHERE`` clause.

User values never enter the SQL text: every value is a ``?`` placeholder bound by the
driver, and column names come only from this module.  The same filter is also applied in
pure Python (``EventFilter.matches``) so tests and the web layer can check one against the
other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flashpoint.errors import ConfigError


def _as_date(value: date | str | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an ISO date (YYYY-MM-DD), got {value!r}") from exc


def side_matches(actor: dict[str, Any] | None, key: str) -> bool:
    """Whether an event side names ``key``: its country, its full code, or its 3-letter root.

    ``USA`` matches ``USAGOV`` (root) and any actor whose country is USA; ``UNO`` matches the
    UN.  This is the one definition of "actor X" used by filters, dyad series and alerts.
    """
    if not actor:
        return False
    code = actor.get("code") or ""
    return actor.get("country") == key or code == key or (len(key) == 3 and code[:3] == key)


def _side_sql(side: str) -> str:
    return f"({side}_country = ? OR {side}_code = ? OR (length(?) = 3 AND substr({side}_code, 1, 3) = ?))"


def side_params(key: str) -> list[Any]:
    """The four parameters of one ``_side_sql`` clause."""
    return [key, key, key, key]


@dataclass(frozen=True)
class EventFilter:
    """Which events a query wants; every field is optional and all given fields must hold.

    ``actor``: either side names it (see ``side_matches``).  ``dyad``: a pair (A, B) of actor
    keys, either direction unless ``directed``.  ``code``: CAMEO code prefix.  ``plover``:
    PLOVER event type.  ``country``: either side's country or the event location's country.
    ``text``: case-insensitive substring of the sentence.
    """

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    code: str | None = None
    plover: str | None = None
    quad_class: int | None = None
    country: str | None = None
    since: date | str | None = None
    until: date | str | None = None
    text: str | None = None
    doc_id: str | None = None
    modality: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", _as_date(self.since, "since"))
        object.__setattr__(self, "until", _as_date(self.until, "until"))
        if self.dyad is not None:
            if len(self.dyad) != 2:
                raise ConfigError(f"dyad must be two actor codes, got {self.dyad!r}")
            object.__setattr__(self, "dyad", (str(self.dyad[0]), str(self.dyad[1])))
        if self.quad_class is not None and int(self.quad_class) not in (1, 2, 3, 4):
            raise ConfigError(f"quad_class must be 1-4, got {self.quad_class!r}")

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition (``"TRUE"`` when empty) and its parameters, in order."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.actor:
            clauses.append(f"({_side_sql('source')} OR {_side_sql('target')})")
            params += side_params(self.actor) * 2
        if self.dyad:
            a, b = self.dyad
            forward = f"({_side_sql('source')} AND {_side_sql('target')})"
            if self.directed:
                clauses.append(forward)
                params += side_params(a) + side_params(b)
            else:
                clauses.append(f"({forward} OR {forward})")
                params += side_params(a) + side_params(b) + side_params(b) + side_params(a)
        if self.code:
            clauses.append("substr(cameo, 1, length(?)) = ?")
            params += [self.code, self.code]
        if self.plover:
            clauses.append("upper(plover_type) = upper(?)")
            params.append(self.plover)
        if self.quad_class is not None:
            clauses.append("quad_class = ?")
            params.append(int(self.quad_class))
        if self.country:
            clauses.append("(source_country = ? OR target_country = ? OR location_country = ?)")
            params += [self.country] * 3
        if self.since:
            clauses.append("date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("date <= ?")
            params.append(self.until)
        if self.text:
            clauses.append("strpos(lower(sentence), lower(?)) > 0")
            params.append(self.text)
        if self.doc_id:
            clauses.append("doc_id = ?")
            params.append(self.doc_id)
        if self.modality:
            clauses.append("modality = ?")
            params.append(self.modality)
        return (" AND ".join(clauses) if clauses else "TRUE"), params

    def matches(self, record: dict[str, Any]) -> bool:
        """The same test as ``where`` over one public event record (pure Python)."""
        src, tgt = record.get("source") or {}, record.get("target") or {}
        if self.actor and not (side_matches(src, self.actor) or side_matches(tgt, self.actor)):
            return False
        if self.dyad:
            a, b = self.dyad
            forward = side_matches(src, a) and side_matches(tgt, b)
            backward = side_matches(src, b) and side_matches(tgt, a)
            if not (forward or (backward and not self.directed)):
                return False
        if self.code and not (record.get("cameo") or "").startswith(self.code):
            return False
        if self.plover and ((record.get("plover") or {}).get("type") or "").upper() != self.plover.upper():
            return False
        if self.quad_class is not None and record.get("quad_class") != int(self.quad_class):
            return False
        if self.country:
            countries = {
                src.get("country"),
                tgt.get("country"),
                (record.get("location") or {}).get("country"),
            }
            if self.country not in countries:
                return False
        since, until = self.since, self.until  # dates by now (``__post_init__``)
        if since or until:
            day = record.get("date")
            if not day:
                return False
            when = date.fromisoformat(day)
            if isinstance(since, date) and when < since:
                return False
            if isinstance(until, date) and when > until:
                return False
        if self.text and self.text.lower() not in (record.get("sentence") or "").lower():
            return False
        if self.doc_id and record.get("doc_id") != self.doc_id:
            return False
        return not (self.modality and record.get("modality") != self.modality)
