"""Cut an article's text into runs marked with the evidence spans that cover them.

The dashboard never inserts article text as HTML: the server returns plain-text runs with
role labels, and both the Jinja template (autoescaped) and the "paste an article" page
(DOM ``textContent``) build ``<mark>`` elements from them.  Overlapping spans of several
events are resolved here once, so the two renderers cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

ROLES = ("source", "trigger", "target")


@dataclass(frozen=True)
class SpanMark:
    """One evidence span of one event: ``[start, end)`` into the text the events were coded on."""

    event: int
    role: str
    start: int
    end: int


def event_spans(
    events: Sequence[dict[str, Any]], text_length: int
) -> tuple[list[SpanMark], list[dict[str, Any]]]:
    """The usable evidence spans of ``events`` (public records) and the unusable ones.

    A span outside the text or empty is reported back instead of dropped silently, so a
    coder bug shows up on the page rather than as a missing highlight.
    """
    marks: list[SpanMark] = []
    bad: list[dict[str, Any]] = []
    for index, event in enumerate(events):
        evidence = event.get("evidence") or {}
        for role in ROLES:
            span = evidence.get(role)
            if not span:
                continue
            start, end = int(span[0]), int(span[1])
            if 0 <= start < end <= text_length:
                marks.append(SpanMark(index, role, start, end))
            else:
                bad.append({"event_id": event.get("event_id"), "role": role, "span": [start, end]})
    return marks, bad


def segments(text: str, marks: Iterable[SpanMark], selected: int | None = None) -> list[dict[str, Any]]:
    """Split ``text`` at every span boundary; each run lists the roles and events covering it.

    ``roles`` is ordered trigger, source, target (the renderer colours by the first), and
    ``selected`` is true when the run belongs to the event the reader picked.
    """
    marks = list(marks)
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    runs: list[dict[str, Any]] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= end:
            continue
        covering = [m for m in marks if m.start <= start and end <= m.end]
        roles = [r for r in ("trigger", "source", "target") if any(m.role == r for m in covering)]
        events = sorted({m.event for m in covering})
        runs.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "roles": roles,
                "events": events,
                "selected": selected is not None and selected in events,
                "title": "; ".join(f"{m.role} of event {m.event + 1}" for m in covering),
            }
        )
    return runs
