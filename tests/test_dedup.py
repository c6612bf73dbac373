"""Deduplication: one-a-story, one-a-day and cross-article clustering against the corpus truth."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from corpus_gen import corpus
from flashpoint.analytics import ClusterOptions, dedup
from flashpoint.analytics.dedup import jaccard, normalise_tokens
from flashpoint.errors import ConfigError


@pytest.fixture(scope="module")
def truth() -> tuple[list[dict], dict[str, int], dict[str, str]]:
    """Event records (with the article sub-dict a store adds), story of each doc, outlet of each doc."""
    results, story_of = corpus()
    records = []
    outlet = {}
    for result in results:
        a = result.article
        outlet[a.doc_id] = a.source
        for event in result.events:
            record = event.to_dict()
            record["article"] = {
                "url": a.url,
                "source": a.source,
                "published": a.published.isoformat(),
                "title": a.title,
            }
            records.append(record)
    return records, story_of, outlet


def _ids(records: list[dict]) -> list[str]:
    return [r["event_id"] for r in records]


def test_none_keeps_everything(truth) -> None:
    records, _, _ = truth
    out = dedup(records, "none")
    assert sorted(_ids(out)) == sorted(_ids(records))
    assert all(r["num_mentions"] == 1 and len(r["mentions"]) == 1 for r in out)


def test_one_a_story(truth) -> None:
    records, _, _ = truth
    out = dedup(records, "story")
    keys = {(r["doc_id"], r["source"]["code"], r["target"]["code"], r["cameo"]) for r in records}
    assert len(out) == len(keys) < len(records)  # the corpus repeats some events within a story
    assert sum(r["num_mentions"] for r in out) == len(records)
    assert all(r["num_articles"] == 1 for r in out)


def test_one_a_day(truth) -> None:
    records, _, _ = truth
    out = dedup(records, "day")
    keys = {(r["date"], r["source"]["code"], r["target"]["code"], r["cameo"]) for r in records}
    assert len(out) == len(keys)
    assert len(out) < len(dedup(records, "story"))


def test_cluster_recovers_the_stories(truth) -> None:
    records, story_of, outlet = truth
    out = dedup(records, "cluster")
    assert len(out) == len(set(story_of.values()))
    for cluster in out:
        stories = {story_of[m["doc_id"]] for m in cluster["mentions"]}
        assert len(stories) == 1
        docs = {m["doc_id"] for m in cluster["mentions"]}
        assert cluster["num_articles"] == len(docs) == sum(1 for d, s in story_of.items() if s in stories)
        assert cluster["num_sources"] == len({outlet[d] for d in docs})
        assert cluster["event_id"] in _ids(cluster["mentions"])
        assert all(m["evidence"]["trigger"] for m in cluster["mentions"])
    assert sum(c["num_mentions"] for c in out) == len(records)
    assert max(c["num_sources"] for c in out) >= 3


def test_cluster_needs_similar_text_and_near_dates(truth) -> None:
    records, _, _ = truth
    a = next(r for r in records if r["cameo"] == "195")
    far = dict(a, event_id="far", doc_id="other", date="2030-01-01")
    day = date.fromisoformat(a["date"])
    next_day, day_before = (day + timedelta(days=1)).isoformat(), (day - timedelta(days=1)).isoformat()
    unlike = dict(
        a, event_id="unlike", doc_id="other2", date=day_before, sentence="Completely different words here."
    )
    near = dict(a, event_id="near", doc_id="other3", date=next_day)
    out = dedup([a, far, unlike, near], "cluster")
    assert sorted(len(c["mentions"]) for c in out) == [1, 1, 2]
    assert len(dedup([a, unlike], "cluster", ClusterOptions(min_similarity=0.0))) == 1
    # same code on the same day merges whatever the wording, unless exact_day is off
    same_day = dict(unlike, date=a["date"])
    assert len(dedup([a, same_day], "cluster")) == 1
    assert len(dedup([a, same_day], "cluster", ClusterOptions(exact_day=False))) == 2
    # actor names do not count toward similarity: renaming them keeps the link
    renamed = dict(
        near,
        sentence=a["sentence"].replace(a["source"]["text"], "Zzz Land"),
        source=dict(a["source"], text="Zzz Land"),
    )
    assert len(dedup([a, renamed], "cluster", ClusterOptions(exact_day=False))) == 1


@pytest.mark.parametrize("method", ["none", "story", "day", "cluster"])
def test_order_does_not_matter(truth, method: str) -> None:
    records, _, _ = truth
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    assert dedup(shuffled, method) == dedup(records, method)


def test_undated_events_are_never_merged(truth) -> None:
    records, _, _ = truth
    undated = [dict(records[0], date=None, event_id=f"u{i}") for i in range(3)]
    for method in ("day", "cluster"):
        assert len(dedup(undated, method)) == 3


def test_similarity_helpers() -> None:
    assert normalise_tokens("Pyongyang CONDEMNED the U.S. — again!") == frozenset(
        {"pyongyang", "condemned", "u", "s", "again"}
    )
    assert normalise_tokens("Kyïv") == frozenset({"kyiv"})
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 1.0


def test_unknown_method() -> None:
    with pytest.raises(ConfigError):
        dedup([], "fuzzy")


def test_daily_reports_do_not_chain_into_one_cluster(truth) -> None:
    records, _, _ = truth
    a = next(r for r in records if r["cameo"] == "195")
    start = date.fromisoformat(a["date"])
    daily = [
        dict(a, event_id=f"d{i}", doc_id=f"day{i}", date=(start + timedelta(days=i)).isoformat())
        for i in range(10)
    ]
    out = dedup(daily, "cluster")
    assert len(out) == 5
    for cluster in out:
        dates = [date.fromisoformat(m["date"]) for m in cluster["mentions"]]
        assert (max(dates) - min(dates)).days <= 1
    assert len(dedup(daily, "cluster", ClusterOptions(max_days=3))) == 3


@pytest.mark.parametrize("method", ["story", "day"])
def test_streamed_grouping_equals_merging_each_group_whole(truth, method: str) -> None:
    """``story`` and ``day`` stream their input, keeping a group's best record and its
    mentions rather than every member (4.9 GB -> 4.5 GB and 4.0 GB -> 1.5 GB on 774,000
    events); the result must be ``_merge`` of each whole group, whatever the input order."""
    from flashpoint.analytics.dedup import _code, _merge

    records = list(truth[0])
    random.Random(7).shuffle(records)  # ties between equally ranked members depend on order

    def key(r: dict) -> tuple:
        if method == "story":
            return (r.get("doc_id"), _code(r, "source"), _code(r, "target"), r.get("cameo"))
        if not r.get("date"):
            return ("undated", r.get("event_id"))
        return (r.get("date"), _code(r, "source"), _code(r, "target"), r.get("cameo"))

    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    expected = sorted(
        (_merge(g) for g in groups.values()), key=lambda r: (r.get("date") or "9999", r.get("event_id") or "")
    )
    assert any(len(g) > 1 for g in groups.values())
    assert dedup(iter(records), method) == expected
