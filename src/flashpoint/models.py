"""Typed records that flow between flashpoint's stages.

Every stage takes and returns these frozen dataclasses instead of nested dicts, so a
record's shape is stated once and checked by type hints.  ``Event.to_dict`` produces the
public JSON event record documented in the README and pinned by ``tests/event.schema.json``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

Span = tuple[int, int]
"""A ``[start, end)`` character span into an article's cleaned text."""


@dataclass(frozen=True)
class Article:
    """One news story as read from an input, before cleaning.

    ``published`` is the publication date when the input states it; ``published_source``
    says where it came from (``"field"``, ``"html-meta"``, ``"cli"``, ``"dateline"``,
    ``"inferred"``...).  ``origin`` names the input (file path, ``path:line`` for JSONL rows)
    so that errors can point at it.
    """

    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: date | None = None
    published_source: str | None = None
    origin: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CleanText:
    """An article's cleaned text plus the map back to its raw text.

    ``segments`` lists ``(clean_start, raw_start, length)`` runs: the cleaned text is the
    concatenation of raw slices, so any cleaned offset maps back to a raw offset.
    ``removed`` lists raw spans dropped by cleaning with the reason (``"duplicate-line"``,
    ``"photo-credit"``, ``"byline"``, ``"boilerplate"``).
    """

    text: str
    segments: tuple[tuple[int, int, int], ...] = ()
    removed: tuple[tuple[int, int, str], ...] = ()

    def to_raw(self, offset: int) -> int:
        """Map an offset in the cleaned text to the raw text."""
        for clean_start, raw_start, length in self.segments:
            if clean_start <= offset <= clean_start + length:
                return raw_start + (offset - clean_start)
        return offset


@dataclass(frozen=True)
class Sentence:
    """A sentence of the cleaned text: ``start``/``end`` are offsets into it."""

    index: int
    text: str
    start: int
    end: int
    paragraph: int = 0


@dataclass(frozen=True)
class Actor:
    """A resolved actor: the CAMEO-style code and its parts.

    ``code`` is the full code (``PRKMIL``, ``UNO``, ``USAGOV``); ``country`` is ISO 3166
    alpha-3, the PLOVER pseudo-country ``IGO``/``NGO`` for international organisations
    (see `ORG_COUNTRIES`), or None for unattached groups; ``agent`` is the sector (``MIL``).
    ``kind`` is ``country``, ``igo``, ``group``, ``person`` or ``sector``.
    """

    code: str
    name: str
    country: str | None = None
    agent: str | None = None
    kind: str = "country"


ORG_COUNTRIES = frozenset({"IGO", "NGO"})
"""The ``country`` of international organisations, as PLOVER codes them: ``IGO`` for
intergovernmental ones (UN, EU, NATO...), ``NGO`` for transnational non-governmental ones
(Amnesty, the Red Cross...).  They are no state: an organisation never lends them to a
sector ("the government"), a place or a domestic event."""


def state_of(country: str | None) -> str | None:
    """``country`` when it names a state, None for no country or an organisation's IGO/NGO."""
    return None if country is None or country in ORG_COUNTRIES else country


@dataclass(frozen=True)
class Mention:
    """An actor found in text: the span that names it, the actor, and why it resolved."""

    start: int
    end: int
    text: str
    actor: Actor
    why: str = ""


@dataclass(frozen=True)
class ActorRef:
    """An event participant as written in the event record."""

    text: str | None = None
    name: str | None = None
    code: str | None = None
    country: str | None = None
    agent: str | None = None

    @classmethod
    def from_mention(cls, mention: Mention) -> ActorRef:
        a = mention.actor
        return cls(text=mention.text, name=a.name, code=a.code, country=a.country, agent=a.agent)


@dataclass(frozen=True)
class Plover:
    type: str | None = None
    mode: str | None = None
    context: str | None = None


@dataclass(frozen=True)
class Location:
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None  # "city", "region", "country", "feature"


@dataclass(frozen=True)
class Quote:
    text: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class Evidence:
    source: Span | None = None
    trigger: Span | None = None
    target: Span | None = None


@dataclass(frozen=True)
class DateInfo:
    """An event date with its precision and the phrase it came from."""

    date: date | None = None
    precision: str | None = None  # "day", "week", "month", "year"
    phrase: str | None = None
    inferred: bool = False  # True when the publication year/date was inferred


EVENT_KEYS = (
    "event_id",
    "doc_id",
    "sentence_index",
    "sentence",
    "source",
    "target",
    "cameo",
    "cameo_root",
    "cameo_name",
    "goldstein",
    "quad_class",
    "plover",
    "modality",
    "date",
    "date_precision",
    "date_phrase",
    "date_inferred",
    "location",
    "quote",
    "evidence",
    "confidence",
    "coder",
    "ontology",
)


@dataclass(frozen=True)
class Event:
    """One coded event: who did what to whom, with its evidence.

    ``modality`` is ``asserted``, ``negated``, ``intended``, ``threatened``,
    ``hypothetical``, ``conditional`` or ``reported``.  ``coder`` is ``name/version``
    (``flashpoint.rules.v1/0.1.0``) and ``ontology`` the ontology table version.
    """

    doc_id: str
    sentence_index: int
    sentence: str
    source: ActorRef
    target: ActorRef
    cameo: str
    cameo_root: str
    cameo_name: str
    goldstein: float | None
    quad_class: int | None
    plover: Plover
    modality: str = "asserted"
    date: date | None = None
    date_precision: str | None = None
    date_phrase: str | None = None
    date_inferred: bool = False
    location: Location | None = None
    quote: Quote | None = None
    evidence: Evidence = field(default_factory=Evidence)
    confidence: float = 0.5
    coder: str = "flashpoint.rules.v1"
    ontology: str = "cameo-1.1b3+plover-2021"

    @property
    def event_id(self) -> str:
        """Stable content hash: same article, sentence, dyad, code and trigger -> same id."""
        key = json.dumps(
            [
                self.doc_id,
                self.sentence_index,
                self.source.code,
                self.target.code,
                self.cameo,
                list(self.evidence.trigger or ()),
                list(self.evidence.source or ()),
                list(self.evidence.target or ()),
            ]
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The public event record: every key present, null where unknown."""
        d = asdict(self)
        d["event_id"] = self.event_id
        d["date"] = self.date.isoformat() if self.date else None
        for key in ("source", "trigger", "target"):
            span = d["evidence"][key]
            d["evidence"][key] = list(span) if span is not None else None
        if d["location"] is None:
            d["location"] = {"name": None, "country": None, "lat": None, "lon": None, "feature": None}
        if d["quote"] is None:
            d["quote"] = {"text": None, "speaker": None}
        return {k: d[k] for k in EVENT_KEYS}

    def to_row(self) -> dict[str, Any]:
        """The record flattened to scalar columns (``source_code``, ``plover_type``...) for
        CSV, DuckDB and Parquet."""
        return flatten_record(self.to_dict())

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """Rebuild an Event from its record (the inverse of ``to_dict``)."""
        ev = d.get("evidence") or {}
        loc = d.get("location") or {}
        quote = d.get("quote") or {}
        return cls(
            doc_id=d["doc_id"],
            sentence_index=int(d["sentence_index"]),
            sentence=d["sentence"],
            source=ActorRef(**(d.get("source") or {})),
            target=ActorRef(**(d.get("target") or {})),
            cameo=d["cameo"],
            cameo_root=d["cameo_root"],
            cameo_name=d["cameo_name"],
            goldstein=d.get("goldstein"),
            quad_class=d.get("quad_class"),
            plover=Plover(**(d.get("plover") or {})),
            modality=d.get("modality") or "asserted",
            date=date.fromisoformat(d["date"]) if d.get("date") else None,
            date_precision=d.get("date_precision"),
            date_phrase=d.get("date_phrase"),
            date_inferred=bool(d.get("date_inferred")),
            location=Location(**loc) if any(v is not None for v in loc.values()) else None,
            quote=Quote(**quote) if any(v is not None for v in quote.values()) else None,
            evidence=Evidence(
                source=tuple(ev["source"]) if ev.get("source") else None,
                trigger=tuple(ev["trigger"]) if ev.get("trigger") else None,
                target=tuple(ev["target"]) if ev.get("target") else None,
            ),
            confidence=float(d.get("confidence", 0.5)),
            coder=d.get("coder") or "flashpoint.rules.v1",
            ontology=d.get("ontology") or "cameo-1.1b3+plover-2021",
        )


def flatten_record(record: dict[str, Any]) -> dict[str, Any]:
    """Flatten an event record: nested dicts become ``parent_child`` columns and evidence
    spans become ``evidence_<part>_start``/``_end`` integers."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key == "evidence":
            for part in ("source", "trigger", "target"):
                span = (value or {}).get(part)
                row[f"evidence_{part}_start"] = span[0] if span else None
                row[f"evidence_{part}_end"] = span[1] if span else None
        elif isinstance(value, dict):
            for sub, sub_value in value.items():
                row[f"{key}_{sub}"] = sub_value
        else:
            row[key] = value
    return row


@dataclass(frozen=True)
class CodingError:
    """An article (or input) that could not be read or coded: where, which stage, why."""

    doc_id: str | None
    stage: str  # "read", "clean", "parse", "code", "store", "worker" (a Dask partition given up on)
    reason: str
    origin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


NOT_ENGLISH = "not English"
"""``Article.meta["skipped"]`` of a story stored without coding because of its language."""


def not_english_note(count: int) -> str:
    """What a run summary adds after its article count (both engines print the same line)."""
    return f" ({count} {NOT_ENGLISH}, stored uncoded)" if count else ""


@dataclass(frozen=True)
class CodingResult:
    """The outcome of coding one article: its events, sentences, or the error that stopped it."""

    article: Article
    clean: CleanText | None = None
    sentences: tuple[Sentence, ...] = ()
    events: tuple[Event, ...] = ()
    error: CodingError | None = None
    unknown_actors: tuple[str, ...] = ()

    @classmethod
    def of_error(cls, error: CodingError) -> CodingResult:
        """The result for an input that failed before it became an article (a bad line, an
        unreadable file): a text-less stand-in carrying the error's id and origin."""
        return cls(article=Article(doc_id=error.doc_id or "?", text="", origin=error.origin), error=error)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_english(self) -> bool:
        """Stored without coding: taken for another language (``Settings.skip_non_english``)."""
        return self.article.meta.get("skipped") == NOT_ENGLISH
