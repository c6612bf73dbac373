"""The TABARI/PETRARCH dictionary coder: small dictionaries written here, plus the PETRARCH
validation records as a regression gate (floors only move up)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from flashpoint.coding.dictionary_coder import CODER_NAME, DictionaryCoder
from flashpoint.coding.tabari import read_discards, read_verb_dictionary
from flashpoint.models import Actor, Article, CleanText, Mention

VERBS = """
&TIES
+DIPLOMATIC
+ECONOMIC
--- RESTORE [064] ---
RESTORE
- * &TIES TIES [061]
--- CONDEMN [122] ---
CONDEMN
--- MEET [031:031] ---
MEET {MEETS MET MEETING}
--- AGREE [081] ---
AGREE
- % * [030:030]
--- HAIL [041] ---
HAIL
- NOT * [999]
--- BLAST [+++] ---
BLAST
--- SAY [---] ---
SAY {SAID SAYS}
- * ANGRY [---]
--- APPEAR [---] ---
APPEAR
- * (BEFORE {&TIES COURT}) [:173]
- * (BY/WITH TANKS) [190]
--- FREE [066] ---
FREE
- + * FROM $  [067]
"""

ACTORS = {
    "France": Actor("FRA", "France", "FRA"),
    "Germany": Actor("DEU", "Germany", "DEU"),
    "Italy": Actor("ITA", "Italy", "ITA"),
    "Russia": Actor("RUS", "Russia", "RUS"),
    "police": Actor("COP", "police", None, "COP", kind="sector"),
}


class FakeActors:
    """A tiny stand-in for ActorDictionary: whole-word phrase matches."""

    def find_mentions(self, text: str, when: date | None = None) -> list[Mention]:
        out = []
        for phrase, actor in ACTORS.items():
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", text):
                out.append(Mention(m.start(), m.end(), m.group(), actor))
        return sorted(out, key=lambda m: m.start)


@pytest.fixture(scope="module")
def coder(tmp_path_factory: pytest.TempPathFactory) -> DictionaryCoder:
    folder = tmp_path_factory.mktemp("dicts")
    (folder / "t.verbs").write_text(VERBS, encoding="utf-8")
    (folder / "t.discards").write_text("BASEBALL\n+TYPHOON\n", encoding="utf-8")
    return DictionaryCoder(
        FakeActors(), read_verb_dictionary(folder / "t.verbs"), read_discards(folder / "t.discards")
    )


def _code(coder: DictionaryCoder, nlp, text: str):
    from flashpoint import nlp as fp_nlp

    parsed = fp_nlp.segment_and_parse(text, nlp)
    return coder.code(Article("doc", text), CleanText(text), parsed, date(2020, 1, 1))


def _triples(events) -> set[tuple[str, str, str]]:
    return {(e.source.code, e.target.code, e.cameo) for e in events}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("France restored relations with Germany.", {("FRA", "DEU", "064")}),
        # a synset pattern is more specific than the verb's own code
        ("France restored economic ties with Germany.", {("FRA", "DEU", "061")}),
        # passive with a by-agent: the agent is the source
        ("Germany was condemned by France on Monday.", {("FRA", "DEU", "122")}),
        # coordinated subjects: one event per actor
        ("France and Italy condemned Germany.", {("FRA", "DEU", "122"), ("ITA", "DEU", "122")}),
        # reciprocal a:b code
        ("France met Germany on Monday.", {("FRA", "DEU", "031"), ("DEU", "FRA", "031")}),
        # % compound: events between the members
        ("France and Germany agreed on Monday.", {("FRA", "DEU", "030"), ("DEU", "FRA", "030")}),
        # $ and + slots override the parse roles
        ("Germany was freed from Russia on Monday.", {("RUS", "DEU", "067")}),
        # an agent in the actor's phrase joins the code
        ("France's police condemned Germany.", {("FRACOP", "DEU", "122")}),
        # a relative pronoun stands for the noun it modifies
        (
            "Russia, which condemned Italy on Monday, met Germany.",
            {("RUS", "ITA", "122"), ("RUS", "DEU", "031"), ("DEU", "RUS", "031")},
        ),
        # coordinated verbs share a following object
        ("France condemned and blasted Germany.", {("FRA", "DEU", "122")}),
        # the subject is inherited along an xcomp chain
        ("France is about to restore relations with Germany.", {("FRA", "DEU", "064")}),
        # a ":b" code gives only the reverse event; grouped pattern words match in order
        ("France appeared before the economic court of Germany.", {("DEU", "FRA", "173")}),
        # "BY/WITH" lists alternative words
        ("France appeared with tanks in Germany.", {("FRA", "DEU", "190")}),
        # ---, +++ codes and sentence discards give no event
        ("France said Germany was angry.", set()),
        ("France blasted Germany.", set()),
        ("France condemned Germany over baseball.", set()),
        # no actor in the object: no event
        ("France condemned the attack.", set()),
    ],
)
def test_coding(coder: DictionaryCoder, nlp, text: str, expected: set) -> None:
    assert _triples(_code(coder, nlp, text)) == expected


def test_legacy_codes_pass_through(coder: DictionaryCoder, nlp) -> None:
    (event,) = _code(coder, nlp, "France did not hail Germany.")
    assert event.cameo == "999" and event.cameo_root == "99"
    assert event.cameo_name is None and event.goldstein is None and event.quad_class is None
    assert event.plover.type is None


def test_negation_is_recorded(coder: DictionaryCoder, nlp) -> None:
    (event,) = _code(coder, nlp, "France did not condemn Germany.")
    assert (event.cameo, event.modality) == ("122", "negated")
    (event,) = _code(coder, nlp, "France did not hail Germany.")  # the pattern "NOT *" handles it
    assert (event.cameo, event.modality) == ("999", "asserted")
    (event,) = _code(coder, nlp, "France condemned Germany.")
    assert event.modality == "asserted"


def test_event_record(coder: DictionaryCoder, nlp) -> None:
    text = "Yesterday France condemned Germany."
    (event,) = _code(coder, nlp, text)
    assert event.coder.startswith(CODER_NAME + "/")
    assert event.cameo_name and event.goldstein is not None and event.quad_class == 3
    assert event.plover.type is not None
    src, trig, tgt = event.evidence.source, event.evidence.trigger, event.evidence.target
    assert (text[src[0] : src[1]], text[trig[0] : trig[1]], text[tgt[0] : tgt[1]]) == (
        "France",
        "condemned",
        "Germany",
    )
    assert event.to_dict()["cameo"] == "122"


def test_require_dyad_off_codes_unknown_targets(coder: DictionaryCoder, nlp) -> None:
    loose = DictionaryCoder(coder.actors, coder.verbs, coder.discards, require_dyad=False)
    (event,) = _code(loose, nlp, "France condemned the attack.")
    assert (event.source.code, event.target.code, event.cameo) == ("FRA", None, "122")
    assert event.evidence.target is None and event.to_dict()["target"]["code"] is None
    assert _code(coder, nlp, "France condemned the attack.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a complement noun phrase that names no actor: a source-only event
        ("Italy condemned the shelling on Tuesday.", {("ITA", None, "122")}),
        ("Italy condemned in a statement.", {("ITA", None, "122")}),
        # no complement at all: nothing, as in PETRARCH
        ("Italy condemned yesterday.", set()),
        # a dyad in the governing clause: its lower clause codes no source-only event
        (
            "Italy condemned Russia before France condemned the shelling.",
            {("ITA", "RUS", "122")},
        ),
        # ...but a lower clause still codes when the governing verb codes nothing
        ("Italy said yesterday that France condemned the shelling.", {("FRA", None, "122")}),
    ],
)
def test_require_dyad_off_source_only_rules(coder: DictionaryCoder, nlp, text: str, expected: set) -> None:
    loose = DictionaryCoder(coder.actors, coder.verbs, coder.discards, require_dyad=False)
    got = {(e.source.code, e.target.code, e.cameo) for e in _code(loose, nlp, text)}
    assert got == expected


@pytest.mark.parametrize(
    ("length", "text", "expected"),
    [
        (4, "The Guild of Weavers condemned Italy.", {('"THE GUILD OF WEAVERS"', "ITA", "122")}),
        (4, "Italy condemned the Guild of Weavers.", {("ITA", '"THE GUILD OF WEAVERS"', "122")}),
        (3, "The Guild of Weavers condemned Italy.", set()),  # longer than allowed
        (0, "The Guild of Weavers condemned Italy.", set()),  # off
        (4, "Italy condemned Russia.", {("ITA", "RUS", "122")}),  # known actors win
    ],
)
def test_new_actors(coder: DictionaryCoder, nlp, length: int, text: str, expected: set) -> None:
    with_new = DictionaryCoder(coder.actors, coder.verbs, coder.discards, new_actor_length=length)
    assert {(e.source.code, e.target.code, e.cameo) for e in _code(with_new, nlp, text)} == expected


def test_split_coordinated_subject(coder: DictionaryCoder, nlp) -> None:
    """When the parser cuts a coordinated subject into two subjects of one verb (as it does
    with "Lions, tigers, and Gondor welcomed ..."), the one naming an actor is the source."""
    from spacy.tokens import Doc

    from flashpoint.models import Sentence
    from flashpoint.nlp import ParsedSentence

    words = ["Bears", ",", "and", "Italy", "condemned", "Russia", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=[False, True, True, True, True, False, False],
        heads=[4, 0, 0, 4, 4, 4, 4],
        deps=["nsubj", "punct", "cc", "nsubj", "ROOT", "dobj", "punct"],
        pos=["NOUN", "PUNCT", "CCONJ", "PROPN", "VERB", "PROPN", "PUNCT"],
        tags=["NNS", ",", "CC", "NNP", "VBD", "NNP", "."],
    )
    text = doc.text
    parsed = [ParsedSentence(Sentence(0, text, 0, len(text), 0), doc[:], 0)]
    events = coder.code(Article("doc", text), CleanText(text), parsed, date(2020, 1, 1))
    assert _triples(events) == {("ITA", "RUS", "122")}


def test_story_discard_drops_the_article(coder: DictionaryCoder, nlp) -> None:
    assert _code(coder, nlp, "France condemned Germany. A typhoon hit the coast.") == []


def test_petrarch_regression(shared: Path) -> None:
    """The PETRARCH-2 unit-test records coded with their own four dictionaries, through the
    evaluation harness (one sentence per record, the records' <Config> options); the overall
    floors are in tests/eval_floors.json, these pin what must stay perfect."""
    from flashpoint import evaluate as ev

    report = ev.evaluate(
        "petrarch", str(shared / "data" / "petrarch2_validation" / "PETR.UnitTest.records.xml")
    )
    p = report.petrarch
    assert p is not None and p.records >= 270 and report.coding_errors == 0
    for category in ("SYNSET", "VERB", "DATE", "ACTOR"):
        assert p.per_category[category]["recall"] == 1.0, category
    assert p.noevents_passed >= p.noevents_records - 1
