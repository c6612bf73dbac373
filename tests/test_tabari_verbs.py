"""TABARI/PETRARCH verbs and discards readers: each syntax element, errors with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.coding.tabari import (
    PatternElement,
    read_discards,
    read_verb_dictionary,
    regular_forms,
)
from flashpoint.errors import DictionaryError

VALIDATION = Path("data/petrarch2_validation")


def _verbs(tmp_path: Path, text: str):
    path = tmp_path / "test.verbs"
    path.write_text(text, encoding="utf-8")
    return read_verb_dictionary(path)


def _block(d, name):
    return next(b for b in d.blocks if b.name == name)


# ----------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("verb", "expected"),
    [
        ("DEPART", {"DEPART", "DEPARTS", "DEPARTED", "DEPARTING"}),
        ("CRITICIZE", {"CRITICIZE", "CRITICIZES", "CRITICIZED", "CRITICIZING"}),
        ("DENY", {"DENY", "DENIES", "DENIED", "DENYING"}),
        ("PUSH", {"PUSH", "PUSHES", "PUSHED", "PUSHING"}),
    ],
)
def test_regular_forms_cover_real_spellings(verb: str, expected: set[str]) -> None:
    assert expected <= set(regular_forms(verb))
    assert "DEPARTES" not in regular_forms("DEPART")


def test_block_verbs_forms_and_codes(tmp_path: Path) -> None:
    d = _verbs(
        tmp_path,
        """
--- DELAY  [120]  [031:031]  ---
DELAY
DOWNPLAY [014]
POSTPONE    # a comment
--- BAN [191] ---
BAN {BANS BANNED}
""",
    )
    delay = _block(d, "DELAY")
    assert delay.code == "120"  # the first code of the header
    codes = {e.phrase: e.code for e in delay.verbs}
    assert codes == {("DELAY",): "120", ("DOWNPLAY",): "014", ("POSTPONE",): "120"}
    assert [m.block.name for m in d.lookup("postponed")] == ["DELAY"]
    assert d.lookup("downplays")[0].entry.code == "014"
    # irregular forms replace the generated ones
    assert {m.form[0] for w in ("BAN", "BANS", "BANNED") for m in d.lookup(w)} == {"BAN", "BANS", "BANNED"}
    assert d.lookup("BANED") == ()


def test_multi_word_verbs(tmp_path: Path) -> None:
    d = _verbs(
        tmp_path,
        """
--- BREAK [1717] ---
BREAK { BROKE BROKEN  }
+BREAK_DOWN {+BREAKS_DOWN +BROKE_DOWN +BROKEN_DOWN }
--- CONFISCATE [1711] ---
CONFISCATE
WIRE_+TAP
--- LASH OUT  [122] ---
LASH OUT
""",
    )
    broken = d.lookup("broken")
    assert broken[0].form == ("BROKEN", "DOWN")  # longest form first
    assert broken[1].form == ("BROKEN",)
    taps = d.lookup("TAPS")  # regular forms inflect the word marked with +
    assert taps[0].form == ("WIRE", "TAPS") and taps[0].entry.head == 1
    assert d.lookup("LASHED")[0].form == ("LASHED", "OUT")


def test_synsets_plurals_and_nesting(tmp_path: Path) -> None:
    d = _verbs(
        tmp_path,
        """
&TIETYPES
+MILITARY
+ECONOMIC
&PREP_
+AGAINST
&NEG
+DID N'T
+WILL_NOT
&ALL
+&TIETYPES
+CLOSER_
--- ACT [100] ---
ACT
- * &PREP RESOLUTION  [102]
""",
    )
    assert ("MILITARY",) in d.synset("&TIETYPES") and ("MILITARIES",) in d.synset("&TIETYPES")
    assert d.synset("&PREP") == (("AGAINST",),)  # a trailing _ on the name: no plurals
    assert ("WILL", "NOT") in d.synset("&NEG") and ("DID", "N'T") in d.synset("&NEG")
    assert ("ECONOMIC",) in d.synset("&ALL") and ("CLOSER",) in d.synset("&ALL")
    assert ("CLOSERS",) not in d.synset("&ALL")  # a trailing _ on the member: no plural


def test_pattern_elements_and_adjacency(tmp_path: Path) -> None:
    d = _verbs(
        tmp_path,
        """
&NEG
+WILL NOT
--- CLASH  [223] ---
CLASH
- MOST_CERTAINLY_&NEG_EVER * OVER EFFORTS  [907]  #  PAS
- + WAS * DEAD IN $ [224]
- % HAVE *  [191]
- * EID AT ^ WITH +  [043]
- IN_ * [075]
- *_UPON  [097]
- * TALKS  [---]
- * WITH %  [030:030]
""",
    )
    pats = _block(d, "CLASH").patterns
    p907 = pats[0]
    assert p907.code == "907" and p907.line == 6
    # before the verb, nearest first; adjacent means "touches its neighbour nearer the verb"
    assert p907.pre == (
        PatternElement("word", "EVER", False),
        PatternElement("synset", "&NEG", True),
        PatternElement("word", "CERTAINLY", True),
        PatternElement("word", "MOST", True),
    )
    assert p907.post == (PatternElement("word", "OVER", False), PatternElement("word", "EFFORTS", False))
    p224 = pats[1]
    assert [e.kind for e in p224.pre] == ["word", "target"]
    assert [e.kind for e in p224.post] == ["word", "word", "source"]
    assert pats[2].pre[1].kind == "compound"
    assert [e.kind for e in pats[3].post] == ["word", "word", "skip", "word", "target"]
    assert pats[4].pre == (PatternElement("word", "IN", False),)  # "_ " reads as a blank
    assert pats[5].post == (PatternElement("word", "UPON", True),)
    assert pats[6].code is None  # --- : no event
    assert pats[7].code == "030:030"
    assert p907.size == 6


def test_petrarch2_grouping_and_reverse_codes(tmp_path: Path) -> None:
    d = _verbs(
        tmp_path,
        """
&FOOD
+FOOD
---  ARRIVE   [040]  ---
+ANGERED_BY {}
COME {COMING COMES CAME } [---] # OY
- * (TO {BANNED PARTIES}) $    [1722]
- * (BEFORE COURT)             [:173]
- * {&FOOD AID} (FOR)          [042:043]
""",
    )
    block = _block(d, "ARRIVE")
    assert [e.code for e in block.verbs] == ["040", None]
    assert d.lookup("angered")[0].form == ("ANGERED", "BY")
    assert d.lookup("came")[0].entry.code is None
    p1, p2, p3 = block.patterns
    assert [(e.kind, e.value) for e in p1.post] == [
        ("word", "TO"),
        ("word", "BANNED"),
        ("word", "PARTIES"),
        ("source", ""),
    ]
    assert p2.code == ":173"
    assert [e.value for e in p3.post] == ["&FOOD", "AID", "FOR"] and p3.code == "042:043"


def test_unbalanced_groups(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError) as err:
        _verbs(tmp_path, "--- COME [040] ---\nCOME\n- * (TO BORDER [154]\n")
    assert err.value.line == 3 and "unbalanced" in err.value.problem


def test_comments_are_skipped(tmp_path: Path) -> None:
    d = _verbs(
        tmp_path,
        """<!-- header
spanning lines -->
# a whole-line comment
--- TROUBLED  [---] # NOUN ---
TROUBLED   # NOUN
#- % *  [031]  # disabled pattern
- SAID *  [131] <!-- inline -->
- * DIPLXMATIC  [###]
""",
    )
    block = _block(d, "TROUBLED")
    assert block.code is None
    assert [p.code for p in block.patterns] == ["131", "###"]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("- * TALKS [031]\n", 1, "outside a verb block"),
        ("--- MEET [031] ---\nMEET\n- TALKS [031]\n", 3, "exactly one '*'"),
        ("--- MEET [031] ---\nMEET\n- * * TALKS [031]\n", 3, "exactly one '*'"),
        ("--- MEET [031] ---\nMEET\n- * TALKS [031\n", 3, "unclosed '['"),
        ("--- MEET [031] ---\nMEET\n- * TALKS []\n", 3, "empty code"),
        ("--- MEET [031] ---\nMEET\n- * TALKS\n", 3, "without [code]"),
        ("--- MEET [031] ---\nMEET\n- * &NOPE [031]\n", 3, "never defined"),
        ("MEET\n", 1, "outside a '--- VERB [code] ---' block"),
        ("--- MEET ---\nMEET\n", 1, "without [code]"),
        ("--- BAN [191] ---\nBAN {BANS BANNED\n", 2, "unbalanced"),
        ("--- MEET [031] ---\n<!-- never closed\nMEET\n", 2, "unclosed <!--"),
        ("&EMPTY\n--- MEET [031] ---\nMEET\n", 1, "no members"),
        ("--- MEET [031] ---\n--- GREET [031] ---\nGREET\n", 1, "has no verb"),
        ("--- MEET [0 31] ---\nMEET\n", 1, "malformed code"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    with pytest.raises(DictionaryError) as err:
        _verbs(tmp_path, text)
    assert err.value.line == line
    assert problem in err.value.problem
    assert str(tmp_path / "test.verbs") in str(err.value)
    assert err.value.code == "E300"


def test_missing_file_is_a_dictionary_error(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError) as err:
        read_verb_dictionary(tmp_path / "absent.verbs")
    assert "absent.verbs" in str(err.value) and "cannot read verbs dictionary" in str(err.value)
    assert err.value.line is None


def test_missing_discards_file_is_a_dictionary_error(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError) as err:
        read_discards(tmp_path / "gone.txt")
    assert "gone.txt" in str(err.value) and "cannot read discards" in str(err.value)


def test_validation_verbs_file_reads(shared: Path) -> None:
    d = read_verb_dictionary(shared / VALIDATION / "PETR.Validate.verbs.txt")
    assert len(d.blocks) > 250
    assert len(d.synsets) == 17
    assert ("GOLDEN", "GOBLIN", "GALLEONS") in d.synset("&CURRENCY")
    assert ("ECONOMIC",) in d.synset("&ACCORDSYN")  # embedded &TIETYPES
    shot = {m.block.code for m in d.lookup("shot")}
    assert shot == {None, "223"}  # the verb has two blocks
    assert d.lookup("cordoned")[0].form == ("CORDONED", "OFF")
    assert d.lookup("departes") == ()
    codes = {p.code for b in d.blocks for p in b.patterns}
    assert {"174K", "102b", "030:030", "+++", None} <= codes


def test_discards(tmp_path: Path, shared: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(
        "# comment\nMONTHS LATER\n+World_Golf Championships   # pas\nBASEBALL\n", encoding="utf-8"
    )
    d = read_discards(path)
    assert [(e.words, e.story) for e in d.entries] == [
        (("MONTHS", "LATER"), False),
        (("WORLD", "GOLF", "CHAMPIONSHIPS"), True),
        (("BASEBALL",), False),
    ]
    assert d.find("They met at the world golf championships.", story=True) is not None
    assert d.find("They met at the world golf championships.", story=False) is None
    assert d.find("Baseball fans rioted.") is not None
    assert d.find("The baseballs were lost.") is None  # whole words only
    real = read_discards(shared / VALIDATION / "PETR.Validate.discards.txt")
    assert sum(e.story for e in real.entries) == 4


def test_discard_errors(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text("GOLF\n+\n", encoding="utf-8")
    with pytest.raises(DictionaryError) as err:
        read_discards(path)
    assert err.value.line == 2
