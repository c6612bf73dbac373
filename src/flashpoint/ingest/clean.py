"""Offset-preserving cleaning of article text.

Pasted and scraped stories carry page furniture that the coder must not read as news:
photo captions printed twice, photo credits, bylines, "Advertisement", share buttons,
newsletter prompts, copyright lines.  Cleaning only *drops* raw characters and never
rewrites them, so the cleaned text is a concatenation of raw slices; ``CleanText.segments``
records them and every event's evidence span can be mapped back to the text the user gave.

What counts as furniture lives in a small maintained table, ``data/boilerplate.csv``
(name, reason, scope, pattern): ``line`` patterns must match a whole (stripped) line,
``inline`` patterns remove a span inside a line (a credit after a caption).  Patterns may
use ``{PERSON}``, a run of one to four capitalised name words, for bylines.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from flashpoint.errors import ConfigError
from flashpoint.ingest.fingerprint import normalize_text
from flashpoint.models import CleanText

logger = logging.getLogger(__name__)

REASONS = frozenset({"duplicate-line", "photo-credit", "byline", "boilerplate"})
SCOPES = frozenset({"line", "inline"})

_NAME = (
    r"(?!(?:And|The|Of|In|On|To|For|With|At|As|From|After|Over|Is|Are|Was|Will|Says?|Said)\b)"
    r"(?:[A-Z][\w.'\u2019-]*|(?:de|da|van|von|al|bin|le|la|del|der|di|du)\b)"
)
MACROS = {"{PERSON}": rf"{_NAME}(?:\s+{_NAME}){{0,3}}"}
"""Named sub-patterns the table may use, so that its rows stay readable."""

_LINE = re.compile(r"[^\n]*(?:\n|$)")


@dataclass(frozen=True)
class BoilerplateRule:
    """One row of the boilerplate table, compiled."""

    name: str
    reason: str
    scope: str
    pattern: re.Pattern[str]


def _expand(pattern: str) -> str:
    for macro, body in MACROS.items():
        pattern = pattern.replace(macro, body)
    return pattern


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    """Load and compile the packaged boilerplate table (once per process)."""
    path = resources.files("flashpoint.ingest") / "data" / "boilerplate.csv"
    rules = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:  # type: ignore[call-overload]  # typeshed lacks newline
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            name, reason, scope = row["name"], row["reason"], row["scope"]
            if name in seen or reason not in REASONS or scope not in SCOPES:
                raise ConfigError(f"boilerplate.csv:{row_number}: bad or duplicate rule {name!r}")
            seen.add(name)
            try:
                pattern = re.compile(_expand(row["pattern"]))
            except re.error as exc:
                raise ConfigError(f"boilerplate.csv:{row_number}: bad pattern {name!r}: {exc}") from exc
            rules.append(BoilerplateRule(name, reason, scope, pattern))
    return tuple(rules)


def _line_reason(content: str, rules: tuple[BoilerplateRule, ...]) -> str | None:
    for rule in rules:
        if rule.scope == "line" and rule.pattern.fullmatch(content):
            return rule.reason
    return None


def _inline_removals(
    content: str, base: int, rules: tuple[BoilerplateRule, ...]
) -> list[tuple[int, int, str]]:
    """Raw spans inside one line that inline rules remove (sorted, non-overlapping)."""
    spans: list[tuple[int, int, str]] = []
    for rule in rules:
        if rule.scope != "inline":
            continue
        for match in rule.pattern.finditer(content):
            if match.end() > match.start():
                spans.append((base + match.start(), base + match.end(), rule.reason))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, reason))
    return merged


def _kept_pieces(start: int, end: int, cuts: list[tuple[int, int, str]], raw: str) -> list[tuple[int, int]]:
    """The raw spans of a line left after cutting, with surrounding whitespace trimmed."""
    pieces = []
    cursor = start
    for cut_start, cut_end, _ in cuts:
        if cut_start > cursor:
            pieces.append((cursor, cut_start))
        cursor = max(cursor, cut_end)
    if cursor < end:
        pieces.append((cursor, end))
    if not pieces:
        return []
    # Trim whitespace at the ends of the kept line (not inside it).
    first_start, first_end = pieces[0]
    while first_start < first_end and raw[first_start].isspace():
        first_start += 1
    pieces[0] = (first_start, first_end)
    last_start, last_end = pieces[-1]
    while last_end > last_start and raw[last_end - 1].isspace():
        last_end -= 1
    pieces[-1] = (last_start, last_end)
    return [(s, e) for s, e in pieces if e > s]


class _Builder:
    """Accumulates raw slices into the cleaned text and its segment map."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.parts: list[str] = []
        self.segments: list[list[int]] = []
        self.length = 0

    def add(self, raw_start: int, raw_end: int) -> None:
        if raw_end <= raw_start:
            return
        size = raw_end - raw_start
        last = self.segments[-1] if self.segments else None
        if last is not None and last[1] + last[2] == raw_start and last[0] + last[2] == self.length:
            last[2] += size
        else:
            self.segments.append([self.length, raw_start, size])
        self.parts.append(self.raw[raw_start:raw_end])
        self.length += size


def _separator(raw: str, gap_start: int, gap_end: int, paragraph: bool) -> list[tuple[int, int]]:
    """Raw newline characters in a gap that separate two kept lines (two for a paragraph)."""
    newlines = [i for i in range(gap_start, gap_end) if raw[i] == "\n"]
    if not newlines:
        return []
    if not paragraph or len(newlines) == 1:
        return [(newlines[0], newlines[0] + 1)]
    double = raw.find("\n\n", gap_start, gap_end)
    if double >= 0:
        return [(double, double + 2)]
    return [(newlines[0], newlines[0] + 1), (newlines[1], newlines[1] + 1)]


def clean(text: str) -> CleanText:
    """Drop page furniture from a story, keeping headline and paragraph breaks.

    Lines repeated verbatim (after folding quote marks and whitespace) keep their first
    copy; whole lines matching a ``line`` rule and spans matching an ``inline`` rule are
    removed with their reason.  Kept lines are stripped; kept lines that were separated by
    a blank line stay separated by exactly one blank line, others by one newline.
    """
    rules = boilerplate_rules()
    removed: list[tuple[int, int, str]] = []
    kept: list[list[tuple[int, int]]] = []  # the kept raw pieces of each kept line
    seen: set[str] = set()
    blank_before: list[bool] = []
    pending_blank = False

    for match in _LINE.finditer(text):
        line_start, line_end = match.start(), match.end()
        if line_start == line_end:
            break
        content_end = line_end
        while content_end > line_start and text[content_end - 1] in "\r\n":
            content_end -= 1
        content = text[line_start:content_end]
        stripped = content.strip()
        if not stripped:
            pending_blank = True
            continue
        lead = len(content) - len(content.lstrip())
        span = (line_start + lead, line_start + lead + len(stripped))
        reason = _line_reason(stripped, rules)
        if reason is not None:
            removed.append((span[0], span[1], reason))
            continue
        cuts = _inline_removals(stripped, span[0], rules)
        pieces = _kept_pieces(span[0], span[1], cuts, text)
        if not pieces:
            removed.append((span[0], span[1], cuts[0][2] if cuts else "boilerplate"))
            continue
        key = normalize_text(" ".join(text[s:e] for s, e in pieces))
        if key in seen:
            removed.append((span[0], span[1], "duplicate-line"))
            continue
        seen.add(key)
        removed.extend(cuts)
        kept.append(pieces)
        blank_before.append(pending_blank)
        pending_blank = False

    builder = _Builder(text)
    previous_end = 0
    for index, pieces in enumerate(kept):
        if index:
            for start, end in _separator(text, previous_end, pieces[0][0], blank_before[index]):
                builder.add(start, end)
        for start, end in pieces:
            builder.add(start, end)
        previous_end = pieces[-1][1]
    removed.sort()
    if removed:
        logger.debug("cleaning removed %d spans", len(removed))
    return CleanText(
        text="".join(builder.parts),
        segments=tuple((s[0], s[1], s[2]) for s in builder.segments),
        removed=tuple(removed),
    )
