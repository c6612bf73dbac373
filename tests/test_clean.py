"""Cleaning: boilerplate table, data-driven cases, offset mapping, the reference article."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.ingest import clean
from flashpoint.ingest.clean import MACROS, REASONS, SCOPES, boilerplate_rules
from flashpoint.models import CleanText

CASES = Path(__file__).parent / "cases" / "ingest"


def assert_offsets(raw: str, result: CleanText) -> None:
    """Every kept segment is an exact raw slice, segments tile the clean text in order."""
    position = 0
    for clean_start, raw_start, length in result.segments:
        assert clean_start == position
        assert length > 0
        assert result.text[clean_start : clean_start + length] == raw[raw_start : raw_start + length]
        # to_raw maps a segment boundary to the end of the previous segment (right for span
        # ends), so check the offsets strictly inside each segment and its end.
        for inside in range(1, length + 1):
            assert result.to_raw(clean_start + inside) == raw_start + inside
        position += length
    assert position == len(result.text)
    raw_starts = [raw_start for _, raw_start, _ in result.segments]
    assert raw_starts == sorted(raw_starts)
    for start, end, reason in result.removed:
        assert 0 <= start < end <= len(raw)
        assert reason in REASONS


def test_boilerplate_table_is_well_formed() -> None:
    path = resources.files("flashpoint.ingest") / "data" / "boilerplate.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [row["name"] for row in rows]
    assert len(names) == len(set(names)), "rule names must be unique"
    assert {row["reason"] for row in rows} <= REASONS
    assert {row["scope"] for row in rows} <= SCOPES
    for row in rows:
        pattern = row["pattern"]
        for macro in re.findall(r"\{[A-Z]+\}", pattern):
            assert macro in MACROS, f"{row['name']}: unknown macro {macro}"
    assert len(boilerplate_rules()) == len(rows)
    # Every reason the table uses is exercised by at least one rule of each needed kind.
    assert {"boilerplate", "byline", "photo-credit"} <= {row["reason"] for row in rows}


def _cases() -> list[dict]:
    return yaml.safe_load((CASES / "clean_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["name"])
def test_clean_cases(case: dict) -> None:
    raw = case["raw"]
    result = clean(raw)
    for kept in case["keep"]:
        assert kept in result.text, f"lost {kept!r}"
    for dropped in case["drop"]:
        assert dropped not in result.text, f"kept {dropped!r}"
    reasons = {reason for _, _, reason in result.removed}
    assert set(case["reasons"]) <= reasons
    if not case["reasons"]:
        assert result.removed == ()
    assert_offsets(raw, result)


def test_reference_article(seed_text: str) -> None:
    result = clean(seed_text)
    assert result.text.count("The planes flew over the Korean Peninsula") == 1
    assert (
        result.text.count("as a 'very smart guy'") + result.text.count("as a \u2018very smart guy\u2019") == 1
    )
    assert "Getty Images" not in result.text
    assert "SOPA Images" not in result.text
    assert "via" not in result.text.split("\n\n")[4]
    # The first copy (straight quotes) is the one kept.
    assert "North Korea's president as a 'very smart guy'" in result.text
    reasons = [reason for _, _, reason in result.removed]
    assert reasons.count("duplicate-line") == 2
    assert reasons.count("photo-credit") == 2
    # Headline and paragraphs stay separate; every story paragraph survives.
    paragraphs = result.text.split("\n\n")
    assert paragraphs[0] == "North Korea issues fiery warning after US jets fly over South Korea"
    assert len(paragraphs) == len([p for p in seed_text.split("\n\n") if p.strip()]) - 2
    assert "Speaking on March 31" in paragraphs[-1]
    assert_offsets(seed_text, result)


def test_paragraph_breaks_and_line_breaks() -> None:
    raw = "Headline\n\n\n\nFirst para line one\nline two\n\nAdvertisement\n\nSecond para.\r\n\r\nThird."
    result = clean(raw)
    assert result.text == "Headline\n\nFirst para line one\nline two\n\nSecond para.\n\nThird."
    assert_offsets(raw, result)


def test_removed_line_between_lines_keeps_single_newline() -> None:
    raw = "One.\nAdvertisement\nTwo."
    result = clean(raw)
    assert result.text == "One.\nTwo."
    assert result.removed == ((5, 18, "boilerplate"),)


def test_empty_and_whitespace_text() -> None:
    assert clean("").text == ""
    assert clean("  \n\n \t").text == ""
    assert clean("  \n\n \t").segments == ()


def test_indentation_is_trimmed_and_mapped() -> None:
    raw = "   Indented headline   \n\n\tTabbed paragraph.  "
    result = clean(raw)
    assert result.text == "Indented headline\n\nTabbed paragraph."
    assert result.to_raw(result.text.index("Tabbed") + 1) == raw.index("Tabbed") + 1


_LINES = st.sampled_from(
    [
        "Advertisement",
        "By Jane Doe",
        "Share on X",
        "Officials met in Vienna (Jo Bloggs/AFP via Getty Images)",
        "Officials met in Vienna (Jo Bloggs/AFP via Getty Images)",
        "Officials met in Vienna",
        "The army said it \u2018repelled\u2019 an attack.",
        "The army said it 'repelled' an attack.",
        "",
        "   ",
        "\u00a9 2025 Example",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=12),
    endings=st.sampled_from(["\n", "\r\n", "\n\n"]),
)
def test_offsets_property(lines: list[str], endings: str) -> None:
    raw = endings.join(lines)
    result = clean(raw)
    assert_offsets(raw, result)
    # Nothing kept is also reported as removed.
    kept = set()
    for _, raw_start, length in result.segments:
        kept.update(range(raw_start, raw_start + length))
    for start, end, _ in result.removed:
        assert not kept & set(range(start, end))
