"""The flat row shapes of the store's tables, and the conversions to and from records.

The public event record (``Event.to_dict``) nests ``source``/``target``/``plover``/
``location``/``quote``/``evidence``; a table wants one column per leaf so that SQL, pandas
and R can filter on them.  The flattening is stated here once and used by the DuckDB store,
the PostgreSQL store and the Parquet bundles, so all three hold identical rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flashpoint.models import Article, CodingError, CodingResult, Event, Sentence

ACTOR_PARTS = ("text", "name", "code", "country", "agent")
LOCATION_PARTS = ("name", "country", "lat", "lon", "feature")
EVIDENCE_PARTS = ("source", "trigger", "target")

# Column name -> Arrow/DuckDB type name.  Order is the table's column order (migration 0001
# then 0002's ``written_at``).
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "string"),
    ("doc_id", "string"),
    ("sentence_index", "int32"),
    ("sentence", "string"),
    *((f"source_{p}", "string") for p in ACTOR_PARTS),
    *((f"target_{p}", "string") for p in ACTOR_PARTS),
    ("cameo", "string"),
    ("cameo_root", "string"),
    ("cameo_name", "string"),
    ("goldstein", "float64"),
    ("quad_class", "int32"),
    ("plover_type", "string"),
    ("plover_mode", "string"),
    ("plover_context", "string"),
    ("modality", "string"),
    ("date", "date32"),
    ("date_precision", "string"),
    ("date_phrase", "string"),
    ("date_inferred", "bool"),
    ("location_name", "string"),
    ("location_country", "string"),
    ("location_lat", "float64"),
    ("location_lon", "float64"),
    ("location_feature", "string"),
    ("quote_text", "string"),
    ("quote_speaker", "string"),
    *((f"evidence_{p}_{end}", "int32") for p in EVIDENCE_PARTS for end in ("start", "end")),
    ("confidence", "float64"),
    ("coder", "string"),
    ("ontology", "string"),
    ("written_at", "timestamp"),
)

ARTICLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("doc_id", "string"),
    ("title", "string"),
    ("url", "string"),
    ("source", "string"),
    ("published", "date32"),
    ("published_source", "string"),
    ("origin", "string"),
    ("text", "string"),
    ("clean_text", "string"),
    ("meta", "string"),
    ("unknown_actors", "string"),
    ("n_sentences", "int32"),
    ("n_events", "int32"),
    ("coded_at", "timestamp"),
)

SENTENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("doc_id", "string"),
    ("sentence_index", "int32"),
    ("text", "string"),
    ("start_offset", "int32"),
    ("end_offset", "int32"),
    ("paragraph", "int32"),
)

ERROR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("doc_id", "string"),
    ("stage", "string"),
    ("reason", "string"),
    ("origin", "string"),
    ("time", "timestamp"),
)

TABLE_COLUMNS = {
    "events": EVENT_COLUMNS,
    "articles": ARTICLE_COLUMNS,
    "sentences": SENTENCE_COLUMNS,
    "errors": ERROR_COLUMNS,
}


def _iso(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def event_row(record: dict[str, Any], written_at: datetime | None = None) -> dict[str, Any]:
    """Flatten one public event record (``Event.to_dict()``) into an ``events`` row."""
    row: dict[str, Any] = {
        "event_id": record["event_id"],
        "doc_id": record["doc_id"],
        "sentence_index": record.get("sentence_index"),
        "sentence": record.get("sentence"),
    }
    for side in ("source", "target"):
        actor = record.get(side) or {}
        for part in ACTOR_PARTS:
            row[f"{side}_{part}"] = actor.get(part)
    for key in ("cameo", "cameo_root", "cameo_name", "goldstein", "quad_class", "modality"):
        row[key] = record.get(key)
    plover = record.get("plover") or {}
    row["plover_type"] = plover.get("type")
    row["plover_mode"] = plover.get("mode")
    row["plover_context"] = plover.get("context")
    row["date"] = _iso(record.get("date"))
    row["date_precision"] = record.get("date_precision")
    row["date_phrase"] = record.get("date_phrase")
    row["date_inferred"] = bool(record.get("date_inferred"))
    location = record.get("location") or {}
    for part in LOCATION_PARTS:
        row[f"location_{part}"] = location.get(part)
    quote = record.get("quote") or {}
    row["quote_text"] = quote.get("text")
    row["quote_speaker"] = quote.get("speaker")
    evidence = record.get("evidence") or {}
    for part in EVIDENCE_PARTS:
        span = evidence.get(part)
        row[f"evidence_{part}_start"] = span[0] if span else None
        row[f"evidence_{part}_end"] = span[1] if span else None
    row["confidence"] = record.get("confidence")
    row["coder"] = record.get("coder")
    row["ontology"] = record.get("ontology")
    row["written_at"] = written_at
    return row


def event_record(row: dict[str, Any]) -> dict[str, Any]:
    """Rebuild the public event record from an ``events`` row (inverse of ``event_row``).

    Extra joined columns (``article_*``) become an ``article`` sub-dict so exports can use
    the story's URL and publication date without a second query.
    """
    record: dict[str, Any] = {
        "event_id": row["event_id"],
        "doc_id": row["doc_id"],
        "sentence_index": row.get("sentence_index"),
        "sentence": row.get("sentence"),
    }
    for side in ("source", "target"):
        record[side] = {part: row.get(f"{side}_{part}") for part in ACTOR_PARTS}
    for key in ("cameo", "cameo_root", "cameo_name"):
        record[key] = row.get(key)
    goldstein = row.get("goldstein")
    record["goldstein"] = float(goldstein) if goldstein is not None else None
    quad = row.get("quad_class")
    record["quad_class"] = int(quad) if quad is not None else None
    record["plover"] = {
        "type": row.get("plover_type"),
        "mode": row.get("plover_mode"),
        "context": row.get("plover_context"),
    }
    record["modality"] = row.get("modality")
    day = _iso(row.get("date"))
    record["date"] = day.isoformat() if day else None
    record["date_precision"] = row.get("date_precision")
    record["date_phrase"] = row.get("date_phrase")
    record["date_inferred"] = bool(row.get("date_inferred"))
    record["location"] = {part: row.get(f"location_{part}") for part in LOCATION_PARTS}
    record["quote"] = {"text": row.get("quote_text"), "speaker": row.get("quote_speaker")}
    evidence: dict[str, list[int] | None] = {}
    for part in EVIDENCE_PARTS:
        start, end = row.get(f"evidence_{part}_start"), row.get(f"evidence_{part}_end")
        evidence[part] = [int(start), int(end)] if start is not None and end is not None else None
    record["evidence"] = evidence
    confidence = row.get("confidence")
    record["confidence"] = float(confidence) if confidence is not None else None
    record["coder"] = row.get("coder")
    record["ontology"] = row.get("ontology")
    article = {k[len("article_") :]: v for k, v in row.items() if k.startswith("article_")}
    if article:
        if isinstance(article.get("published"), date):
            article["published"] = article["published"].isoformat()
        record["article"] = article
    return record


def event_row_of(event: Event, written_at: datetime | None = None) -> dict[str, Any]:
    """``event_row(event.to_dict())`` without building the nested dict (the write hot path:
    ``dataclasses.asdict`` dominated the cost of storing 100k events)."""
    src, tgt, plover = event.source, event.target, event.plover
    loc, quote, evidence = event.location, event.quote, event.evidence
    row: dict[str, Any] = {
        "event_id": event.event_id,
        "doc_id": event.doc_id,
        "sentence_index": event.sentence_index,
        "sentence": event.sentence,
    }
    for side, actor in (("source", src), ("target", tgt)):
        for part in ACTOR_PARTS:
            row[f"{side}_{part}"] = getattr(actor, part)
    row.update(
        cameo=event.cameo,
        cameo_root=event.cameo_root,
        cameo_name=event.cameo_name,
        goldstein=event.goldstein,
        quad_class=event.quad_class,
        modality=event.modality,
        plover_type=plover.type,
        plover_mode=plover.mode,
        plover_context=plover.context,
        date=event.date,
        date_precision=event.date_precision,
        date_phrase=event.date_phrase,
        date_inferred=bool(event.date_inferred),
        quote_text=quote.text if quote else None,
        quote_speaker=quote.speaker if quote else None,
        confidence=event.confidence,
        coder=event.coder,
        ontology=event.ontology,
        written_at=written_at,
    )
    for part in LOCATION_PARTS:
        row[f"location_{part}"] = getattr(loc, part) if loc else None
    for part in EVIDENCE_PARTS:
        span = getattr(evidence, part)
        row[f"evidence_{part}_start"] = span[0] if span else None
        row[f"evidence_{part}_end"] = span[1] if span else None
    return row


def article_row(
    article: Article,
    clean_text: str | None,
    n_sentences: int,
    n_events: int,
    unknown: Iterable[str],
    coded_at: datetime,
) -> dict[str, Any]:
    """The ``articles`` row for one coded story (meta and unknown actors as JSON text)."""
    return {
        "doc_id": article.doc_id,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "published": article.published,
        "published_source": article.published_source,
        "origin": article.origin,
        "text": article.text,
        "clean_text": clean_text,
        "meta": json.dumps(article.meta, default=str, sort_keys=True) if article.meta else None,
        "unknown_actors": json.dumps(sorted(set(unknown))) if unknown else None,
        "n_sentences": n_sentences,
        "n_events": n_events,
        "coded_at": coded_at,
    }


def sentence_row(doc_id: str, sent: Sentence) -> dict[str, Any]:
    """The ``sentences`` row for one sentence of a story."""
    return {
        "doc_id": doc_id,
        "sentence_index": sent.index,
        "text": sent.text,
        "start_offset": sent.start,
        "end_offset": sent.end,
        "paragraph": sent.paragraph,
    }


def error_row(error: CodingError, when: datetime) -> dict[str, Any]:
    """The ``errors`` row for an article or input that could not be coded."""
    return {
        "doc_id": error.doc_id,
        "stage": error.stage,
        "reason": error.reason,
        "origin": error.origin,
        "time": when,
    }


def result_rows(results: Iterable[CodingResult], when: datetime) -> dict[str, list[dict[str, Any]]]:
    """Turn coding results into the rows of every table, keyed by table name.

    Within one article, events with the same ``event_id`` (the coder emitting the same
    event twice) are kept once so the primary key holds; an article coded twice in one
    batch (a duplicated input) keeps its last successful coding, as two writes would.
    """
    rows: dict[str, list[dict[str, Any]]] = {"articles": [], "sentences": [], "events": [], "errors": []}
    results = list(results)
    last_ok = {r.article.doc_id: i for i, r in enumerate(results) if r.error is None}
    for i, result in enumerate(results):
        if result.error is None and last_ok[result.article.doc_id] != i:
            continue
        article = result.article
        if result.error is not None:
            # A failed (re-)coding records why and leaves the story's stored events alone.
            rows["errors"].append(error_row(result.error, when))
            continue
        seen: set[str] = set()
        events = []
        for event in result.events:
            row = event_row_of(event, when)
            if row["event_id"] in seen:
                continue
            seen.add(row["event_id"])
            events.append(row)
        rows["events"].extend(events)
        rows["sentences"].extend(sentence_row(article.doc_id, s) for s in result.sentences)
        clean = result.clean.text if result.clean is not None else None
        rows["articles"].append(
            article_row(article, clean, len(result.sentences), len(events), result.unknown_actors, when)
        )
    return rows
