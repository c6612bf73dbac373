"""Publication dates: parsing metadata values and reading datelines.

Relative expressions in a story ("on Tuesday") can only be resolved against the day the
story was published, so every reader tries hard to find that day: a field of the input,
the HTML metadata, the feed entry, the WARC capture date, or, as a last resort, the
dateline that wire copy puts at the start of the first paragraph ("SEOUL, April 17
(Reuters) -").  ``dateline_date`` is public so that the date resolver can reuse it.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)

MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_MONTH = r"(?P<month>(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r"))\.?"
_DASH = r"\s*(?:-{1,2}|\u2013|\u2014|:)"
_AGENCY = r"(?:\s*\([A-Za-z][\w .&/-]{0,40}\))?"
_PLACE = r"(?!(?:By|On|In|At|As|Since|Until|From|Before|After|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][A-Za-z\u00c0-\u017f.'\u2019-]*(?:[ -][A-Z][A-Za-z\u00c0-\u017f.'\u2019-]*){0,4}"
_PLACE_PART = rf"{_PLACE}(?:,\s*{_PLACE})?"

# "SEOUL, April 17 (Reuters) -", "KYIV, Ukraine, Jan. 5, 2024 (AP) --"
_PLACE_MONTH_DAY = re.compile(
    rf"^(?:{_PLACE_PART}),?\s+{_MONTH}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?{_AGENCY}{_DASH}"
)
# "LONDON, 17 April (Reuters) -", "Geneva, 5 March 2025 -"
_PLACE_DAY_MONTH = re.compile(
    rf"^(?:{_PLACE_PART}),?\s+(?P<day>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?{_AGENCY}{_DASH}"
)
# "Jan. 5, 2024 -", "April 17 -"
_MONTH_DAY = re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?{_AGENCY}{_DASH}")
# "5 January 2024 -"
_DAY_MONTH = re.compile(rf"^(?P<day>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?{_AGENCY}{_DASH}")
# "2024-01-05 -"
_ISO = re.compile(rf"^(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}}){_DASH}")

_DATELINE_PATTERNS = (_ISO, _MONTH_DAY, _DAY_MONTH, _PLACE_MONTH_DAY, _PLACE_DAY_MONTH)
_LEADING_PARAGRAPHS = 3
"""Datelines open the story; the headline may come first, so look at a few paragraphs."""

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def parse_published(value: object) -> date | None:
    """Parse a publication date from a metadata value; None when absent or unreadable.

    Accepts ``date``/``datetime`` objects, ISO 8601 dates and datetimes (with ``Z`` or an
    offset, ``T`` or a space between date and time) and RFC 2822 dates as used by feeds and
    HTTP.  A datetime keeps the calendar day it states in its own time zone, because that is
    the day the newsroom's "today" refers to.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    match = _ISO_PREFIX.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    logger.debug("unreadable publication date %r", text)
    return None


def _paragraph_starts(text: str) -> list[str]:
    """The first lines of the first few non-empty paragraphs."""
    starts = []
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if line:
            starts.append(line)
            if len(starts) >= _LEADING_PARAGRAPHS:
                break
    return starts


def dateline_date(text: str, reference_year: int | None = None) -> date | None:
    """The date of a dateline at the start of the story, or None.

    Recognises "SEOUL, April 17 (Reuters) -", "LONDON, 17 April -", "Jan. 5, 2024 --",
    "2024-01-05 -" at the start of one of the first paragraphs.  A dateline without a year
    needs ``reference_year`` (the year of publication, or of the surrounding corpus); without
    one it yields None rather than guessing.  "WASHINGTON (AP) -" carries no date: None.
    """
    for start in _paragraph_starts(text):
        for pattern in _DATELINE_PATTERNS:
            match = pattern.match(start)
            if not match:
                continue
            month_text = match["month"]
            month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower().rstrip(".")]
            year = int(match["year"]) if match["year"] else reference_year
            if year is None:
                return None
            try:
                return date(year, month, int(match["day"]))
            except ValueError:
                return None
    return None
