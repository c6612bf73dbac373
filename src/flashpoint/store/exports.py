"""Event exports that pandas, R and DuckDB read directly.

Formats (``export(events, fmt, out)``):

- ``parquet``, ``csv``: one flat row per event with the store's ``events`` columns
  (``source_code``, ``plover_type``, ``evidence_trigger_start``...), then
  ``article_url``/``article_title``/``article_source``/``article_published``, then, for
  deduplicated events, ``num_mentions``/``num_sources``/``num_articles`` and
  ``mention_event_ids`` (``|``-separated).
- ``jsonl``: the full public event records, one per line (mentions included).
- ``gdelt``: GDELT 2.0 event table TSV, 61 columns in the codebook order
  (``GDELT_COLUMNS``), no header like GDELT's own files unless ``header=True``.
  Differences, by design: ``GLOBALEVENTID`` is the first 15 hex digits of our
  ``event_id`` read as an integer (stable across runs); country codes in Actor*/Geo fields
  are ISO 3166 alpha-3 (GDELT uses CAMEO country codes for actors and FIPS 10-4 for Geo
  fields); an organisation (country ``IGO``/``NGO``) has an empty ActorNCountryCode and its
  code without the sector in ActorNKnownGroupCode (``UNOMIL`` -> ``UNO``); ``AvgTone`` is empty (we do not score tone); Actor1Geo/Actor2Geo are empty (we
  geolocate the action only); ``DATEADDED`` is the story's publication date at 000000.
- ``polecat``: POLECAT-style TSV with a header, columns ``POLECAT_COLUMNS``.  ``Actor COW``
  and ``Recipient COW`` are left empty (no COW table yet).
- ``plover``: a JSON array of PLOVER-style records (``id``, ``date``, ``event``, ``mode``,
  ``context``, ``actor``, ``recipient``, ``source``/``target`` text, ``text``, ...).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

from flashpoint.errors import ConfigError, StoreError
from flashpoint.models import ORG_COUNTRIES
from flashpoint.store.schema import EVENT_COLUMNS, event_row

FORMATS = ("parquet", "csv", "jsonl", "gdelt", "polecat", "plover")

EXTRA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_url", "string"),
    ("article_title", "string"),
    ("article_source", "string"),
    ("article_published", "date32"),
    ("num_mentions", "int32"),
    ("num_sources", "int32"),
    ("num_articles", "int32"),
    ("mention_event_ids", "string"),
)
FLAT_COLUMNS: tuple[tuple[str, str], ...] = (
    *(c for c in EVENT_COLUMNS if c[0] != "written_at"),
    *EXTRA_COLUMNS,
)

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{p}" for p in _ACTOR),
    *(f"Actor2{p}" for p in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{p}" for p in _GEO),
    *(f"Actor2Geo_{p}" for p in _GEO),
    *(f"ActionGeo_{p}" for p in _GEO),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID", "Story ID", "Sentence Number", "Event Date", "Event Type", "Event Mode", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Text",
    "Recipient Name", "Recipient Country", "Recipient COW", "Recipient Primary Sector", "Recipient Text",
    "Placename", "Location Country", "Latitude", "Longitude", "Event Modality", "CAMEO Code",
    "Goldstein", "Quad Class", "Story Date", "Source", "URL", "Num Sources", "Text",
)  # fmt: skip

# GDELT ActionGeo_Type: 1 country, 4 world city, 5 world state/region (we do not split out US places).
_GEO_TYPES = {"country": 1, "city": 4, "region": 5, "feature": 4}


def flat_row(record: dict[str, Any]) -> dict[str, Any]:
    """One event record as a flat export row (``FLAT_COLUMNS``)."""
    row = event_row(record)
    row.pop("written_at", None)
    article = record.get("article") or {}
    row["article_url"] = article.get("url")
    row["article_title"] = article.get("title")
    row["article_source"] = article.get("source")
    published = article.get("published")
    row["article_published"] = date.fromisoformat(published) if isinstance(published, str) else published
    mentions = record.get("mentions")
    row["num_mentions"] = record.get("num_mentions")
    row["num_sources"] = record.get("num_sources")
    row["num_articles"] = record.get("num_articles")
    row["mention_event_ids"] = "|".join(m["event_id"] for m in mentions) if mentions else None
    return row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def gdelt_row(record: dict[str, Any]) -> list[str]:
    """One event record as a GDELT 2.0 event row (61 values in ``GDELT_COLUMNS`` order)."""
    day = date.fromisoformat(record["date"]) if record.get("date") else None
    article = record.get("article") or {}
    cameo = record.get("cameo") or ""
    loc = record.get("location") or {}
    values: dict[str, Any] = {
        "GLOBALEVENTID": int(str(record["event_id"])[:15], 16),
        "SQLDATE": day.strftime("%Y%m%d") if day else None,
        "MonthYear": day.strftime("%Y%m") if day else None,
        "Year": day.year if day else None,
        "FractionDate": f"{day.year + (day.timetuple().tm_yday / 365):.4f}" if day else None,
        "IsRootEvent": 1 if record.get("sentence_index") == 0 else 0,
        "EventCode": cameo,
        "EventBaseCode": cameo[:3],
        "EventRootCode": record.get("cameo_root") or cameo[:2],
        "QuadClass": record.get("quad_class"),
        "GoldsteinScale": record.get("goldstein"),
        "NumMentions": record.get("num_mentions") or 1,
        "NumSources": record.get("num_sources") or 1,
        "NumArticles": record.get("num_articles") or 1,
        "AvgTone": None,
        "SOURCEURL": article.get("url") or record.get("doc_id"),
    }
    published = article.get("published") or record.get("date")
    values["DATEADDED"] = published.replace("-", "") + "000000" if published else None
    for n, side in ((1, "source"), (2, "target")):
        actor = record.get(side) or {}
        values[f"Actor{n}Code"] = actor.get("code")
        values[f"Actor{n}Name"] = (actor.get("name") or "").upper() or None
        country, agent, code = actor.get("country"), actor.get("agent"), actor.get("code")
        if country in ORG_COUNTRIES:  # an organisation: GDELT's known-group code, no country
            country = None
            group = code
            if code and agent and code.endswith(agent) and len(code) > len(agent):
                group = code[: -len(agent)]
            values[f"Actor{n}KnownGroupCode"] = group or None
        values[f"Actor{n}CountryCode"] = country
        values[f"Actor{n}Type1Code"] = agent
    if any(loc.get(k) is not None for k in ("name", "country", "lat")):
        values["ActionGeo_Type"] = _GEO_TYPES.get(loc.get("feature") or "", 4)
        values["ActionGeo_FullName"] = loc.get("name")
        values["ActionGeo_CountryCode"] = loc.get("country")
        values["ActionGeo_Lat"] = loc.get("lat")
        values["ActionGeo_Long"] = loc.get("lon")
    else:
        values["ActionGeo_Type"] = 0
    return [_text(values.get(col)) for col in GDELT_COLUMNS]


def polecat_row(record: dict[str, Any]) -> list[str]:
    """One event record as a POLECAT-style row (``POLECAT_COLUMNS`` order)."""
    src, tgt = record.get("source") or {}, record.get("target") or {}
    plover = record.get("plover") or {}
    loc = record.get("location") or {}
    article = record.get("article") or {}
    values = [
        record.get("event_id"), record.get("doc_id"), record.get("sentence_index"), record.get("date"),
        plover.get("type"), plover.get("mode"), plover.get("context"),
        src.get("name"), src.get("country"), None, src.get("agent"), src.get("text"),
        tgt.get("name"), tgt.get("country"), None, tgt.get("agent"), tgt.get("text"),
        loc.get("name"), loc.get("country"), loc.get("lat"), loc.get("lon"), record.get("modality"),
        record.get("cameo"), record.get("goldstein"), record.get("quad_class"), article.get("published"),
        article.get("source"), article.get("url"), record.get("num_sources") or 1, record.get("sentence"),
    ]  # fmt: skip
    return [_text(v) for v in values]


def plover_record(record: dict[str, Any]) -> dict[str, Any]:
    """One event record in PLOVER-spec style (actor/recipient, event/mode/context)."""
    src, tgt = record.get("source") or {}, record.get("target") or {}
    plover = record.get("plover") or {}
    article = record.get("article") or {}

    def party(actor: dict[str, Any]) -> dict[str, Any]:
        return {"code": actor.get("code"), "name": actor.get("name"), "country": actor.get("country"),
                "sector": actor.get("agent")}  # fmt: skip

    return {
        "id": record.get("event_id"),
        "date": record.get("date"),
        "event": plover.get("type"),
        "mode": plover.get("mode"),
        "context": plover.get("context"),
        "actor": party(src),
        "recipient": party(tgt),
        "source": src.get("text"),
        "target": tgt.get("text"),
        "location": record.get("location"),
        "modality": record.get("modality"),
        "text": record.get("sentence"),
        "cameo": record.get("cameo"),
        "goldstein": record.get("goldstein"),
        "quad_class": record.get("quad_class"),
        "story_id": record.get("doc_id"),
        "story_date": article.get("published"),
        "publisher": article.get("source"),
        "url": article.get("url"),
        "num_sources": record.get("num_sources"),
        "mentions": record.get("mentions"),
        "coder": record.get("coder"),
        "ontology": record.get("ontology"),
    }


@contextmanager
def _opened(out: str | os.PathLike[str] | IO[str]) -> Iterator[IO[str]]:
    if hasattr(out, "write"):
        yield out  # type: ignore[misc]
        return
    try:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as exc:
        raise StoreError(f"{out}: cannot write export: {exc}") from exc


def export(
    events: Iterable[dict[str, Any]], fmt: str, out: str | os.PathLike[str] | IO[str], header: bool = False
) -> int:
    """Write event records to ``out`` (a path, or a text stream for text formats) as ``fmt``.

    Returns the number of events written.  ``header`` adds a header row to ``gdelt``
    (GDELT's own files have none; CSV and POLECAT always have one).
    """
    if fmt not in FORMATS:
        raise ConfigError(f"export format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "parquet":
        if hasattr(out, "write"):
            raise ConfigError("parquet exports need a file path, not a stream")
        return _parquet(events, Path(out))
    n = 0
    with _opened(out) as handle:
        if fmt == "jsonl":
            for record in events:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                n += 1
        elif fmt == "plover":
            handle.write("[")
            for record in events:
                handle.write(
                    ("," if n else "")
                    + "\n"
                    + json.dumps(plover_record(record), ensure_ascii=False, default=str)
                )
                n += 1
            handle.write("\n]\n")
        elif fmt == "csv":
            writer = csv.writer(handle)
            names = [c for c, _ in FLAT_COLUMNS]
            writer.writerow(names)
            for record in events:
                row = flat_row(record)
                writer.writerow(["" if row[c] is None else row[c] for c in names])
                n += 1
        else:
            columns, to_row = (GDELT_COLUMNS, gdelt_row) if fmt == "gdelt" else (POLECAT_COLUMNS, polecat_row)
            if header or fmt == "polecat":
                handle.write("\t".join(columns) + "\n")
            for record in events:
                handle.write("\t".join(to_row(record)) + "\n")
                n += 1
    return n


def _parquet(events: Iterable[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from flashpoint.store.parquet import arrow_types

    schema = pa.schema([(name, arrow_types()[kind]) for name, kind in FLAT_COLUMNS])
    writer = None
    n = 0
    try:
        writer = pq.ParquetWriter(str(path), schema)
        batch: list[dict[str, Any]] = []
        for record in events:
            batch.append(flat_row(record))
            if len(batch) >= 10000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        n += len(batch)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write Parquet export: {exc}") from exc
    finally:
        if writer is not None:
            writer.close()
    return n


def to_text(events: Iterable[dict[str, Any]], fmt: str) -> str:
    """An export as a string (for the web API and tests)."""
    buffer = io.StringIO()
    export(events, fmt, buffer)
    return buffer.getvalue()
