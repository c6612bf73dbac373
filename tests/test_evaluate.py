"""Evaluation harness: gold readers, exact metric values with a fake coder, the CI gate."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from flashpoint import evaluate as ev
from flashpoint import ontology
from flashpoint.errors import EvaluationError
from flashpoint.models import ActorRef, Article, CodingResult, Event, Plover

CASES = Path(__file__).parent / "cases"
FLOORS = Path(__file__).parent / "eval_floors.json"
GSR = Path("data/plover_gsr/PLOVER_GSR_CAMEO.txt")
PETR = Path("data/petrarch2_validation/PETR.UnitTest.records.xml")

_FIRST_CODE = {}
for _c in ontology.all_cameo():
    _FIRST_CODE.setdefault(ontology.plover_for(_c.code).type, _c.code)


def make_event(doc_id: str, ptype: str | None, src: str | None, tgt: str | None, conf: float = 0.5,
               cameo: str | None = None) -> Event:  # fmt: skip
    """A minimal event of the given PLOVER type (CAMEO code from the ontology unless given)."""
    code = cameo or _FIRST_CODE[ptype]
    c = ontology.cameo(code)
    return Event(
        doc_id=doc_id,
        sentence_index=0,
        sentence="",
        source=ActorRef(code=src, country=src[:3] if src else None),
        target=ActorRef(code=tgt, country=tgt[:3] if tgt else None),
        cameo=code,
        cameo_root=c.root,
        cameo_name=c.name,
        goldstein=c.goldstein,
        quad_class=c.quad_class,
        plover=Plover(type=ptype),
        confidence=conf,
    )


def fake_coder(events_by_id: dict[str, list[Event]]) -> ev.Coder:
    """A coder that returns the given events for each article id (and nothing else)."""

    def run(articles: Iterable[Article]) -> Iterator[CodingResult]:
        for article in articles:
            yield CodingResult(article=article, events=tuple(events_by_id.get(article.doc_id, [])))

    return run


EXAMPLE_PREDICTIONS = {
    "ex-1": [make_event("ex-1", "THREATEN", "PRK", "USA", 0.9, "138"), make_event("ex-1", "ACCUSE", "PRK", "USA", 0.4)],
    "ex-2": [make_event("ex-2", "COERCE", "KENCOP", "KENCVL", 0.6, "173")],
    "ex-3": [make_event("ex-3", "SUPPORT", "USA", "CHE", 0.55, "051")],
    "ex-5": [make_event("ex-5", "REQUEST", "RUS", "UKR", 0.8, "1056")],
}  # fmt: skip


@pytest.fixture
def example_report() -> ev.EvaluationReport:
    return ev.evaluate(
        "jsonl",
        str(CASES / "gold_example.jsonl"),
        fake_coder(EXAMPLE_PREDICTIONS),
        skipped_ids={"ex-2", "ex-3"},
    )


def test_jsonl_gold_reader() -> None:
    gold = ev.load_jsonl_gold(CASES / "gold_example.jsonl")
    assert [r.id for r in gold] == ["ex-1", "ex-2", "ex-3", "ex-4", "ex-5"]
    assert gold[1].events[0].plover == "COERCE"  # from CAMEO 173 via the ontology
    assert gold[2].events == ()
    assert gold[3].events[0].source == ("IND", "PAK") and gold[3].reciprocal
    assert gold[4].events[0].plover == "REQUEST"  # old name DEMAND mapped
    assert gold[0].published is not None and gold[3].published is None


def test_record_level_metrics_exact(example_report: ev.EvaluationReport) -> None:
    r = example_report
    assert (r.records, r.gold_events, r.predicted_events, r.coding_errors) == (5, 5, 5, 0)
    assert r.accuracy == pytest.approx(0.6)
    assert r.macro_f1 == pytest.approx(0.6)  # THREATEN, COERCE, REQUEST 1.0; SUPPORT, CONSULT 0.0
    assert set(r.per_type) == {"THREATEN", "COERCE", "REQUEST", "SUPPORT", "CONSULT"}
    assert r.per_type["SUPPORT"].predicted == 1 and r.per_type["SUPPORT"].support == 0
    assert r.per_type["CONSULT"].recall == 0.0 and r.per_type["CONSULT"].support == 1
    assert r.triple_accuracy == pytest.approx(0.75)  # ex-5 counts with the dyad swapped
    assert r.triple_accuracy_directed == pytest.approx(0.5)  # ex-5 is not reciprocal
    assert r.source_accuracy == pytest.approx(2 / 3)
    assert r.target_accuracy == pytest.approx(2 / 3)
    assert r.confusion == {
        "THREATEN": {"THREATEN": 1},
        "COERCE": {"COERCE": 1},
        "NONE": {"SUPPORT": 1},
        "CONSULT": {"NONE": 1},
        "REQUEST": {"REQUEST": 1},
    }
    assert r.precision_at["0.3"] == {"precision": 0.75, "coverage": 0.8, "n": 4.0}
    assert r.precision_at["0.5"]["precision"] == pytest.approx(0.75)
    assert r.precision_at["0.7"] == {"precision": 1.0, "coverage": 0.4, "n": 2.0}
    assert r.precision_at["0.9"] == {"precision": 1.0, "coverage": 0.2, "n": 1.0}


def test_event_level_and_prefilter_exact(example_report: ev.EvaluationReport) -> None:
    r = example_report
    assert (r.event_type_precision, r.event_type_recall, r.event_type_f1) == pytest.approx((0.6, 0.6, 0.6))
    assert (r.event_triple_precision, r.event_triple_recall) == pytest.approx((0.4, 0.4))
    assert (r.prefilter_skipped_records, r.prefilter_lost_gold_events) == (2, 2)


def test_prefilter_flag_from_article_meta() -> None:
    def coder(articles: Iterable[Article]) -> Iterator[CodingResult]:
        for a in articles:
            flagged = Article(doc_id=a.doc_id, text=a.text, meta={"prefilter_skipped": a.doc_id == "ex-1"})
            yield CodingResult(article=flagged)

    r = ev.evaluate("jsonl", str(CASES / "gold_example.jsonl"), coder)
    assert (r.prefilter_skipped_records, r.prefilter_lost_gold_events) == (1, 1)
    assert r.accuracy == pytest.approx(0.2)  # only the no-event record is right


def test_report_serialises_and_formats(example_report: ev.EvaluationReport) -> None:
    d = json.loads(json.dumps(example_report.to_dict()))
    assert d["accuracy"] == pytest.approx(0.6) and d["per_type"]["COERCE"]["f1"] == 1.0
    text = example_report.format_text()
    assert "type accuracy 0.600" in text
    assert "triple accuracy 0.750 (directed 0.500)" in text
    assert "prefilter: 2 gold records skipped, 2 gold events lost" in text
    assert re.search(r"^CONSULT\s+0\.000\s+0\.000\s+0\.000\s+1\s+0$", text, re.M)


def test_coding_errors_counted() -> None:
    from flashpoint.models import CodingError

    def coder(articles: Iterable[Article]) -> Iterator[CodingResult]:
        for a in articles:
            yield CodingResult(article=a, error=CodingError(a.doc_id, "parse", "boom"))

    r = ev.evaluate("jsonl", str(CASES / "gold_example.jsonl"), coder)
    assert r.coding_errors == 5 and r.predicted_events == 0
    assert r.error_reasons == {"parse: boom": 5}
    assert "coding error x5: parse: boom" in r.format_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "x", "events": []}\nnot json\n', ":2: not JSON"),
        ('{"id": "a", "events": []}\n', ":1: a record needs"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "duplicate id"),
        ('{"id": "a", "text": "x", "events": [{"source": "USA"}]}\n', "needs 'plover' or 'cameo'"),
        ('{"id": "a", "text": "x", "events": [{"plover": "CRIME"}]}\n', "unknown PLOVER"),
        ('{"id": "a", "text": "x", "published": "May 5", "events": []}\n', "YYYY-MM-DD"),
        ('{"id": "a", "text": "x", "events": [{"plover": "AID", "source": 5}]}\n', "actor must be"),
    ],
)
def test_jsonl_gold_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match=re.escape(message)):
        ev.load_jsonl_gold(path)


def test_jsonl_unknown_cameo_names_the_line() -> None:
    with pytest.raises(EvaluationError, match=r"gold_bad_cameo.jsonl:2: .*0999"):
        ev.load_jsonl_gold(CASES / "gold_bad_cameo.jsonl")


def test_evaluate_argument_errors(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="unknown dataset"):
        ev.evaluate("acled", None, fake_coder({}))
    with pytest.raises(EvaluationError, match="needs a gold file path"):
        ev.evaluate("jsonl", None, fake_coder({}))
    with pytest.raises(EvaluationError, match="not found"):
        ev.evaluate("plover-gsr", str(tmp_path / "missing.json"), fake_coder({}))


def test_plover_gsr_reader_tolerates_quirks(tmp_path: Path) -> None:
    records = [
        {"id": "DOC", "event": "DOCUMENT", "license": "CC BY-SA 4.0"},
        {"id": "r1", "event": "FIGHT", "text": "A fought B.", "date": "2000-01-01",
         "source": [{"code": "aaa"}], "target": "", "textInfo": "(SRC/TAR: A and B) fought"},
        {"id": "r2", "event": "DEMAND", "text": "A demanded.", "source": [{"code": "AAA"}], "target": "diplomatic"},
        {"id": "r3", "event": "AGREE", "text": "A agreed with B.", "source": [{"actorText": "A"}],
         "target": [{"code": "BBB", "sector": "GOV"}], "textInfo": {"markup": "(SRC: A) agreed"}},
        {"id": "r4", "event": "AID", "text": ""},
    ]  # fmt: skip
    path = tmp_path / "gsr.txt"
    path.write_text(json.dumps(records), encoding="utf-8")
    gold = ev.load_plover_gsr(path)
    assert [r.id for r in gold] == ["r1", "r2", "r3"]
    assert [r.events[0].plover for r in gold] == ["ASSAULT", "REQUEST", "AGREE"]
    assert gold[0].events[0].source == ("AAA",) and gold[0].events[0].target == () and gold[0].reciprocal
    assert gold[1].events[0].target == () and gold[1].published == ev.GSR_DATE
    assert gold[2].events[0].source == () and gold[2].events[0].target == ("BBB",) and not gold[2].reciprocal


def test_plover_gsr_reader_on_shared_file(shared: Path) -> None:
    gold = ev.load_plover_gsr(shared / GSR)
    assert len(gold) == 322
    types = {r.events[0].plover for r in gold}
    assert types == set(ontology.PLOVER_TYPES)  # old names mapped: all 16 current types
    assert any(r.reciprocal for r in gold)


def _random_predictions(gold: list[ev.GoldRecord], seed: int) -> dict[str, list[Event]]:
    """Deterministic noisy predictions: right or wrong types, right, swapped or wrong actors."""
    rng = random.Random(seed)
    out: dict[str, list[Event]] = {}
    for rec in gold:
        g = rec.events[0]
        events = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            ptype = g.plover if rng.random() < 0.5 else rng.choice(ontology.PLOVER_TYPES)
            src = rng.choice([*g.source, *g.target, "ZZZ", None])
            tgt = rng.choice([*g.source, *g.target, "YYYGOV", None])
            conf = rng.choice([0.2, 0.4, 0.5, 0.6, 0.9, 0.9])
            events.append(make_event(rec.id, ptype, src, tgt, conf))
        out[rec.id] = events
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_agrees_with_shared_scoring_script(shared: Path, tmp_path: Path, seed: int) -> None:
    gold = ev.load_plover_gsr(shared / GSR)
    preds = _random_predictions(gold, seed)
    report = ev.evaluate("plover-gsr", str(shared / GSR), fake_coder(preds))
    events_file = tmp_path / "events.jsonl"
    with events_file.open("w", encoding="utf-8") as fh:
        for rec in gold:
            for e in preds[rec.id]:
                fh.write(json.dumps(e.to_dict()) + "\n")
    out = subprocess.run(
        [sys.executable, str(shared / "tools" / "plover_gsr_score.py"), "score", str(events_file)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    m = re.search(r"type accuracy ([\d.]+), macro-F1 ([\d.]+), triple accuracy ([\d.]+)", out)
    assert m, out
    assert f"{report.accuracy:.3f}" == m.group(1)
    assert f"{report.macro_f1:.3f}" == m.group(2)
    assert f"{report.triple_accuracy:.3f}" == m.group(3)
    assert 0.0 < report.accuracy < 1.0


def test_petrarch_reader(shared: Path) -> None:
    gold = ev.load_petrarch_records(shared / PETR)
    assert len(gold) == 281  # categories named in the file's <Include> line
    assert len(ev.load_petrarch_records(shared / PETR, included_only=False)) == 284
    assert {r.category for r in gold}.isdisjoint({"AGENTS", "COMPOUNDx"})
    by_id = {r.id: r for r in gold}
    assert by_id["DEMO-00"].events[0].source == ("ARN",) and by_id["DEMO-00"].events[0].cameo == "064"
    assert by_id["ERROR-01"].error == "dateline"
    assert by_id["DEMO-24"].events == () and by_id["DEMO-24"].error is None
    env = ev.petrarch_environment(shared / PETR)
    assert set(env) == {"verbs", "actors", "agents", "discards"}


PETR_CONFIG_XML = """<Validation><Environment><Include>A B</Include></Environment><Sentences>
<Sentence date="19950101" id="one" category="A"><EventCoding sourcecode="ARN" targetcode="---"
 eventcode="023"></EventCoding><Text>Arnor spoke.</Text></Sentence>
<Config option="require_dyad" value="FALSE"></Config>
<Sentence date="19950101" id="two" category="B"><EventCoding sourcecode="---GOV" targetcode="GON"
 eventcode="023"></EventCoding><Text>Officials told Gondor.</Text></Sentence>
<Config option="require_dyad" value="True"></Config>
<Sentence date="19950101" id="three" category="A"><EventCoding noevents="True"></EventCoding>
<Text>Nothing.</Text></Sentence></Sentences></Validation>"""


def test_petrarch_config_options_and_null_actor(tmp_path: Path) -> None:
    """<Config> options apply to the records after them; a lone ``---`` is "no actor"."""
    path = tmp_path / "records.xml"
    path.write_text(PETR_CONFIG_XML, encoding="utf-8")
    one, two, three = ev.load_petrarch_records(path)
    assert one.options == {} and two.options == {"require_dyad": "false"}
    assert three.options == {"require_dyad": "true"}
    assert one.events[0].source == ("ARN",) and one.events[0].target == ()
    assert two.events[0].source == ("---GOV",)
    articles = list(ev._articles([one, two, three], given_sentences=True))
    assert [ev._petrarch_settings(a)["require_dyad"] for a in articles] == [True, False, True]
    assert all(a.meta["sentences"] == "given" for a in articles)
    assert "sentences" not in next(ev._articles([one])).meta


def _petrarch_events(rec: ev.GoldRecord) -> list[Event]:
    out = []
    for g in rec.events:
        e = make_event(rec.id, "AGREE", g.source[0] if g.source else None, g.target[0] if g.target else None)
        out.append(Event(**{**e.__dict__, "cameo": g.cameo or ""}))
    return out


def test_petrarch_scores_perfect_and_empty(shared: Path) -> None:
    gold = ev.load_petrarch_records(shared / PETR)
    perfect = ev.evaluate(
        "petrarch", str(shared / PETR), fake_coder({r.id: _petrarch_events(r) for r in gold})
    )
    p = perfect.petrarch
    assert p is not None and perfect.accuracy is None
    assert (p.recall, p.precision, p.extra_event_rate, p.exact_set_accuracy) == (1.0, 1.0, 0.0, 1.0)
    assert (p.error_records, p.error_passed) == (7, 7)
    assert p.noevents_passed == p.noevents_records > 0
    assert all(v["exact_set_accuracy"] == 1.0 for v in p.per_category.values())
    empty = ev.evaluate("petrarch", str(shared / PETR), fake_coder({})).petrarch
    assert empty is not None and empty.recall == 0.0
    scored = empty.records - empty.error_records
    assert empty.exact_set_accuracy == pytest.approx(empty.noevents_records / scored)


def test_petrarch_extra_and_missing(shared: Path) -> None:
    gold = ev.load_petrarch_records(shared / PETR)
    rec = next(r for r in gold if r.id == "DEMO-00")
    wrong = make_event("DEMO-00", "AGREE", "GON", "ARN")  # swapped dyad: an extra, and a miss
    r = ev.score(
        "petrarch", [rec], fake_coder({"DEMO-00": [*_petrarch_events(rec), wrong]})(ev._articles([rec]))
    )
    p = r.petrarch
    assert p is not None
    assert (p.expected_codings, p.produced_codings, p.recall, p.extra_event_rate) == (1, 2, 1.0, 0.5)
    assert p.exact_set_accuracy == 0.0


def test_eval_floors_file_is_valid() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    fields = set(ev.EvaluationReport.__dataclass_fields__)
    petrarch_fields = set(ev.PetrarchScores.__dataclass_fields__)
    for dataset, metrics in floors.items():
        assert dataset in ev.DATASETS
        for key, value in metrics.items():
            name = key.removeprefix("max_")
            if name.startswith("petrarch."):
                assert name.split(".", 1)[1] in petrarch_fields, key
            else:
                assert name in fields, key
            assert 0.0 <= value <= 1.0


@pytest.mark.parametrize("dataset", ["plover-gsr", "petrarch"])
def test_eval_gate(shared: Path, dataset: str) -> None:
    """The CI gate: the real coder must not fall below the floors in tests/eval_floors.json.

    Keys are metrics of ``EvaluationReport.to_dict()`` (``petrarch.*`` for the PETRARCH
    block); a ``max_`` prefix makes the value a ceiling (e.g. the extra-event rate)."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))[dataset]
    report = ev.evaluate(dataset, str(shared / ev.DEFAULT_PATHS[dataset].removeprefix("../shared/")))
    got = report.to_dict()
    failures = {}
    for key, bound in floors.items():
        ceiling = key.startswith("max_")
        name = key.removeprefix("max_")
        value = got["petrarch"][name.split(".", 1)[1]] if name.startswith("petrarch.") else got[name]
        if value is None or (value > bound if ceiling else value < bound):
            failures[key] = (value, bound)
    assert not failures, f"metrics past their bounds (value, bound): {failures}\n{report.format_text()}"
