"""Tests for flashpoint.dates: table-driven cases plus the reference article."""

from __future__ import annotations

import csv
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.dates import (
    SentenceDates,
    agreeing_years,
    find_date_phrases,
    infer_publication_date,
    resolve_event_date,
    resolve_sentence_dates,
)
from flashpoint.models import DateInfo

CASES = Path(__file__).parent / "cases" / "dates.csv"


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = _rows()


def test_case_table_is_large_and_well_formed() -> None:
    assert len(ROWS) >= 100
    seen = set()
    for row in ROWS:
        key = (row["published"], row["sentence"], row["trigger"], row["context"])
        assert key not in seen, f"duplicate case {key}"
        seen.add(key)
        assert row["precision"] in ("", "day", "week", "month", "year")
        for col in ("published", "date"):
            if row[col]:
                date.fromisoformat(row[col])
        if row["trigger"]:
            assert row["trigger"] in row["sentence"]


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}:{r['sentence'][:40]}" for i, r in enumerate(ROWS)])
def test_resolve_event_date_cases(row: dict[str, str]) -> None:
    published = date.fromisoformat(row["published"]) if row["published"] else None
    trigger = row["sentence"].index(row["trigger"]) if row["trigger"] else None
    context = row["context"].split("|") if row["context"] else ()
    got = resolve_event_date(row["sentence"], published, context=context, trigger=trigger)
    expected = DateInfo(
        date=date.fromisoformat(row["date"]) if row["date"] else None,
        precision=row["precision"] or None,
        phrase=row["phrase"] or None,
        inferred=row["inferred"] == "true",
    )
    assert got == expected


def test_precision_snaps_to_period_start() -> None:
    for row in ROWS:
        if not row["date"]:
            continue
        d = date.fromisoformat(row["date"])
        published = date.fromisoformat(row["published"]) if row["published"] else None
        if d == published:
            continue  # clamped future dates keep the publication date
        if row["precision"] == "week":
            assert d.weekday() == 0, row
        elif row["precision"] == "month":
            assert d.day == 1, row
        elif row["precision"] == "year":
            assert (d.month, d.day) == (1, 1), row


def test_no_event_date_after_publication() -> None:
    published = date(2025, 4, 17)
    for text in (
        "tomorrow",
        "next week",
        "next month",
        "next year",
        "next Tuesday",
        "on April 30",
        "by 2031",
    ):
        got = resolve_event_date(f"The summit will be held {text}.", published)
        assert got.date is not None and got.date <= published, text
        assert got.phrase is not None


def test_statement_and_event_dates_are_both_exposed() -> None:
    sent = "In a statement released on Wednesday, X said the attack on Monday killed 12 people."
    both = resolve_sentence_dates(sent, date(2025, 4, 17))
    assert both == SentenceDates(
        statement=DateInfo(date(2025, 4, 16), "day", "Wednesday"),
        event=DateInfo(date(2025, 4, 14), "day", "Monday"),
    )
    only = resolve_sentence_dates("Speaking on March 31, she said talks went well.", date(2025, 4, 17))
    assert only.event is None and only.statement == DateInfo(date(2025, 3, 31), "day", "March 31")


def test_dates_inside_quotes_are_not_statement_frames() -> None:
    sent = "He said, “we were told on Monday to leave.”"
    assert resolve_sentence_dates(sent, date(2025, 4, 17)).statement is None


def test_find_date_phrases_spans() -> None:
    text = "On Wednesday (April 16), officials said the raid last week and the vote in 2019 mattered."
    spans = find_date_phrases(text)
    assert [p for _, _, p in spans] == ["Wednesday (April 16)", "last week", "in 2019"]
    for start, end, phrase in spans:
        assert text[start:end] == phrase


def test_agreeing_years() -> None:
    assert agreeing_years(4, 16, 2, date(2026, 11, 25)) == [2025]
    assert agreeing_years(4, 16, 2, date(2031, 12, 31)) == [2031, 2025]
    assert agreeing_years(2, 29, 3, date(2026, 1, 1)) == [2024]  # leap day on a Thursday
    assert agreeing_years(4, 16, 2, date(2025, 4, 15)) == []  # never a future date; 2014 is too far


INFER_CASES = [
    # text, title, today, expected date, how
    (
        "Troops moved on Wednesday (April 16) after talks failed.",
        None,
        "2026-11-25",
        "2025-04-16",
        "weekday-agreement",
    ),
    ("The vote on Sunday, March 3, was peaceful.", None, "2026-11-25", "2024-03-03", "weekday-agreement"),
    ("SEOUL, April 17, 2025 - North Korea fired a missile.", None, "2026-11-25", "2025-04-17", "dateline"),
    ("Rebels struck on Tuesday.", "Published 2024-06-04", "2026-11-25", "2024-06-04", "dateline"),
    (
        "Talks began in 2023. Fighting resumed on March 3 and on March 9.",
        None,
        "2026-11-25",
        "2023-03-09",
        "explicit-year",
    ),
    ("Fighting resumed on March 3 and on March 9.", None, "2026-11-25", "2026-03-09", "latest-date"),
    ("Fighting resumed on December 3.", None, "2026-11-25", "2025-12-03", "latest-date"),
    ("Nothing dated here at all.", None, "2026-11-25", None, None),
    (
        "SEOUL, April 17 (Reuters) - A missile was fired on Wednesday (April 16).",
        None,
        "2026-11-25",
        "2025-04-17",
        "dateline",
    ),
    ("WASHINGTON, Nov. 3 — The 2020 vote was close.", None, "2026-11-25", "2020-11-03", "dateline"),
    (
        "On Feb. 24, 2022, Russia invaded. Talks on March 3 and March 9 failed in 2025.",
        None,
        "2026-11-25",
        "2025-03-09",
        "explicit-year",
    ),
    ("Published April 17, 2025. Troops moved.", None, "2026-11-25", "2025-04-17", "dateline"),
    ("Troops moved on April 3, 2031.", None, "2026-11-25", None, None),
]


@pytest.mark.parametrize(("text", "title", "today", "expected", "how"), INFER_CASES)
def test_infer_publication_date(
    text: str, title: str | None, today: str, expected: str | None, how: str | None
) -> None:
    got = infer_publication_date(text, title, today=date.fromisoformat(today))
    assert got == ((date.fromisoformat(expected) if expected else None), how)


def _paragraph_of(text: str, needle: str) -> str:
    return next(p for p in text.split("\n") if needle in p)


def test_reference_article_with_publication_date(seed_text: str) -> None:
    published = date(2025, 4, 17)
    statement = _paragraph_of(seed_text, "In a statement released")
    got = resolve_event_date(statement, published, trigger=statement.index("said"))
    assert got == DateInfo(date(2025, 4, 16), "day", "Wednesday (April 16)")
    trump = _paragraph_of(seed_text, "Speaking on March 31")
    for verb in ("stated", "mentioned"):
        got = resolve_event_date(trump, published, trigger=trump.index(verb))
        assert (got.date, got.precision) == (date(2025, 3, 31), "day")
    exercise = _paragraph_of(seed_text, "joint training exercise this week").split(". ")[0]
    got = resolve_event_date(exercise, published, trigger=exercise.index("flew"))
    # week precision: the Monday of the publication week
    assert got == DateInfo(date(2025, 4, 14), "week", "this week")


def test_reference_article_without_publication_date(seed_text: str) -> None:
    published, how = infer_publication_date(seed_text, today=date(2026, 11, 25))
    assert (published, how) == (date(2025, 4, 16), "weekday-agreement")
    statement = _paragraph_of(seed_text, "In a statement released")
    got = resolve_event_date(statement, published, trigger=statement.index("said"), inferred=True)
    assert got == DateInfo(date(2025, 4, 16), "day", "Wednesday (April 16)", inferred=True)
    trump = _paragraph_of(seed_text, "Speaking on March 31")
    assert resolve_event_date(trump, published, inferred=True).date == date(2025, 3, 31)
    # Without any publication date the weekday alone still fixes the year, marked as inferred.
    alone = resolve_event_date(statement, None)
    assert alone.date == date(2025, 4, 16) and alone.inferred


def test_resolution_is_fast() -> None:
    sentences = [row["sentence"] for row in ROWS] * 50
    published = date(2025, 4, 17)
    start = time.process_time()
    for sent in sentences:
        resolve_event_date(sent, published, trigger=5)
    rate = len(sentences) / (time.process_time() - start)
    assert rate > 2500, f"{rate:.0f} sentences/s"  # ~7-16k/s on an idle core; CI machines are shared


# --- properties -----------------------------------------------------------------------------


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
PUBLISHED = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(published=PUBLISHED, weekday=st.integers(0, 6))
def test_weekday_is_the_latest_such_day_not_after_publication(published: date, weekday: int) -> None:
    got = resolve_event_date(f"Troops withdrew on {WEEKDAY_NAMES[weekday]}.", published)
    assert got.date is not None and got.date.weekday() == weekday
    assert 0 <= (published - got.date).days <= 6


@settings(max_examples=300, deadline=None)
@given(published=PUBLISHED, month=st.integers(1, 12), day=st.integers(1, 28))
def test_month_day_is_never_after_publication_and_within_a_year(
    published: date, month: int, day: int
) -> None:
    got = resolve_event_date(f"The talks collapsed on {MONTH_NAMES[month - 1]} {day}.", published)
    assert got.date is not None and got.date <= published
    assert published - got.date < timedelta(days=366)
    if got.date != published:
        assert (got.date.month, got.date.day) == (month, day)


@settings(max_examples=200, deadline=None)
@given(when=st.dates(min_value=date(2017, 1, 1), max_value=date(2026, 11, 25)))
def test_weekday_agreement_recovers_the_year(when: date) -> None:
    """A story stating "Wednesday (April 16)" alone gets the most recent fitting year."""
    text = (
        f"The vote took place on {WEEKDAY_NAMES[when.weekday()]} ({MONTH_NAMES[when.month - 1]} {when.day})."
    )
    got, how = infer_publication_date(text, today=date(2026, 11, 25))
    assert how == "weekday-agreement" and got is not None
    assert (got.month, got.day, got.weekday()) == (when.month, when.day, when.weekday())
    assert got.year >= when.year  # the same calendar recurs; never an older year than the true one


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), published=st.one_of(st.none(), PUBLISHED), trigger=st.integers(-5, 250))
def test_never_raises_and_never_dates_after_publication(
    text: str, published: date | None, trigger: int
) -> None:
    got = resolve_event_date(text, published, trigger=trigger, context=[text[:50]])
    if published is not None and got.date is not None:
        assert got.date <= published
    assert got.precision in (None, "day", "week", "month", "year")
    infer_publication_date(text, text[:20], today=date(2026, 1, 1))
    for start, end, phrase in find_date_phrases(text):
        assert text[start:end] == phrase
