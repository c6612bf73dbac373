"""Score an event coder against gold records: PLOVER GSR, PETRARCH unit tests, or our JSONL gold.

The harness scores *any* callable that codes articles (``Coder``), so the same numbers can be
computed for the real pipeline (``flashpoint.code_articles``), the dictionary coder, or a fake
coder in tests.  Gold files are read into typed ``GoldRecord``s; metrics land in one frozen
``EvaluationReport`` with ``to_dict()`` (JSON, CI gate) and ``format_text()`` (people).

Metric definitions (see docs/EVALUATION.md):

- record level (PLOVER GSR, JSONL): the most confident typed event of a record is its prediction;
  accuracy, per-type precision/recall/F1, macro-F1, a gold x predicted confusion matrix (with
  ``NONE``), precision/coverage at confidence thresholds.  These follow
  ``../shared/tools/plover_gsr_score.py`` so the two agree on the PLOVER gold set.
- triple accuracy: a record counts when some predicted event has the gold type and source/target
  countries intersecting the gold codes, in either direction (the shared script's rule);
  ``triple_accuracy_directed`` allows the swap only for reciprocal (``SRC/TAR``) records.
- event level (all datasets): gold events matched one-to-one with predicted events, by type and
  by type + actors: micro precision/recall/F1.
- PETRARCH: the expected (source, target, eventcode) codings: recall, extra-event rate,
  exact-set sentence accuracy, ``noevents`` and ``error`` records, per category.
- prefilter loss: gold records (and their events) that a cheap first pass skipped.
"""

from __future__ import annotations

import json
import logging
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint import ontology
from flashpoint.errors import EvaluationError, OntologyError
from flashpoint.models import ActorRef, Article, CodingResult, Event

if TYPE_CHECKING:
    from flashpoint.config import Settings

__all__ = [
    "DATASETS",
    "DEFAULT_PATHS",
    "THRESHOLDS",
    "Coder",
    "EvaluationReport",
    "GoldEvent",
    "GoldRecord",
    "PetrarchScores",
    "TypeScore",
    "evaluate",
    "load_jsonl_gold",
    "load_petrarch_records",
    "load_plover_gsr",
    "petrarch_environment",
    "score",
]

log = logging.getLogger(__name__)

Coder = Callable[[Iterable[Article]], Iterator[CodingResult]]
"""Anything that turns articles into coding results, like ``flashpoint.code_articles``."""

DATASETS = ("plover-gsr", "petrarch", "jsonl")
DEFAULT_PATHS = {
    "plover-gsr": "../shared/data/plover_gsr/PLOVER_GSR_CAMEO.txt",
    "petrarch": "../shared/data/petrarch2_validation/PETR.UnitTest.records.xml",
}
"""Relative to the current working directory (the repository root in development)."""

THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
NONE = "NONE"
GSR_DATE = date(2000, 1, 1)  # every PLOVER GSR record carries this placeholder date


# -- gold records ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GoldEvent:
    """One expected event: actor codes (any may be empty), PLOVER type and/or CAMEO code."""

    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    plover: str | None = None
    cameo: str | None = None


@dataclass(frozen=True)
class GoldRecord:
    """One gold sentence or text and the events expected from it.

    ``events == ()`` with ``error is None`` means "no event expected".  ``error`` names the
    kind of PETRARCH error record (``dateline``, ``storydiscard``...): no events expected either.
    ``reciprocal`` marks PLOVER ``SRC/TAR`` records, whose source and target may be swapped.
    ``options`` holds the PETRARCH ``<Config>`` options in force for the record (the records
    file switches e.g. ``require_dyad`` off for some sections), lower-cased.
    """

    id: str
    text: str
    published: date | None = None
    events: tuple[GoldEvent, ...] = ()
    category: str | None = None
    reciprocal: bool = False
    error: str | None = None
    options: dict[str, str] = field(default_factory=dict, compare=False)


def _actor_codes(value: Any) -> tuple[str, ...]:
    """Codes of a PLOVER actor list; tolerates "", None and stray strings (they carry no code)."""
    if not isinstance(value, list):
        return ()
    codes = []
    for actor in value:
        if isinstance(actor, dict) and isinstance(actor.get("code"), str) and actor["code"].strip():
            codes.append(actor["code"].strip().upper())
    return tuple(codes)


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise EvaluationError(f"cannot read gold file {path}: {exc}") from exc


def load_plover_gsr(path: str | Path) -> list[GoldRecord]:
    """Read the PLOVER gold-standard records (one JSON array; old type names mapped).

    The ``DOCUMENT`` header record and records without text are skipped.  A target that is
    ``""``, missing or a stray string means "no target"; ``textInfo`` may be a dict or a string.
    """
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise EvaluationError(f"{path}: not a JSON array: {exc}") from exc
    if not isinstance(data, list):
        raise EvaluationError(f"{path}: expected a JSON array of records")
    records = []
    for i, raw in enumerate(data):
        if not isinstance(raw, dict) or raw.get("event") == "DOCUMENT" or not raw.get("text"):
            continue
        rid = str(raw.get("id") or f"record-{i}")
        try:
            ptype = ontology.normalise_plover(str(raw.get("event")))
        except OntologyError as exc:
            raise EvaluationError(f"{path}: record {rid}: {exc.message}") from exc
        info = raw.get("textInfo")
        markup = info.get("markup", "") if isinstance(info, dict) else str(info or "")
        published = None
        if isinstance(raw.get("date"), str):
            try:
                published = date.fromisoformat(raw["date"][:10])
            except ValueError:
                published = None
        event = GoldEvent(
            source=_actor_codes(raw.get("source")), target=_actor_codes(raw.get("target")), plover=ptype
        )
        records.append(
            GoldRecord(
                id=rid,
                text=str(raw["text"]),
                published=published or GSR_DATE,
                events=(event,),
                reciprocal="SRC/TAR" in markup,
            )
        )
    log.info("read %d PLOVER gold records from %s", len(records), path)
    return records


def _codes_field(value: Any, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value.strip().upper(),)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip().upper() for v in value if v.strip())
    raise EvaluationError(f"{where}: actor must be a code string, a list of codes or null")


def load_jsonl_gold(path: str | Path) -> list[GoldRecord]:
    """Read our own gold format: one JSON object per line (see docs/EVALUATION.md).

    ``{"id", "text", "published"?, "events": [{"source", "target", "cameo"?, "plover"?}]}``;
    an event needs a ``plover`` type or a ``cameo`` code (the type then comes from the ontology).
    """
    records = []
    seen: set[str] = set()
    for lineno, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{where}: not JSON: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw.get("id"):
            raise EvaluationError(f"{where}: a record needs an 'id' and a 'text' string")
        rid = str(raw["id"])
        if rid in seen:
            raise EvaluationError(f"{where}: duplicate id {rid!r}")
        seen.add(rid)
        published = None
        if raw.get("published"):
            try:
                published = date.fromisoformat(str(raw["published"])[:10])
            except ValueError as exc:
                raise EvaluationError(f"{where}: published must be YYYY-MM-DD") from exc
        events = []
        raw_events = raw.get("events", [])
        if not isinstance(raw_events, list):
            raise EvaluationError(f"{where}: 'events' must be a list")
        for ev in raw_events:
            if not isinstance(ev, dict):
                raise EvaluationError(f"{where}: each event must be an object")
            cameo = str(ev["cameo"]) if ev.get("cameo") is not None else None
            ptype: str | None
            try:
                if cameo is not None and not ontology.is_cameo(cameo):
                    raise OntologyError(f"unknown CAMEO code {cameo!r}")
                if ev.get("plover"):
                    ptype = ontology.normalise_plover(str(ev["plover"]))
                elif cameo is not None:
                    ptype = ontology.plover_for(cameo).type
                else:
                    raise OntologyError("an event needs 'plover' or 'cameo'")
            except OntologyError as exc:
                raise EvaluationError(f"{where}: {exc.message}") from exc
            events.append(
                GoldEvent(
                    source=_codes_field(ev.get("source"), where),
                    target=_codes_field(ev.get("target"), where),
                    plover=ptype,
                    cameo=cameo,
                )
            )
        records.append(
            GoldRecord(
                id=rid,
                text=raw["text"],
                published=published,
                events=tuple(events),
                category=raw.get("category"),
                reciprocal=bool(raw.get("reciprocal", False)),
            )
        )
    return records


def _clean_ws(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _xml_root(path: str | Path) -> ET.Element:
    try:
        return ET.fromstring(_read_text(path))
    except ET.ParseError as exc:
        raise EvaluationError(f"{path}: not well-formed XML: {exc}") from exc


def _petrarch_actor(code: str | None) -> tuple[str, ...]:
    """A PETRARCH coding's actor: ``---`` alone is PETRARCH's "no actor" (a source-only event
    has target ``---``); ``---GOV`` is an agent with no actor and stays a code."""
    code = (code or "").strip().upper()
    return (code,) if code and code != "---" else ()


def load_petrarch_records(path: str | Path, *, included_only: bool = True) -> list[GoldRecord]:
    """Read PETRARCH's unit-test records (``<Sentence>`` with ``<EventCoding>`` and ``<Text>``).

    Only categories named in the file's ``<Include>`` line are kept unless ``included_only`` is
    False.  Event codes are kept verbatim (some are not CAMEO codes: the test verb dictionary
    was tweaked); the PLOVER type is filled in when the code is a CAMEO code.  ``<Config
    option=... value=...>`` elements between records change PETRARCH's options for the records
    that follow (as PETRARCH read them); each record carries the options in force.
    """
    root = _xml_root(path)
    include_el = root.find("./Environment/Include")
    include = set((include_el.text or "").split()) if include_el is not None else set()
    records: list[GoldRecord] = []
    options: dict[str, str] = {}
    for sent in root.iter():
        if sent.tag == "Config":
            name, value = sent.get("option"), sent.get("value")
            if name and value is not None:
                options = {**options, name.strip().lower(): value.strip().lower()}
            continue
        if sent.tag != "Sentence":
            continue
        category = sent.get("category")
        if included_only and include and category not in include:
            continue
        rid = sent.get("id") or f"sentence-{len(records)}"
        published = None
        raw_date = sent.get("date") or ""
        if re.fullmatch(r"\d{8}", raw_date):
            try:
                published = date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:]))
            except ValueError:
                published = None
        events, error = [], None
        for coding in sent.findall("EventCoding"):
            if coding.get("error"):
                error = coding.get("error")
            elif coding.get("noevents"):
                continue
            else:
                code = (coding.get("eventcode") or "").strip()
                ptype = ontology.plover_for(code).type if ontology.is_cameo(code) else None
                events.append(
                    GoldEvent(
                        source=_petrarch_actor(coding.get("sourcecode")),
                        target=_petrarch_actor(coding.get("targetcode")),
                        plover=ptype,
                        cameo=code,
                    )
                )
        records.append(
            GoldRecord(
                id=rid,
                text=_clean_ws(sent.findtext("Text")),
                published=published,
                events=tuple(events),
                category=category,
                error=error,
                options=options,
            )
        )
    log.info("read %d PETRARCH records from %s", len(records), path)
    return records


def petrarch_environment(path: str | Path) -> dict[str, str]:
    """The dictionary files named in the records file's ``<Environment>`` (resolved next to it).

    Keys: ``verbs``, ``actors``, ``agents``, ``discards`` (only those present and existing).
    """
    root = _xml_root(path)
    folder = Path(path).parent
    out = {}
    for key, tag in (("verbs", "Verbfile"), ("actors", "Actorfile"), ("agents", "Agentfile"),
                     ("discards", "Discardfile")):  # fmt: skip
        name = root.findtext(f"./Environment/{tag}")
        if name and (folder / name.strip()).exists():
            out[key] = str(folder / name.strip())
    return out


# -- report ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TypeScore:
    """Precision/recall/F1 of one PLOVER type; ``support`` gold count, ``predicted`` count."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class PetrarchScores:
    """PETRARCH regression scores: expected codings are (source, target, eventcode) strings."""

    records: int
    expected_codings: int
    produced_codings: int
    recall: float  # fraction of expected codings produced
    precision: float
    f1: float
    extra_event_rate: float  # produced codings that were not expected / produced
    exact_set_accuracy: float  # sentences with exactly the expected set (noevents included)
    noevents_records: int
    noevents_passed: int
    error_records: int
    error_passed: int  # error records that produced no events
    per_category: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class EvaluationReport:
    """All metrics of one evaluation run; ``None`` where a metric does not apply to the dataset."""

    dataset: str
    path: str
    records: int
    gold_events: int
    predicted_events: int
    coding_errors: int
    seconds: float
    accuracy: float | None = None
    macro_f1: float | None = None
    triple_accuracy: float | None = None
    triple_accuracy_directed: float | None = None
    source_accuracy: float | None = None
    target_accuracy: float | None = None
    per_type: dict[str, TypeScore] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    precision_at: dict[str, dict[str, float]] = field(default_factory=dict)
    event_type_precision: float = 0.0
    event_type_recall: float = 0.0
    event_type_f1: float = 0.0
    event_triple_precision: float = 0.0
    event_triple_recall: float = 0.0
    event_triple_f1: float = 0.0
    petrarch: PetrarchScores | None = None
    prefilter_skipped_records: int = 0
    prefilter_lost_gold_events: int = 0
    error_reasons: dict[str, int] = field(default_factory=dict)  # "stage: reason" -> count (top 5)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the CI gate reads its top-level numbers)."""
        return asdict(self)

    def format_text(self) -> str:
        """A plain-text summary for the terminal."""
        lines = [
            f"flashpoint evaluation: {self.dataset} ({self.path})",
            f"records {self.records}  gold events {self.gold_events}  predicted events "
            f"{self.predicted_events}  coding errors {self.coding_errors}  time {self.seconds:.1f}s",
        ]
        if self.accuracy is not None:
            lines.append(
                f"type accuracy {self.accuracy:.3f}  macro-F1 {_f(self.macro_f1)}  triple accuracy "
                f"{_f(self.triple_accuracy)} (directed {_f(self.triple_accuracy_directed)})  "
                f"source {_f(self.source_accuracy)}  target {_f(self.target_accuracy)}"
            )
        lines.append(
            f"event level: type P/R/F1 {self.event_type_precision:.3f}/{self.event_type_recall:.3f}/"
            f"{self.event_type_f1:.3f}  triple P/R/F1 {self.event_triple_precision:.3f}/"
            f"{self.event_triple_recall:.3f}/{self.event_triple_f1:.3f}"
        )
        if self.per_type:
            lines.append(f"{'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}")
            for name, s in self.per_type.items():
                lines.append(
                    f"{name:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d} {s.predicted:5d}"
                )
        if self.precision_at:
            parts = [
                f">={t}: P {v['precision']:.3f} cov {v['coverage']:.3f}" for t, v in self.precision_at.items()
            ]
            lines.append("precision at confidence: " + "; ".join(parts))
        if self.confusion:
            cols = sorted({c for row in self.confusion.values() for c in row}, key=_type_order)
            lines.append("confusion (rows gold, columns predicted; zero cells blank):")
            lines.append(" " * 10 + "".join(f"{c[:5]:>6}" for c in cols))
            for gold in sorted(self.confusion, key=_type_order):
                row = self.confusion[gold]
                lines.append(f"{gold:<10}" + "".join(f"{row.get(c, 0) or '':>6}" for c in cols))
        p = self.petrarch
        if p is not None:
            lines.append(
                f"PETRARCH: recall {p.recall:.3f}  precision {p.precision:.3f}  F1 {p.f1:.3f}  extra-event "
                f"rate {p.extra_event_rate:.3f}  exact-set accuracy {p.exact_set_accuracy:.3f}  noevents "
                f"{p.noevents_passed}/{p.noevents_records}  error records {p.error_passed}/{p.error_records}"
            )
            for cat, v in sorted(p.per_category.items()):
                lines.append(
                    f"  {cat:<10} n {int(v['records']):4d}  exact {v['exact_set_accuracy']:.3f}  "
                    f"recall {v['recall']:.3f}"
                )
        for reason, count in self.error_reasons.items():
            lines.append(f"coding error x{count}: {reason}")
        if self.prefilter_skipped_records:
            lines.append(
                f"prefilter: {self.prefilter_skipped_records} gold records skipped, "
                f"{self.prefilter_lost_gold_events} gold events lost"
            )
        return "\n".join(lines)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _type_order(name: str) -> int:
    types = ontology.PLOVER_TYPES
    return types.index(name) if name in types else len(types)


# -- scoring ---------------------------------------------------------------------------------
def _ptype(event: Event) -> str | None:
    """An event's PLOVER type: its own (old names mapped) or the ontology's for its CAMEO code."""
    if event.plover is not None and event.plover.type:
        try:
            return ontology.normalise_plover(event.plover.type)
        except OntologyError:
            return None
    if event.cameo and ontology.is_cameo(event.cameo):
        return ontology.plover_for(event.cameo).type
    return None


def _countries(ref: ActorRef | None) -> set[str]:
    """Country-level codes of a predicted actor (the shared script's rule: first 3 letters)."""
    out = set()
    for value in (ref.country, ref.code) if ref is not None else ():
        if isinstance(value, str) and value:
            out.add(value[:3].upper())
    return out


def _gold3(codes: tuple[str, ...]) -> set[str]:
    return {c[:3] for c in codes}


def _dyad_ok(gold: GoldEvent, event: Event, swap: bool) -> bool:
    src, tgt = _gold3(gold.source), _gold3(gold.target)
    s, t = _countries(event.source), _countries(event.target)
    direct = (not src or bool(s & src)) and (not tgt or bool(t & tgt))
    swapped = (not src or bool(t & src)) and (not tgt or bool(s & tgt))
    return direct or (swap and swapped)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _ranked(events: Iterable[Event]) -> list[Event]:
    """Typed events, most confident first (stable: ties keep the coder's order)."""
    return sorted((e for e in events if _ptype(e)), key=lambda e: -(e.confidence or 0.0))


def _record_level(gold: list[GoldRecord], preds: dict[str, list[Event]]) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    triple = triple_directed = 0
    src_ok = src_n = tgt_ok = tgt_n = 0
    tops: list[tuple[float, bool]] = []
    correct = 0
    with_events = [r for r in gold if r.events]
    for rec in gold:
        ranked = _ranked(preds.get(rec.id, []))
        top = ranked[0] if ranked else None
        p = _ptype(top) if top else None
        g = rec.events[0].plover if rec.events else None
        confusion[g or NONE][p or NONE] += 1
        if top is not None:
            tops.append((top.confidence or 0.0, p == g))
        if p == g:
            correct += 1
            if g:
                tp[g] += 1
        else:
            if g:
                fn[g] += 1
            if p:
                fp[p] += 1
        if not rec.events:
            continue
        gev = rec.events[0]
        if top is not None and gev.source:
            src_n += 1
            src_ok += bool(_countries(top.source) & _gold3(gev.source))
        if top is not None and gev.target:
            tgt_n += 1
            tgt_ok += bool(_countries(top.target) & _gold3(gev.target))
        same = [e for e in ranked if _ptype(e) == g]
        triple += any(_dyad_ok(gev, e, swap=True) for e in same)
        triple_directed += any(_dyad_ok(gev, e, swap=rec.reciprocal) for e in same)
    types = [t for t in ontology.PLOVER_TYPES if tp[t] + fp[t] + fn[t]]
    per_type = {}
    for t in types:
        p_, r_, f_ = _prf(tp[t], fp[t], fn[t])
        per_type[t] = TypeScore(p_, r_, f_, tp[t] + fn[t], tp[t] + fp[t])
    n = len(gold)
    precision_at = {}
    for th in THRESHOLDS:
        kept = [ok for conf, ok in tops if conf >= th]
        precision_at[str(th)] = {
            "precision": sum(kept) / len(kept) if kept else 0.0,
            "coverage": len(kept) / n if n else 0.0,
            "n": float(len(kept)),
        }
    m = len(with_events)
    return {
        "accuracy": correct / n if n else 0.0,
        "macro_f1": sum(s.f1 for s in per_type.values()) / len(per_type) if per_type else 0.0,
        "triple_accuracy": triple / m if m else 0.0,
        "triple_accuracy_directed": triple_directed / m if m else 0.0,
        "source_accuracy": src_ok / src_n if src_n else None,
        "target_accuracy": tgt_ok / tgt_n if tgt_n else None,
        "per_type": per_type,
        "confusion": {g: dict(row) for g, row in confusion.items()},
        "precision_at": precision_at,
    }


def _match_code(gold: tuple[str, ...], ref: ActorRef | None) -> bool:
    """A gold actor code matches a predicted actor: same code, a more specific code, or country."""
    if not gold:
        return True
    if ref is None:
        return False
    code = (ref.code or "").upper()
    country = (ref.country or "").upper()
    return any(code == g or (code and code.startswith(g)) or (len(g) == 3 and country == g) for g in gold)


def _event_level(gold: list[GoldRecord], preds: dict[str, list[Event]]) -> dict[str, float]:
    """One-to-one matching of gold and predicted events, by type and by type + actors."""
    type_tp = triple_tp = n_gold = n_pred = 0
    for rec in gold:
        events = [e for e in preds.get(rec.id, []) if _ptype(e)]
        n_pred += len(events)
        n_gold += len(rec.events)
        pred_types = Counter(_ptype(e) for e in events)
        gold_types = Counter(g.plover for g in rec.events if g.plover)
        type_tp += sum(min(c, pred_types[t]) for t, c in gold_types.items())
        unused = list(events)
        for g in rec.events:
            for e in unused:
                if _ptype(e) != g.plover:
                    continue
                direct = _match_code(g.source, e.source) and _match_code(g.target, e.target)
                swapped = (
                    rec.reciprocal and _match_code(g.source, e.target) and _match_code(g.target, e.source)
                )
                if direct or swapped:
                    triple_tp += 1
                    unused.remove(e)
                    break
    tp_, tr_, tf_ = _prf(type_tp, n_pred - type_tp, n_gold - type_tp)
    xp, xr, xf = _prf(triple_tp, n_pred - triple_tp, n_gold - triple_tp)
    return {
        "event_type_precision": tp_,
        "event_type_recall": tr_,
        "event_type_f1": tf_,
        "event_triple_precision": xp,
        "event_triple_recall": xr,
        "event_triple_f1": xf,
    }


def _petrarch(gold: list[GoldRecord], preds: dict[str, list[Event]]) -> PetrarchScores:
    """PETRARCH's pass/fail notion: exact (source, target, eventcode) sets, plus recall/extras."""
    expected = produced = hit = exact = 0
    noev = noev_ok = err = err_ok = 0
    cats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0])  # n, exact, expected, hit
    for rec in gold:
        got = [
            ((e.source.code or "").upper(), (e.target.code or "").upper(), e.cameo)
            for e in preds.get(rec.id, [])
        ]
        want = [
            (g.source[0] if g.source else "", g.target[0] if g.target else "", g.cameo or "")
            for g in rec.events
        ]
        if rec.error is not None:
            err += 1
            err_ok += not got
            continue
        if not rec.events:
            noev += 1
            noev_ok += not got
        got_set, want_set = set(got), set(want)
        found = len(want_set & got_set)
        is_exact = got_set == want_set
        expected += len(want_set)
        produced += len(got_set)
        hit += found
        exact += is_exact
        c = cats[rec.category or "?"]
        c[0] += 1
        c[1] += is_exact
        c[2] += len(want_set)
        c[3] += found
    p, r, f = _prf(hit, produced - hit, expected - hit)
    scored = len(gold) - err
    return PetrarchScores(
        records=len(gold),
        expected_codings=expected,
        produced_codings=produced,
        recall=r,
        precision=p,
        f1=f,
        extra_event_rate=(produced - hit) / produced if produced else 0.0,
        exact_set_accuracy=exact / scored if scored else 0.0,
        noevents_records=noev,
        noevents_passed=noev_ok,
        error_records=err,
        error_passed=err_ok,
        per_category={
            cat: {
                "records": float(n),
                "exact_set_accuracy": ex / n if n else 0.0,
                "recall": h / want if want else 1.0,
            }
            for cat, (n, ex, want, h) in cats.items()
        },
    )


def score(
    dataset: str,
    gold: list[GoldRecord],
    results: Iterable[CodingResult],
    *,
    path: str = "",
    seconds: float = 0.0,
    skipped_ids: Collection[str] = (),
) -> EvaluationReport:
    """Score coding results against gold records (no coding here: results are given).

    Results are matched to gold records by ``article.doc_id``.  A record is counted as skipped
    by the prefilter when its id is in ``skipped_ids`` or its result's article has
    ``meta["prefilter_skipped"]`` set.
    """
    preds: dict[str, list[Event]] = defaultdict(list)
    skipped = set(skipped_ids)
    errors = 0
    reasons: Counter[str] = Counter()
    for result in results:
        doc_id = result.article.doc_id
        if result.error is not None:
            errors += 1
            reasons[f"{result.error.stage}: {result.error.reason}"[:200]] += 1
        if result.article.meta.get("prefilter_skipped"):
            skipped.add(doc_id)
        preds[doc_id].extend(result.events)
    ids = {r.id for r in gold}
    report: dict[str, Any] = {
        "dataset": dataset,
        "path": path,
        "records": len(gold),
        "gold_events": sum(len(r.events) for r in gold),
        "predicted_events": sum(len(v) for k, v in preds.items() if k in ids),
        "coding_errors": errors,
        "seconds": seconds,
        "prefilter_skipped_records": sum(1 for r in gold if r.id in skipped),
        "prefilter_lost_gold_events": sum(len(r.events) for r in gold if r.id in skipped),
        "error_reasons": dict(reasons.most_common(5)),
    }
    report.update(_event_level(gold, preds))
    if dataset == "petrarch":
        report["petrarch"] = _petrarch(gold, preds)
    else:
        report.update(_record_level(gold, preds))
    return EvaluationReport(**report)


def _articles(gold: list[GoldRecord], *, given_sentences: bool = False) -> Iterator[Article]:
    """Gold records as articles; ``given_sentences`` marks each text as one sentence (a
    PETRARCH ``<Sentence>`` is one by definition), and PETRARCH ``<Config>`` options travel in
    ``meta["petrarch_config"]``."""
    for rec in gold:
        meta: dict[str, Any] = {"sentences": "given"} if given_sentences else {}
        if rec.options:
            meta["petrarch_config"] = dict(rec.options)
        yield Article(
            doc_id=rec.id,
            text=rec.text,
            published=rec.published,
            published_source="field" if rec.published else None,
            origin=f"gold:{rec.id}",
            meta=meta,
        )


def _petrarch_settings(article: Article) -> dict[str, Any]:
    """The coder settings a record's PETRARCH ``<Config>`` options ask for: ``require_dyad``
    (on unless false) and ``new_actor_length`` (0: off)."""
    config = article.meta.get("petrarch_config") or {}
    length = str(config.get("new_actor_length", "0"))
    return {
        "require_dyad": str(config.get("require_dyad", "true")).lower() != "false",
        "new_actor_length": int(length) if length.isdigit() else 0,
    }


def evaluate(
    dataset: str,
    path: str | None = None,
    coder: Coder | None = None,
    *,
    settings: Settings | None = None,
    skipped_ids: Collection[str] = (),
    use_environment: bool = True,
) -> EvaluationReport:
    """Read a gold set, code its texts with ``coder`` and score the results.

    ``dataset`` is ``plover-gsr``, ``petrarch`` or ``jsonl``; ``path`` defaults to the shared
    copy (``DEFAULT_PATHS``, relative to the working directory; ``jsonl`` needs a path).
    Without a ``coder`` the pipeline (``flashpoint.code_articles``) runs with ``settings``; for
    ``petrarch`` the dictionaries named in the file's ``<Environment>`` are used
    (``use_environment``), since its actors are fictional.
    """
    if dataset not in DATASETS:
        raise EvaluationError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    if path is None:
        if dataset not in DEFAULT_PATHS:
            raise EvaluationError(f"dataset {dataset!r} needs a gold file path")
        path = DEFAULT_PATHS[dataset]
    if not Path(path).exists():
        raise EvaluationError(f"gold file not found: {path} (working directory {Path.cwd()})")
    if dataset == "plover-gsr":
        gold = load_plover_gsr(path)
    elif dataset == "petrarch":
        gold = load_petrarch_records(path)
    else:
        gold = load_jsonl_gold(path)
    if coder is None:
        coder = _pipeline_coder(dataset, path, settings, use_environment)
    started = time.perf_counter()
    results = list(coder(_articles(gold, given_sentences=dataset == "petrarch")))
    seconds = time.perf_counter() - started
    return score(dataset, gold, results, path=str(path), seconds=seconds, skipped_ids=skipped_ids)


def _pipeline_coder(dataset: str, path: str, settings: Settings | None, use_environment: bool) -> Coder:
    from flashpoint import code_articles
    from flashpoint.config import Settings

    settings = settings or Settings()
    if dataset == "petrarch" and use_environment:
        env = petrarch_environment(path)
        if "verbs" in env:
            settings = settings.with_(
                coder="dictionary",
                verb_dictionary=env["verbs"],
                discard_dictionary=env.get("discards"),
                builtin_actors=False,
                actor_dictionaries=(
                    *settings.actor_dictionaries,
                    *([env["actors"]] if "actors" in env else []),
                ),
                agent_dictionaries=(
                    *settings.agent_dictionaries,
                    *([env["agents"]] if "agents" in env else []),
                ),
            )
    chosen = settings

    def run(articles: Iterable[Article]) -> Iterator[CodingResult]:
        if dataset != "petrarch":
            yield from code_articles(articles, chosen)
            return
        # the records file switches options per section: one run per combination
        groups: dict[tuple[tuple[str, Any], ...], list[Article]] = defaultdict(list)
        for article in articles:
            groups[tuple(sorted(_petrarch_settings(article).items()))].append(article)
        for options, group in sorted(groups.items()):
            yield from code_articles(group, chosen.with_(**dict(options)))

    return run
