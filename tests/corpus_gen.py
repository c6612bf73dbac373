"""A deterministic test corpus: 200+ news-like articles over many dyads, dates and actions.

Each *story* is one underlying event (who did what to whom, on which day); each story is
reported by one to four outlets, each with its own wording, so the corpus exercises
one-a-story, one-a-day and cross-article deduplication with a known answer.  Every article
comes with the events a perfect coder would produce (``CodingResult`` with synthetic
``Event`` records: offsets, evidence, dates), so store/analytics tests do not need the
real coder; the same texts can also be fed to ``flashpoint.code_articles``.

    python tests/corpus_gen.py out.jsonl     # write the articles as JSONL
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flashpoint.models import (
    ActorRef,
    Article,
    CleanText,
    CodingResult,
    Event,
    Evidence,
    Plover,
    Sentence,
)

SEED = 20250416
START = date(2025, 1, 1)
DAYS = 180

# name used in text (several per actor), code, country
ACTORS: list[tuple[tuple[str, ...], str, str | None]] = [
    (("North Korea", "Pyongyang"), "PRK", "PRK"),
    (("the United States", "Washington"), "USA", "USA"),
    (("South Korea", "Seoul"), "KOR", "KOR"),
    (("China", "Beijing"), "CHN", "CHN"),
    (("Japan", "Tokyo"), "JPN", "JPN"),
    (("Russia", "Moscow"), "RUS", "RUS"),
    (("Ukraine", "Kyiv"), "UKR", "UKR"),
    (("Israel",), "ISR", "ISR"),
    (("Iran", "Tehran"), "IRN", "IRN"),
    (("India", "New Delhi"), "IND", "IND"),
    (("Pakistan", "Islamabad"), "PAK", "PAK"),
    (("France", "Paris"), "FRA", "FRA"),
    (("Germany", "Berlin"), "DEU", "DEU"),
    (("Turkey", "Ankara"), "TUR", "TUR"),
    (("the United Nations",), "UNO", "IGO"),
]

# cameo, root, name, goldstein, quad, plover (type, mode, context), verb phrasings, tails
ACTIONS: list[dict] = [
    {
        "cameo": "036",
        "name": "Express intent to meet or negotiate",
        "g": 4.0,
        "q": 1,
        "plover": ("AGREE", None, "diplomatic"),
        "verbs": ["offered talks with", "proposed negotiations with", "said it was ready to meet"],
        "tails": ["on trade and security", "to ease tensions", "later this month"],
    },
    {
        "cameo": "042",
        "name": "Make a visit",
        "g": 1.9,
        "q": 1,
        "plover": ("CONSULT", "visit", None),
        "verbs": ["sent its foreign minister to", "made a state visit to"],
        "tails": ["for two days of meetings", "to discuss regional security"],
    },
    {
        "cameo": "051",
        "name": "Praise or endorse",
        "g": 3.4,
        "q": 1,
        "plover": ("SUPPORT", None, "diplomatic"),
        "verbs": ["praised", "welcomed the decision by"],
        "tails": ["for its restraint", "as a constructive partner"],
    },
    {
        "cameo": "057",
        "name": "Sign formal agreement",
        "g": 8.0,
        "q": 1,
        "plover": ("SUPPORT", None, "diplomatic"),
        "verbs": ["signed a cooperation agreement with", "signed a treaty with"],
        "tails": ["covering energy and ports", "after months of talks"],
    },
    {
        "cameo": "071",
        "name": "Provide economic aid",
        "g": 7.4,
        "q": 2,
        "plover": ("AID", None, "economic"),
        "verbs": ["sent economic aid to", "pledged emergency funds to"],
        "tails": ["after severe floods", "to rebuild damaged infrastructure"],
    },
    {
        "cameo": "111",
        "name": "Criticize or denounce",
        "g": -2.0,
        "q": 3,
        "plover": ("ACCUSE", "disapprove", None),
        "verbs": ["condemned", "denounced", "sharply criticized"],
        "tails": ["over joint military drills", "for its missile tests", "over a border incident"],
    },
    {
        "cameo": "112",
        "name": "Accuse, not specified below",
        "g": -2.0,
        "q": 3,
        "plover": ("ACCUSE", "disapprove", None),
        "verbs": ["accused", "blamed"],
        "tails": ["of violating the ceasefire", "of spying on its navy"],
    },
    {
        "cameo": "138",
        "name": "Threaten to use military force, not specified below",
        "g": -7.0,
        "q": 3,
        "plover": ("THREATEN", "violence", "military"),
        "verbs": ["threatened military retaliation against", "warned of a military response to"],
        "tails": ["over bomber flights near its border", "after naval exercises"],
    },
    {
        "cameo": "163",
        "name": "Impose embargo, boycott, or sanctions",
        "g": -8.0,
        "q": 4,
        "plover": ("COERCE", "restrict", "diplomatic"),
        "verbs": ["imposed sanctions on", "announced an embargo against"],
        "tails": ["over its weapons programme", "targeting banks and shipping firms"],
    },
    {
        "cameo": "195",
        "name": "Employ aerial weapons",
        "g": -10.0,
        "q": 4,
        "plover": ("ASSAULT", "heavy-weapons", "military"),
        "verbs": ["launched air strikes against", "carried out drone strikes on"],
        "tails": ["near the frontier", "hitting military depots"],
    },
]

OUTLETS = [
    "Global Wire",
    "Daily Herald",
    "Asia Times Online",
    "Euro Monitor",
    "Morning Ledger",
    "Capital Post",
]
LEADS = ["", "Officials said ", "In a statement, ", "According to state media, "]
FILLER = [
    "Analysts said the move reflected months of rising pressure in the region.",
    "Diplomats expect further meetings before the end of the year.",
    "Markets in the region were little changed by the news.",
    "The foreign ministry did not immediately respond to requests for comment.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CODER = "corpus_gen.synthetic/1"


@dataclass(frozen=True)
class Story:
    """One underlying event: the truth every report of it should code to."""

    story_id: int
    source: int
    target: int
    action: int
    day: date


def _root(cameo: str) -> str:
    return cameo[:2]


def _actor_ref(idx: int, text: str) -> ActorRef:
    names, code, country = ACTORS[idx]
    return ActorRef(text=text, name=names[0].removeprefix("the "), code=code, country=country)


def stories(rng: random.Random, n: int) -> list[Story]:
    """``n`` stories whose (dyad, CAMEO root) never recurs within 2 days (so clusters are known)."""
    out: list[Story] = []
    taken: set[tuple[int, int, str, int]] = set()
    while len(out) < n:
        s, t = rng.sample(range(len(ACTORS)), 2)
        a = rng.randrange(len(ACTIONS))
        offset = rng.randrange(DAYS)
        root = _root(ACTIONS[a]["cameo"])
        if any((s, t, root, offset + d) in taken for d in range(-2, 3)):
            continue
        taken.add((s, t, root, offset))
        out.append(Story(len(out), s, t, a, START + timedelta(days=offset)))
    return out


def _event_sentence(rng: random.Random, story: Story, start: int, lead: str) -> tuple[str, Event, int]:
    """One sentence reporting ``story`` at offset ``start`` plus its synthetic event."""
    action = ACTIONS[story.action]
    s_text = rng.choice(ACTORS[story.source][0])
    t_text = rng.choice(ACTORS[story.target][0])
    verb = rng.choice(action["verbs"])
    weekday = WEEKDAYS[story.day.weekday()]
    prefix = lead
    s_shown = s_text[0].upper() + s_text[1:] if not prefix else s_text
    text = f"{prefix}{s_shown} {verb} {t_text} on {weekday} {rng.choice(action['tails'])}."
    s_start = start + len(prefix)
    v_start = s_start + len(s_shown) + 1
    t_start = v_start + len(verb) + 1
    event = Event(
        doc_id="",
        sentence_index=0,
        sentence=text,
        source=_actor_ref(story.source, s_shown),
        target=_actor_ref(story.target, t_text),
        cameo=action["cameo"],
        cameo_root=_root(action["cameo"]),
        cameo_name=action["name"],
        goldstein=action["g"],
        quad_class=action["q"],
        plover=Plover(*action["plover"]),
        date=story.day,
        date_precision="day",
        date_phrase=f"on {weekday}",
        evidence=Evidence(
            (s_start, s_start + len(s_shown)),
            (v_start, v_start + len(verb)),
            (t_start, t_start + len(t_text)),
        ),
        confidence=round(0.5 + rng.random() / 2, 3),
        coder=CODER,
    )
    return text, event, story.story_id


def report(rng: random.Random, story: Story, outlet: str, n: int) -> CodingResult:
    """One outlet's article about ``story``, with its sentences and synthetic events."""
    doc_id = f"corpus-{story.story_id:03d}-{n}"
    published = story.day + timedelta(days=rng.choice([0, 1]))
    action = ACTIONS[story.action]
    title = f"{ACTORS[story.source][0][0].removeprefix('the ').title()} {action['verbs'][0]} {ACTORS[story.target][0][0].removeprefix('the ')}"
    header = title + "\n\n"
    offset = len(header)
    sentences: list[Sentence] = []
    events: list[Event] = []

    def add(text: str, event: Event | None, paragraph: int) -> None:
        nonlocal offset
        index = len(sentences)
        sentences.append(
            Sentence(index=index, text=text, start=offset, end=offset + len(text), paragraph=paragraph)
        )
        if event is not None:
            events.append(replace(event, doc_id=doc_id, sentence_index=index))
        offset += len(text) + 1

    text, event, _ = _event_sentence(rng, story, offset, rng.choice(LEADS))
    add(text, event, 1)
    first_filler, second_filler = rng.sample(FILLER, 2)
    add(first_filler, None, 1)
    if rng.random() < 0.35:  # the story repeats its event later on: one-a-story collapses it
        again, event2, _ = _event_sentence(rng, story, offset, "Earlier, ")
        add(again, event2, 2)
    add(second_filler, None, 2)
    body = header + " ".join(sent.text for sent in sentences)
    article = Article(
        doc_id=doc_id,
        text=body,
        title=title,
        url=f"https://news.example/{doc_id}",
        source=outlet,
        published=published,
        published_source="field",
        origin="corpus_gen",
    )
    return CodingResult(
        article=article, clean=CleanText(body), sentences=tuple(sentences), events=tuple(events)
    )


def corpus(min_articles: int = 200, seed: int = SEED) -> tuple[list[CodingResult], dict[str, int]]:
    """The corpus: coding results (articles + true events) and each doc_id's story id."""
    rng = random.Random(seed)
    results: list[CodingResult] = []
    story_of: dict[str, int] = {}
    for story in stories(rng, min_articles):
        for n, outlet in enumerate(rng.sample(OUTLETS, rng.choice([1, 1, 2, 3, 4]))):
            result = report(rng, story, outlet, n)
            results.append(result)
            story_of[result.article.doc_id] = story.story_id
        if len(results) >= min_articles:
            break
    return results, story_of


def escalation_events(dyad: tuple[str, str] = ("PRK", "USA"), days: int = 30, burst: int = 6) -> list[Event]:
    """A quiet baseline (one mild event every day or two for ``days`` days) then a burst of
    ``burst`` quad-4 events on the following day: the shape an escalation alert must flag."""
    rng = random.Random(SEED)
    start = date(2025, 3, 1)
    src = ActorRef(text=dyad[0], name=dyad[0], code=dyad[0], country=dyad[0])
    tgt = ActorRef(text=dyad[1], name=dyad[1], code=dyad[1], country=dyad[1])
    out = []
    for i in range(days):
        if rng.random() < 0.6:
            mild = ACTIONS[0] if rng.random() < 0.7 else ACTIONS[5]
            out.append(_synthetic(f"base-{i}", src, tgt, mild, start + timedelta(days=i), 0))
    for j in range(burst):
        out.append(_synthetic("burst", src, tgt, ACTIONS[9], start + timedelta(days=days), j))
    return out


def _synthetic(doc_id: str, src: ActorRef, tgt: ActorRef, action: dict, day: date, index: int) -> Event:
    text = f"{src.name} {action['verbs'][0]} {tgt.name} {action['tails'][index % len(action['tails'])]}."
    return Event(
        doc_id=doc_id,
        sentence_index=index,
        sentence=text,
        source=src,
        target=tgt,
        cameo=action["cameo"],
        cameo_root=_root(action["cameo"]),
        cameo_name=action["name"],
        goldstein=action["g"],
        quad_class=action["q"],
        plover=Plover(*action["plover"]),
        date=day,
        date_precision="day",
        evidence=Evidence(trigger=(index, index + 1)),
        coder=CODER,
    )


def main(argv: list[str]) -> int:
    """Write the corpus articles as JSONL (doc_id, title, text, url, source, published)."""
    results, _ = corpus()
    with open(argv[1], "w", encoding="utf-8") if len(argv) > 1 else sys.stdout as out:
        for result in results:
            a = result.article
            out.write(
                json.dumps(
                    {
                        "doc_id": a.doc_id,
                        "title": a.title,
                        "text": a.text,
                        "url": a.url,
                        "source": a.source,
                        "published": a.published.isoformat(),
                    }
                )
                + "\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
