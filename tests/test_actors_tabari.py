"""TABARI/PETRARCH dictionary import: the PETRARCH validation dictionaries, and clear errors
(file and line) for malformed entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flashpoint.actors import ActorDictionary
from flashpoint.actors.tabari import read_actors, read_agents
from flashpoint.errors import DictionaryError


@pytest.fixture(scope="module")
def petrarch(shared: Path) -> ActorDictionary:
    d = shared / "data" / "petrarch2_validation"
    return ActorDictionary.from_tabari(d / "PETR.Validate.actors.txt", d / "PETR.Validate.agents.txt")


def _codes(d: ActorDictionary, text: str, when: date | None = None) -> list[tuple[str, str]]:
    return [(m.text, m.actor.code) for m in d.find_mentions(text, when)]


def test_petrarch_validation_dictionaries_import(petrarch: ActorDictionary):
    assert len(petrarch) > 300
    phrases = {e.phrase.upper() for e in petrarch.entries}
    for must in (
        "NORTH KOREA",
        "PYONGYANG",
        "THE HERMIT KINGDOM",
        "UNITED NATIONS",
        "U.N.",
        "ENT",
        "GOLLUM",
        "SMEAGOL",
        "POLICE",
        "CONGRESSMEN",
        "MINISTERS OF SILLY WALKS",
        "ATTORNEYS GENERAL",
    ):
        assert must in phrases, must
    # commented-out entries are not imported
    assert "NASGUL" not in phrases
    assert "JOURNALISTS' UNION" not in phrases


def test_petrarch_date_restrictions(petrarch: ActorDictionary):
    assert _codes(petrarch, "Gollum attacked", date(1994, 1, 1)) == [("Gollum", "HOB")]
    assert _codes(petrarch, "Smeagol attacked", date(1997, 1, 1)) == [("Smeagol", "HOBGOV")]
    assert _codes(petrarch, "Gollum attacked", date(2001, 1, 1)) == [("Gollum", "HOBREB")]
    # the narrowest covering restriction wins (ORCHOB inside HOBMIL)
    assert _codes(petrarch, "Sam Gamgee left", date(2010, 1, 10)) == [("Sam Gamgee", "ORCHOB")]
    assert _codes(petrarch, "Sam Gamgee left", date(2009, 1, 10)) == [("Sam Gamgee", "HOBMIL")]
    assert _codes(petrarch, "Sam Gamgee left", date(2014, 1, 10)) == [("Sam Gamgee", "HOBELI")]
    assert _codes(petrarch, "Zimbabwe voted", date(1975, 1, 1)) == [("Zimbabwe", "RHO")]
    assert _codes(petrarch, "Zimbabwe voted", date(1995, 1, 1)) == [("Zimbabwe", "ZBW")]


def test_petrarch_compound_null_and_agents(petrarch: ActorDictionary):
    assert _codes(petrarch, "Lorien objected") == [("Lorien", "ELR"), ("Lorien", "GAL")]
    assert _codes(petrarch, "Boromir objected") == []  # [---] names no actor
    assert _codes(petrarch, "Israeli troops fired") == [("Israeli troops", "ISRMIL")]
    assert _codes(petrarch, "Gondor police arrived") == [("Gondor police", "GONCOP")]
    assert _codes(petrarch, "the Gondor human rights body said") == [("Gondor human rights body", "NGOGON")]
    assert _codes(petrarch, "Congressmen complained") == [("Congressmen", "LEG")]
    mention = petrarch.find_mentions("the human rights body said")[0]
    assert mention.actor.kind == "sector" and mention.actor.code == "NGO~"


ACTORS_OK = """\
<!-- a comment
spanning lines -->
GONDOR [GON]  # trailing comment
+MINAS_TIRITH
ARNOR_
\t[ARN]
OLD_KING
\t[OKG < 950601]
\t[NKG 950601-991231]
\t[XKG >991231]
"""


def test_small_actor_file(tmp_path: Path):
    p = tmp_path / "ok.actors"
    p.write_text(ACTORS_OK, encoding="utf-8")
    entries = read_actors(p)
    assert {e.phrase for e in entries} == {"GONDOR", "MINAS TIRITH", "ARNOR", "OLD KING"}
    king = sorted(
        ((e.start, e.end, e.code) for e in entries if e.phrase == "OLD KING"), key=lambda r: r[0] or date.min
    )
    assert king == [
        (None, date(1995, 6, 1), "OKG"),
        (date(1995, 6, 1), date(2000, 1, 1), "NKG"),
        (date(2000, 1, 1), None, "XKG"),
    ]


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("GONDOR [GON]\nARNOR\n", 2, "no [CODE]"),
        ("GONDOR [GON\n", 1, "unclosed"),
        ("GONDOR [GON]\n\t[950601-990815]\n", 2, "malformed code block"),
        ("GONDOR [GON]\n\t[AAA 991301-991231]\n", 2, "bad date"),
        ("GONDOR [GON]\n\t[AAA 991201-990101]\n", 2, "ends before it starts"),
        ("+SYNONYM\nGONDOR [GON]\n", 1, "synonym"),
        ("\t[GON]\n", 1, "no actor"),
    ],
)
def test_malformed_actor_files(tmp_path: Path, body: str, line: int, problem: str):
    p = tmp_path / "bad.actors"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(DictionaryError) as err:
        read_actors(p)
    assert err.value.path == str(p) and err.value.line == line
    assert problem in err.value.problem
    assert f"{p}:{line}" in str(err.value)


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("SOLDIER ~MIL\n", 1, "exactly one [CODE]"),
        ("!X! = A, B\nCONGRESS!PERSON! [~LEG]\n", 2, "undefined substitution macro"),
        ("SOLDIER [~MIL] [~GOV]\n", 1, "exactly one [CODE]"),
        ("SOLDIER [~M!L]\n", 1, "malformed agent code"),
        ("{SOLDIERS} [~MIL]\n", 1, "no phrase"),
    ],
)
def test_malformed_agent_files(tmp_path: Path, body: str, line: int, problem: str):
    p = tmp_path / "bad.agents"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(DictionaryError) as err:
        read_agents(p)
    assert err.value.path == str(p) and err.value.line == line
    assert problem in err.value.problem


def test_agent_plurals_and_macros(tmp_path: Path):
    p = tmp_path / "ok.agents"
    p.write_text(
        "!PERSON! = MAN, MEN\nCONGRESS!PERSON! [~LEG]\nMILITIA {} [~REB]\nSPY [~SPY]\n"
        "GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]\nAID_AGENCY [NGO~]\n",
        encoding="utf-8",
    )
    forms = {(e.phrase, e.code, e.plural) for e in read_agents(p)}
    assert forms == {
        ("CONGRESSMAN", "LEG", False),
        ("CONGRESSMEN", "LEG", False),
        ("MILITIA", "REB", False),
        ("SPY", "SPY", False),
        ("SPIES", "SPY", True),
        ("GOLDEN GOOSE", "GGS", False),
        ("GOLDEN GEESE", "GGS", True),
        ("AID AGENCY", "NGO~", False),
        ("AID AGENCIES", "NGO~", True),
    }


def test_tabari_merges_into_builtin(petrarch: ActorDictionary):
    d = ActorDictionary.default()
    conflicts = d.merge(petrarch)
    by_phrase = {c.phrase.upper(): c for c in conflicts}
    assert by_phrase["TAIWAN"].ours == "TWN" and by_phrase["TAIWAN"].theirs == "ROC"
    assert d.lookup("Taiwan").code == "ROC"  # user (TABARI) entries win
    assert d.lookup("Gondor").code == "GON"
    assert d.lookup("Kenyan police").code == "KENCOP"  # built-ins still there


def test_tabari_agents_stack_and_do_not_double(petrarch: ActorDictionary):
    assert _codes(petrarch, "The Danish Islamist media warned") == [("Danish Islamist media", "DNKMUSMED")]
    assert _codes(petrarch, "The Quibbler government newspaper said") == [
        ("Quibbler government newspaper", "HGWGOVMED")
    ]
