"""Event deduplication: one-a-story, one-a-day, and cross-article clustering.

- ``story``: within one article, one event per (source code, target code, CAMEO code);
  the same event repeated in a story's lede and body counts once.
- ``day``: one event per (date, source code, target code, CAMEO code) across all
  articles, as the Phoenix pipeline did; undated events are never merged.
- ``cluster``: GDELT's events/mentions idea.  Events with the same dyad (source and target
  code, directed) and the same CAMEO root are linked when they have the same full CAMEO
  code on the same date (``exact_day``), or dates within ``max_days`` of each other and
  similar sentences: Jaccard of word sets over normalised text, without the words naming
  the two actors (outlets name them differently: "Seoul" / "South Korea"), at least
  ``min_similarity``.  Clusters are built greedily in date order and span at most
  ``max_days`` (no chaining across weeks of similar daily reports); each becomes one event.

Every output event is the group's representative record (highest confidence, then earliest
date, then smallest ``event_id``) plus ``mentions`` (each merged event's ``doc_id``,
``event_id``, date, sentence and evidence, so nothing is lost), ``num_mentions``,
``num_articles`` (distinct ``doc_id``) and ``num_sources`` (distinct outlets, from the
record's ``article.source`` when the store supplied it, else distinct articles).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flashpoint.analytics.common import event_day
from flashpoint.errors import ConfigError

METHODS = ("none", "story", "day", "cluster")

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "and",
        "or",
        "but",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "its",
        "it",
        "this",
        "that",
        "said",
        "says",
        "on",
    ]
)


@dataclass(frozen=True)
class ClusterOptions:
    """Thresholds of the ``cluster`` method."""

    max_days: int = 1
    min_similarity: float = 0.3
    exact_day: bool = True


def normalise_tokens(text: str | None) -> frozenset[str]:
    """Lower-cased, accent-stripped content words of a sentence (the similarity unit)."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    return frozenset(w for w in _WORD.findall(folded) if w not in _STOP)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b| (1.0 for two empty sets: nothing tells them apart)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _mention(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "doc_id": record.get("doc_id"),
        "event_id": record.get("event_id"),
        "date": record.get("date"),
        "sentence": record.get("sentence"),
        "evidence": record.get("evidence"),
        "source_outlet": (record.get("article") or {}).get("source"),
        "url": (record.get("article") or {}).get("url"),
    }


def _rank(record: dict[str, Any]) -> tuple[float, str, str]:
    return (-(record.get("confidence") or 0.0), record.get("date") or "9999", record.get("event_id") or "")


def _merge(group: list[dict[str, Any]]) -> dict[str, Any]:
    """One output event for ``group``: its best record (``_rank``) with the members' mentions,
    in date order, and their counts (see the module docstring)."""
    merged = _Group(group[0])
    for record in group:
        merged.add(record)
    return merged.merged()


def _code(record: dict[str, Any], side: str) -> str | None:
    return (record.get(side) or {}).get("code")


def _mention_order(mention: dict[str, Any]) -> tuple[str, str, str]:
    """The output order of a group's members, read from their mentions."""
    return (mention.get("date") or "9999", mention.get("doc_id") or "", mention.get("event_id") or "")


class _Group:
    """One group of events as it streams past: its best record so far and its members'
    mentions (which carry all that the output reads of them), so that the other members'
    records can go (see ``_group_by``)."""

    __slots__ = ("best", "rank", "mentions")

    def __init__(self, record: dict[str, Any]) -> None:
        self.best = record
        self.rank = _rank(record)
        self.mentions: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any]) -> None:
        rank = _rank(record)
        if rank < self.rank:  # the first of equals stays
            self.best, self.rank = record, rank
        self.mentions.append(_mention(record))

    def merged(self) -> dict[str, Any]:
        """The group's output event (see ``_merge``)."""
        mentions = self.mentions
        mentions.sort(key=_mention_order)  # stable: equals stay in input order
        out = dict(self.best)
        out["mentions"] = mentions
        out["num_mentions"] = len(mentions)
        out["num_articles"] = len({m["doc_id"] for m in mentions})
        outlets = {m["source_outlet"] for m in mentions}
        out["num_sources"] = len(outlets - {None}) if None not in outlets else out["num_articles"]
        return out


def _group_by(events: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    """One output event per group of ``events`` by ``key``, in the order the groups first appear.

    Streams: a group holds its best record and its members' mentions, not every member's
    full record (deduplicating the 774,000 events of a merged store by story took 4.9 GB
    when all of them were held)."""
    groups: dict[Any, _Group] = {}
    for record in events:
        k = key(record)
        group = groups.get(k)
        if group is None:
            group = groups[k] = _Group(record)
        group.add(record)
    return [groups.pop(k).merged() for k in list(groups)]  # each group freed once merged


def _action_tokens(record: dict[str, Any]) -> frozenset[str]:
    """A sentence's words minus the words of its two actor mentions."""
    actors = normalise_tokens((record.get("source") or {}).get("text")) | normalise_tokens(
        (record.get("target") or {}).get("text")
    )
    return normalise_tokens(record.get("sentence")) - actors


def _cluster_bucket(bucket: list[dict[str, Any]], opts: ClusterOptions) -> list[list[int]]:
    """Clusters (member indexes, anchor first) of one date-sorted (dyad, root) bucket."""
    days = [event_day(r) for r in bucket]
    tokens = [_action_tokens(r) for r in bucket]
    codes = [r.get("cameo") for r in bucket]

    def linked(i: int, j: int) -> bool:
        if opts.exact_day and days[i] == days[j] and codes[i] == codes[j]:
            return True
        return jaccard(tokens[i], tokens[j]) >= opts.min_similarity

    members: list[list[int]] = []
    open_clusters: list[int] = []
    for i, day in enumerate(days):
        open_clusters = [c for c in open_clusters if (day - days[members[c][0]]).days <= opts.max_days]  # type: ignore[operator]
        home = next((c for c in open_clusters if any(linked(i, j) for j in members[c])), None)
        if home is None:
            members.append([i])
            open_clusters.append(len(members) - 1)
        else:
            members[home].append(i)
    return members


def _clusters(events: list[dict[str, Any]], opts: ClusterOptions) -> list[dict[str, Any]]:
    """Greedy clustering in date order: an event joins the oldest open cluster it links to.

    A cluster stays open for ``max_days`` after its first event, so a dyad reported in the
    same words every day (daily shelling) makes one cluster per few days, not one chained
    cluster spanning months as single-link clustering would.
    """
    buckets: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    out: list[dict[str, Any]] = []
    for record in events:
        if event_day(record) is None:
            out.append(_merge([record]))
            continue
        key = (_code(record, "source"), _code(record, "target"), record.get("cameo_root"))
        buckets.setdefault(key, []).append(record)
    for bucket in buckets.values():
        bucket.sort(key=lambda r: (r["date"], r.get("event_id") or ""))
        out.extend(_merge([bucket[i] for i in group]) for group in _cluster_bucket(bucket, opts))
    return out


def dedup(
    events: Iterable[dict[str, Any]], method: str, options: ClusterOptions | None = None
) -> list[dict[str, Any]]:
    """Deduplicate event records by ``method`` (``none``, ``story``, ``day``, ``cluster``).

    The result is sorted by date (undated last), then ``event_id``, so it is deterministic
    whatever the input order.
    """
    if method not in METHODS:
        raise ConfigError(f"dedup method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "none":
        out = [_merge([r]) for r in events]
    elif method == "story":
        out = _group_by(
            events, lambda r: (r.get("doc_id"), _code(r, "source"), _code(r, "target"), r.get("cameo"))
        )
    elif method == "day":
        out = _group_by(
            events,
            lambda r: (
                (r.get("date"), _code(r, "source"), _code(r, "target"), r.get("cameo"))
                if r.get("date")
                else ("undated", r.get("event_id"))
            ),
        )
    else:
        out = _clusters(list(events), options or ClusterOptions())
    out.sort(key=lambda r: (r.get("date") or "9999", r.get("event_id") or ""))
    return out
