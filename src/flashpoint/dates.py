"""Event dates from news text, resolved against the publication date.

News rarely states full dates: it says "on Wednesday", "last week", "March 31".  These are
only meaningful relative to when the story was published, so every resolver here takes the
publication date and returns a :class:`~flashpoint.models.DateInfo` that keeps the phrase it
came from and its precision, so users can see (and discount) how a date was obtained.

Rules (documented here because downstream counts depend on them):

* Precision is ``day``, ``week``, ``month`` or ``year``.  A date of coarser precision is
  snapped to the start of its period: week -> the Monday of that (ISO) week, month -> the 1st,
  year -> January 1st.  So "this week" in a story published Thursday 2025-04-17 is 2025-04-14.
* A weekday names the most recent such day *on or before* publication: "on Thursday" in a story
  published on a Thursday is that same day.  "last Monday" is strictly before it.
* "overnight", "today", "tonight", "this morning" are the publication day; "yesterday" and
  "last night" the day before.
* No event is dated after its publication: "tomorrow", "next week" and dates announced as
  plans are clamped to the publication date, keeping their precision and phrase (an announced
  plan is an event of the day it was announced).
* A month and day without a year take the year that puts them most recently on or before
  publication (allowing a week ahead, for plans that are then clamped); a weekday given with
  it ("Wednesday (April 16)") picks the year whose calendar agrees.
* A statement frame ("In a statement released on Wednesday, X said ...", "Speaking on March
  31, ...", "X told reporters on Tuesday") dates the statement; another date phrase in the same
  sentence dates the reported event.  :func:`resolve_sentence_dates` exposes both.
* When a sentence has no date phrase it inherits one from the previous two sentences of
  ``context`` (the caller passes only the same paragraph), else it falls back to the
  publication date with ``phrase=None`` -- the missing phrase is what tells the fallback apart.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from flashpoint.models import DateInfo

logger = logging.getLogger(__name__)

__all__ = [
    "REPORT_TRIGGERS",
    "Phrase",
    "SentenceDates",
    "agreeing_years",
    "find_phrases",
    "is_statement_frame",
    "find_date_phrases",
    "infer_publication_date",
    "resolve_event_date",
    "resolve_sentence_dates",
]

YEAR_SEARCH_SPAN = 10
"""How many years back from the reference year the weekday-agreement search looks."""

FUTURE_SLACK_DAYS = 7
"""A year-less month-day up to this many days after publication stays in the publication year
(a near plan, then clamped); further ahead it is taken to be last year's."""

CONTEXT_LOOKBACK = 2
"""How many previous sentences of the paragraph a dateless sentence may inherit from."""

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "few": 3,
    "several": 3, "a couple of": 2,
}  # fmt: skip

# Month and weekday names are matched case-sensitively: "march" and "may" are common words.
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_MON_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_YEAR = r"(?:19|20)\d\d"
_NUM = r"(?i:a\s+couple\s+of|a\s+few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|\d{1,2})"

# (kind, pattern); overlapping matches are resolved longest-first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")),
    (
        "md",
        re.compile(
            rf"\b(?:(?P<wd>{_WD})(?:\s*,\s*|\s+\(\s*|\s+))?(?P<mon>{_MON})\s+(?P<d>[0-3]?\d)"
            rf"(?:st|nd|rd|th)?\b(?:\s*\))?(?:,?\s+(?P<y>{_YEAR})\b)?"
        ),
    ),
    (
        "dm",
        re.compile(
            rf"\b(?:(?P<wd>{_WD}),?\s+)?(?:the\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<mon>{_MON})(?![a-z])(?:,?\s+(?P<y>{_YEAR})\b)?"
        ),
    ),
    (
        "month_year",
        re.compile(rf"\b(?:(?i:early|mid|late)[-\s]+)?(?P<mon>{_MON})(?:\s+of)?,?\s+(?P<y>{_YEAR})\b"),
    ),
    (
        "month",
        re.compile(
            r"\b(?P<rel>(?i:in\s+early|in\s+mid|in\s+late|earlier\s+in|later\s+in|in|since|during|"
            r"until|through|from|by|last|this|next|early|mid|late))[-\s]+"
            rf"(?:(?i:early|mid|late)[-\s]+)?(?P<mon>{_MON_FULL})(?![\w])"
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?P<rel>(?i:in|since|during|until|through|throughout|by|from|early|late|mid|of|"
            rf"before|after))[-\s]+(?P<y>{_YEAR})\b(?![-–/]\d)"
        ),
    ),
    (
        "relday",
        re.compile(
            r"\b(?:(?i:early|late|earlier|later)\s+)?(?P<rel>(?i:yesterday|today|tonight|tomorrow|"
            r"last\s+night|overnight|this\s+(?:morning|afternoon|evening)))\b"
        ),
    ),
    (
        "ago",
        re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>(?i:days?|weeks?|months?|years?))\s+(?i:ago)\b"),
    ),
    (
        "period",
        re.compile(
            r"\b(?P<rel>(?i:earlier\s+this|later\s+this|early\s+this|late\s+this|this\s+past|"
            r"earlier\s+last|late\s+last|early\s+last|the\s+past|the\s+previous|past|previous|"
            r"this|last|next))\s+(?P<unit>(?i:week|month|year|weekend))\b"
        ),
    ),
    ("weekend", re.compile(r"\b(?i:over|during|at)\s+the\s+(?P<unit>(?i:weekend))\b")),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<rel>(?i:last|this\s+past|this|next|early|late|earlier|later))\s+)?"
            rf"(?P<wd>{_WD})(?:\s+(?i:morning|afternoon|evening|night))?\b"
        ),
    ),
]

_REPORT_CUE = re.compile(
    r"\b(?i:said|says|say|stated|states|announced|announces|told|statement|remarks|interview|"
    r"briefing|conference|speaking|spoke|speech|address|declared|added|noted|wrote|tweeted|"
    r"commenting|comments|reported|confirmed)\b"
)
_GAP_WORDS = frozenset({
    "on", "late", "early", "in", "at", "a", "an", "the", "its", "his", "her", "their", "released",
    "issued", "published", "posted", "made", "given", "delivered", "held", "televised", "reporters",
    "journalists", "media", "press", "news", "conference", "briefing", "interview", "to", "with", "by",
    "him", "them", "us", "it", "me", "during", "after", "before",
})  # fmt: skip
_AFTER_DIRECT = re.compile(
    r"^\s*(?i:said|says|stated|announced|told|declared|added|noted|confirmed|reported)\b"
)
_AFTER_COMMA = re.compile(
    r"^\s*,\s*(?:[^\s,;“”\"]+\s+){0,8}?(?i:said|says|stated|announced|told|declared|added|noted|"
    r"confirmed|reported)\b"
)
_CLAUSE_START = re.compile(r"(?:^|[;:.]\s*)(?i:(?:early|late)\s+)?(?i:on|in|at|by)?\s*$")
_FUTURE_CUE = re.compile(
    r"\b(?i:will|'ll|’ll|shall|(?:is|are|was|were)\s+(?:due|scheduled|set|expected|slated)\s+to|"
    r"plans?\s+to|planned\s+for|scheduled\s+for|set\s+for)\b"
)
HEAD_CHARS = 200
"""How far into a story a dateline or byline date is looked for."""
_DATELINE = re.compile(
    rf"^[ \t]*[A-Z][A-Za-z.'’ -]{{1,40}}(?:,[ \t]*[A-Z][A-Za-z.'’ -]{{1,30}})?,[ \t]*"
    rf"(?P<mon>{_MON})[ \t]+(?P<d>[0-3]?\d)\b[ \t]*(?:\(|[—–-])",
    re.MULTILINE,
)
_NARRATIVE_BEFORE = re.compile(r"\b(?i:on|since|in|until|by|from|before|after)\s+$")
_ANY_YEAR = re.compile(r"(?<![\d,.$])\b((?:19|20)\d\d)\b(?![,.]?\d)")
"""A year written anywhere ("the 2019 summit"): a cue to the publication year, not an event date."""
_WORD = re.compile(r"[\w’'-]+")

REPORT_TRIGGERS = frozenset({
    "said", "says", "say", "stated", "statement", "statements", "announced", "announces",
    "announcement", "told", "speaking", "spoke", "remarks", "declared", "added", "noted", "mentioned",
    "claimed", "warned", "warns", "warning", "accused", "accuses", "threatened", "condemned",
    "criticized", "criticised", "praised", "denied", "urged", "called", "demanded", "vowed", "pledged",
    "promised", "rejected", "blamed", "insisted", "stressed", "argued", "described",
})  # fmt: skip
"""Trigger words of speech-act events: such an event is dated by its statement frame."""


@dataclass(frozen=True)
class Phrase:
    """A date expression found in text: its span, kind and the pieces the regex captured."""

    start: int
    end: int
    text: str
    kind: str
    parts: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class SentenceDates:
    """The two dates a reporting sentence can carry: when it was said and when it happened.

    ``event`` is None when the sentence gives only one (statement) date; ``statement`` is None
    when no statement frame is dated.
    """

    statement: DateInfo | None = None
    event: DateInfo | None = None


def find_phrases(text: str) -> list[Phrase]:
    """All non-overlapping date expressions of ``text``, longest match first, in text order."""
    found: list[Phrase] = []
    lowered = text.lower()
    has_digit = _DIGIT.search(text) is not None
    has_month = _MONTH_NAME.search(text) is not None
    for kind, pattern in _PATTERNS:
        if not _worth_trying(kind, lowered, has_digit, has_month):
            continue
        for m in pattern.finditer(text):
            parts = {k: v for k, v in m.groupdict().items() if v is not None}
            found.append(Phrase(m.start(), m.end(), m.group(0), kind, parts))
    found = [p for p in found if _is_valid(p)]
    found.sort(key=lambda p: (p.start - p.end, p.start))
    kept: list[Phrase] = []
    for p in found:
        if all(p.end <= k.start or p.start >= k.end for k in kept):
            kept.append(p)
    kept.sort(key=lambda p: p.start)
    return kept


_DIGIT = re.compile(r"\d")
_MONTH_NAME = re.compile(_MON)
_KEYWORDS = {
    "relday": ("yesterday", "today", "tonight", "tomorrow", "night", "morning", "afternoon", "evening"),
    "ago": ("ago",),
    "period": ("week", "month", "year"),
    "weekend": ("weekend",),
    "weekday": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
}


def _worth_trying(kind: str, lowered: str, has_digit: bool, has_month: bool) -> bool:
    """Cheap substring checks that skip patterns which cannot match: keeps resolution fast."""
    if kind in ("iso", "year"):
        return has_digit
    if kind in ("md", "dm", "month_year"):
        return has_digit and has_month
    if kind == "month":
        return has_month
    return any(word in lowered for word in _KEYWORDS[kind])


def find_date_phrases(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, phrase)`` of the date expressions of ``text`` (for evidence and UI)."""
    return [(p.start, p.end, p.text) for p in find_phrases(text)]


def _is_valid(p: Phrase) -> bool:
    """Drop matches that are not calendar dates (day 0 or 32, February 30)."""
    if "d" not in p.parts:
        return True
    month = int(p.parts["m"]) if "m" in p.parts else _month(p.parts["mon"])
    day = int(p.parts["d"])
    try:
        date(2000 if "y" not in p.parts else int(p.parts["y"]), month, day)  # 2000 is a leap year
    except ValueError:
        return False
    return True


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months after ``d``'s month."""
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _snap(d: date, precision: str) -> date:
    if precision == "week":
        return _week_start(d)
    if precision == "month":
        return d.replace(day=1)
    if precision == "year":
        return date(d.year, 1, 1)
    return d


def agreeing_years(month: int, day: int, weekday: int, reference: date) -> list[int]:
    """Years (most recent first, none after ``reference``) in which month/day fell on ``weekday``.

    Searches back :data:`YEAR_SEARCH_SPAN` years: "Wednesday (April 16)" fits 2025 (and 2014,
    2031, ... outside a ten-year window from 2026).
    """
    years = []
    for year in range(reference.year, reference.year - YEAR_SEARCH_SPAN - 1, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d.weekday() == weekday and d <= reference:
            years.append(year)
    return years


def _month_day_year(month: int, day: int, weekday: int | None, published: date) -> date | None:
    """The year for a year-less month/day: latest fit on or before publication (+ slack)."""
    candidates = []
    for year in (published.year + 1, published.year, published.year - 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if weekday is not None:
        agreeing = [d for d in candidates if d.weekday() == weekday]
        candidates = agreeing or candidates
    limit = published + timedelta(days=FUTURE_SLACK_DAYS)
    past = [d for d in candidates if d <= limit]
    if past:
        return max(past)
    return min(candidates) if candidates else None


def _resolve(phrase: Phrase, published: date | None) -> tuple[date | None, str, bool]:
    """Resolve one phrase to (unclamped date, precision, year_inferred)."""
    parts = phrase.parts
    kind = phrase.kind
    if kind == "iso":
        return date(int(parts["y"]), int(parts["m"]), int(parts["d"])), "day", False
    if kind in ("md", "dm"):
        month, day = _month(parts["mon"]), int(parts["d"])
        if "y" in parts:
            return date(int(parts["y"]), month, day), "day", False
        weekday = _WEEKDAYS[parts["wd"].lower()] if "wd" in parts else None
        if published is not None:
            return _month_day_year(month, day, weekday, published), "day", False
        if weekday is not None:
            years = agreeing_years(month, day, weekday, date.today())
            if years:
                return date(years[0], month, day), "day", True
        return None, "day", False
    if kind == "month_year":
        return date(int(parts["y"]), _month(parts["mon"]), 1), "month", False
    if kind == "year":
        return date(int(parts["y"]), 1, 1), "year", False
    if published is None:
        return None, _RELATIVE_PRECISION.get(kind, "day"), False
    if kind == "month":
        month = _month(parts["mon"])
        rel = parts["rel"].lower()
        if rel == "next":
            year = published.year if month > published.month else published.year + 1
        elif rel == "last":
            year = published.year if month < published.month else published.year - 1
        else:
            year = published.year if month <= published.month else published.year - 1
        return date(year, month, 1), "month", False
    if kind == "relday":
        rel = " ".join(parts["rel"].lower().split())
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(rel, 0)
        return published + timedelta(days=offset), "day", False
    if kind == "ago":
        n = _NUMBERS.get(" ".join(parts["n"].lower().split()))
        n = n if n is not None else int(parts["n"])
        vague = not parts["n"].strip().isdigit() and parts["n"].lower() in ("few", "several", "a few")
        unit = parts["unit"].lower().rstrip("s")
        if unit == "day":
            return published - timedelta(days=n), "week" if vague else "day", False
        if unit == "week":
            return published - timedelta(weeks=n), "month" if vague else "week", False
        if unit == "month":
            return _add_months(published, -n), "year" if vague else "month", False
        return date(published.year - n, 1, 1), "year", False
    if kind in ("period", "weekend"):
        rel = " ".join(parts.get("rel", "this").lower().split())
        step = 1 if rel == "next" else -1 if ("last" in rel or "previous" in rel) else 0
        unit = parts["unit"].lower()
        if unit == "weekend":
            saturday = published - timedelta(days=(published.weekday() - 5) % 7)
            return saturday + timedelta(weeks=step), "week", False
        if unit == "week":
            return _week_start(published) + timedelta(weeks=step), "week", False
        if unit == "month":
            return _add_months(published, step), "month", False
        return date(published.year + step, 1, 1), "year", False
    if kind == "weekday":
        weekday = _WEEKDAYS[parts["wd"].lower()]
        rel = " ".join(parts.get("rel", "").lower().split())
        if rel == "next":
            return published + timedelta(days=(weekday - published.weekday()) % 7 or 7), "day", False
        back = (published.weekday() - weekday) % 7
        if rel == "last" and back == 0:
            back = 7
        return published - timedelta(days=back), "day", False
    raise AssertionError(f"unhandled date phrase kind {kind}")  # pragma: no cover


_RELATIVE_PRECISION = {"period": "week", "weekend": "week", "month": "month"}


def _date_info(phrase: Phrase, sentence: str, published: date | None, inferred: bool) -> DateInfo:
    """Resolve ``phrase`` within ``sentence``: snap to precision, clamp to publication."""
    when, precision, year_inferred = _resolve(phrase, published)
    if when is not None:
        when = _snap(when, precision)
        if published is not None:
            window = sentence[max(0, phrase.start - 60) : phrase.start]
            if _FUTURE_CUE.search(window) and phrase.kind == "weekday":
                when = published  # "will meet on Friday": an announced plan, dated when announced
            if when > published:
                when = published
    return DateInfo(date=when, precision=precision, phrase=phrase.text, inferred=inferred or year_inferred)


def _in_quote(sentence: str, pos: int) -> bool:
    before = sentence[:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def is_statement_frame(sentence: str, phrase: Phrase) -> bool:
    """True when ``phrase`` dates the act of saying rather than what was said.

    "In a statement released on Wednesday", "Speaking on March 31", "told reporters on
    Tuesday", "On Monday, the ministry said", "X on Friday said".
    """
    if _in_quote(sentence, phrase.start):
        return False
    before = sentence[max(0, phrase.start - 60) : phrase.start]
    cues = list(_REPORT_CUE.finditer(before))
    if cues:
        gap = before[cues[-1].end() :]
        words = _WORD.findall(gap)
        if (
            len(words) <= 6
            and not any(q in gap for q in '“”"')
            and all(w.lower() in _GAP_WORDS for w in words)
        ):
            return True
    after = sentence[phrase.end : phrase.end + 80]
    if _AFTER_DIRECT.match(after):
        return True
    return bool(_AFTER_COMMA.match(after) and _CLAUSE_START.search(sentence[: phrase.start]))


@lru_cache(maxsize=2048)
def _split(sentence: str) -> tuple[tuple[Phrase, ...], tuple[Phrase, ...]]:
    """The sentence's date phrases as (statement-frame phrases, event phrases).

    Cached: every event of a sentence asks, and so do the next sentences' dateless events."""
    statement: list[Phrase] = []
    event: list[Phrase] = []
    for p in find_phrases(sentence):
        (statement if is_statement_frame(sentence, p) else event).append(p)
    return tuple(statement), tuple(event)


_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|but|while|whereas)\b")


def _nearest(phrases: Sequence[Phrase], trigger: int | None, sentence: str = "") -> Phrase:
    """The phrase closest to the trigger, counting a clause break between them as far away.

    "ambushed a patrol on Monday and clashed with police on Wednesday": the clash is
    Wednesday's even though "Monday" is nearer in characters.
    """
    if trigger is None:
        return phrases[0]

    def cost(p: Phrase) -> int:
        if p.start <= trigger < p.end:
            return 0
        lo, hi = (p.end, trigger) if p.end <= trigger else (trigger, p.start)
        return hi - lo + (1000 if _CLAUSE_BREAK.search(sentence, lo, hi) else 0)

    return min(phrases, key=cost)


def _fallback(published: date | None, inferred: bool) -> DateInfo:
    return DateInfo(date=published, precision="day" if published else None, phrase=None, inferred=inferred)


def resolve_sentence_dates(
    sentence: str, published: date | None, *, inferred: bool = False, trigger: int | None = None
) -> SentenceDates:
    """Both dates of a sentence: its statement frame's and the reported event's (each or None)."""
    statement, event = _split(sentence)
    return SentenceDates(
        statement=_date_info(_nearest(statement, trigger, sentence), sentence, published, inferred)
        if statement
        else None,
        event=_date_info(_nearest(event, trigger, sentence), sentence, published, inferred)
        if event
        else None,
    )


def _trigger_word(sentence: str, trigger: int | None) -> str | None:
    if trigger is None or not 0 <= trigger < len(sentence):
        return None
    m = _WORD.match(sentence, trigger)
    return m.group(0).lower() if m else None


def resolve_event_date(
    sentence: str,
    published: date | None,
    *,
    context: Sequence[str] = (),
    trigger: int | None = None,
    inferred: bool = False,
) -> DateInfo:
    """The date of the event whose trigger is at char offset ``trigger`` of ``sentence``.

    Prefers the date phrase nearest the trigger, except that a speech-act trigger ("said",
    "warned") takes the statement frame's date and other triggers take a non-statement date
    when the sentence has one.  A dateless sentence inherits from the last
    :data:`CONTEXT_LOOKBACK` sentences of ``context`` (newest last, same paragraph only); else
    the publication date is returned with ``phrase=None``.  ``inferred`` marks a publication
    date that was itself inferred; it is carried into the result.
    """
    statement, event = _split(sentence)
    speech = _trigger_word(sentence, trigger) in REPORT_TRIGGERS
    if statement and (speech or not event):
        chosen = _nearest(statement, trigger, sentence)
    elif event:
        chosen = _nearest(event, trigger, sentence)
    else:
        for previous in list(context)[-CONTEXT_LOOKBACK:][::-1]:
            s_prev, e_prev = _split(previous)
            if e_prev or s_prev:
                return _date_info((e_prev or s_prev)[0], previous, published, inferred)
        return _fallback(published, inferred)
    return _date_info(chosen, sentence, published, inferred)


def infer_publication_date(
    text: str, title: str | None = None, *, today: date | None = None
) -> tuple[date | None, str | None]:
    """Estimate a story's publication date from its text when no metadata gives it.

    Returns ``(date, how)`` with ``how`` one of ``"dateline"`` (a full date at the head of the
    story that is not narrative -- "Published April 17, 2025", not "On Feb. 24, 2022, ..." --
    or a wire dateline "SEOUL, April 17 (Reuters) -"), ``"weekday-agreement"`` (the year whose calendar matches "Wednesday (April 16)"),
    ``"explicit-year"`` (a year written in the text), ``"latest-date"`` (the reference year),
    or ``(None, None)``.  The estimate is the latest day-precision date the text states (a story
    reports the past), never later than ``today`` (default: :func:`date.today`).
    """
    today = today or date.today()
    head = f"{title or ''}\n{text[:HEAD_CHARS]}"
    for p in find_phrases(head):
        if (
            p.kind in ("iso", "md", "dm")
            and "y" in p.parts
            and not _NARRATIVE_BEFORE.search(head, 0, p.start)
        ):
            when, _, _ = _resolve(p, None)
            if when is not None and when <= today:
                return when, "dateline"
    dateline = _DATELINE.search(text[:HEAD_CHARS])
    phrases = find_phrases(f"{title or ''}\n{text}")
    full: list[date] = []
    month_days: list[tuple[int, int, int | None]] = []
    years: list[int] = []
    for p in phrases:
        if p.kind in ("iso", "md", "dm"):
            if "y" in p.parts:
                when, _, _ = _resolve(p, None)
                if when is not None and when <= today:
                    full.append(when)
                    years.append(when.year)
            else:
                weekday = _WEEKDAYS[p.parts["wd"].lower()] if "wd" in p.parts else None
                month_days.append((_month(p.parts["mon"]), int(p.parts["d"]), weekday))
        elif p.kind in ("month_year", "year") and int(p.parts["y"]) <= today.year:
            years.append(int(p.parts["y"]))
    years += [int(y) for y in _ANY_YEAR.findall(f"{title or ''}\n{text}") if int(y) <= today.year]
    year, how = _publication_year(month_days, years, today)
    if dateline is not None:  # "SEOUL, April 17 (Reuters) -": the story's own date
        month, day = _month(dateline.group("mon")), int(dateline.group("d"))
        for candidate in ([year] if year is not None else []) + [today.year, today.year - 1]:
            if _fits(candidate, month, day, today):
                return date(candidate, month, day), "dateline"
    if year is None:
        if full:
            return max(full), "explicit-year"
        return None, None
    stated = [d for d in full if d.year == year]
    for month, day, _ in month_days:
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if when > today:
            try:
                when = date(year - 1, month, day)
            except ValueError:
                continue
        stated.append(when)
    if not stated:
        return (max(full), "explicit-year") if full else (None, None)
    return max(stated), how


def _publication_year(
    month_days: list[tuple[int, int, int | None]], years: list[int], today: date
) -> tuple[int | None, str | None]:
    """Pick the publication year: weekday agreement, else the latest written year, else today's.

    Among years whose calendar agrees with the text's weekday-dates, one that the text also
    writes out wins; otherwise the most recent.
    """
    votes: dict[int, int] = {}
    for month, day, weekday in month_days:
        if weekday is None:
            continue
        for year in agreeing_years(month, day, weekday, today):
            votes[year] = votes.get(year, 0) + 1
    if votes:
        # a year the text also writes out ("in 2019") beats a more recent calendar coincidence
        stated = {y: n for y, n in votes.items() if y in years}
        pool = stated or votes
        best = max(pool.values())
        return max(y for y, n in pool.items() if n == best), "weekday-agreement"
    if not month_days:
        return None, None
    if years:
        return max(years), "explicit-year"
    latest_fit = [
        y for y in (today.year, today.year - 1) if any(_fits(y, m, d, today) for m, d, _ in month_days)
    ]
    return (latest_fit[0] if latest_fit else today.year - 1), "latest-date"


def _fits(year: int, month: int, day: int, today: date) -> bool:
    try:
        return date(year, month, day) <= today
    except ValueError:
        return False
