"""Settings: declared once as (name, default, help), used by the API, the CLI and the docs.

One options object instead of functions with dozens of keyword arguments: ``Settings`` is a
frozen dataclass, so a run's configuration cannot change mid-run (PETRARCH's module-global
config did).  ``SETTINGS_HELP`` is the single source for ``--help`` texts and the docs; a
test checks that every field has help.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from flashpoint.errors import ConfigError

SETTINGS_HELP: dict[str, str] = {
    "published": "Publication date used when an input has none (YYYY-MM-DD); overrides input dates.",
    "coder": "Event coder: 'rules' (flashpoint.rules.v1) or 'dictionary' (TABARI/PETRARCH verb dictionaries).",
    "actor_dictionaries": "Extra actor dictionaries (flashpoint CSV or TABARI/PETRARCH .actors files) merged over the built-in tables.",
    "agent_dictionaries": "Extra TABARI/PETRARCH .agents files.",
    "verb_dictionary": "A TABARI/PETRARCH verbs file (used by the 'dictionary' coder).",
    "discard_dictionary": "A TABARI/PETRARCH discards file: sentences holding a discard phrase yield no events.",
    "require_dyad": "Dictionary coder: code only events with a source and a target (off: also source-only events, PETRARCH's require_dyad=False).",
    "new_actor_length": "Dictionary coder: code an unknown subject or object noun phrase of at most this many words as its quoted text (TABARI's new actors; 0: off).",
    "given_sentences": 'Each input text is one sentence already (PETRARCH records, pre-split corpora): parse it as one sentence, never re-split. A JSONL/CSV record can ask for this with "sentences": "given".',
    "builtin_actors": "Start from the built-in actor tables (off: use only the given dictionaries).",
    "batch_articles": "Articles coded per batch (spaCy pipes all their paragraphs together).",
    "prefilter": "Cheap first pass: parse only sentences that may hold an event (actors + trigger words).",
    "ner": "Run spaCy's named-entity recogniser (a confidence hint only; off parses about a third faster; "
    "always on with --unknown-actors).",
    "skip_non_english": "Store stories clearly written in another language than English (by their script "
    "or function words) without coding them: the parser and tables are English (off: code every story).",
    "dates": "Resolve event dates from the text.",
    "places": "Resolve event locations with the offline gazetteer.",
    "unknown_actors": "Collect unresolved actor-like noun phrases (for dictionary building).",
    "min_confidence": "Drop events below this confidence (0 keeps all).",
    "freeze_tables": "Once the first article is coded, move the loaded model and tables out of the "
    "garbage collector's sight (gc.freeze): its full collections then skip them (about 0.2-0.4 s per "
    "100 stories).",
}


@dataclass(frozen=True)
class Settings:
    """Options for one coding run (see ``SETTINGS_HELP``)."""

    published: date | None = None
    coder: str = "rules"
    actor_dictionaries: tuple[str, ...] = ()
    agent_dictionaries: tuple[str, ...] = ()
    verb_dictionary: str | None = None
    discard_dictionary: str | None = None
    require_dyad: bool = True
    new_actor_length: int = 0
    given_sentences: bool = False
    builtin_actors: bool = True
    batch_articles: int = 16
    prefilter: bool = False
    ner: bool = False
    skip_non_english: bool = True
    dates: bool = True
    places: bool = True
    unknown_actors: bool = False
    min_confidence: float = 0.0
    freeze_tables: bool = True

    def __post_init__(self) -> None:
        if self.coder not in ("rules", "dictionary"):
            raise ConfigError(f"coder must be 'rules' or 'dictionary', not {self.coder!r}")
        if self.new_actor_length < 0:
            raise ConfigError("new_actor_length must be 0 (off) or more")
        if self.batch_articles < 1:
            raise ConfigError("batch_articles must be at least 1")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError("min_confidence must be within [0, 1]")
        if self.coder == "dictionary" and not self.verb_dictionary:
            raise ConfigError("the 'dictionary' coder needs a verb_dictionary")

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed (settings never change in place)."""
        return replace(self, **changes)


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]


def settings_record(settings: Settings) -> dict[str, Any]:
    """The settings as JSON values (dates as text, tuples as lists): what a run records, so
    that a resumed run can be compared with the one it continues."""
    return json.loads(json.dumps(asdict(settings), default=str))


BEFORE_IT_EXISTED: dict[str, Any] = {"skip_non_english": False}
"""What a run recorded by a version without the setting did, as its value: earlier versions
coded stories in any language.  A resume of such a run compares with this value, so that it
can go on (with ``--code-any-language``) rather than be refused whatever it is given."""


def settings_changes(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The settings two records (``settings_record``) disagree on, each as "name: then, now"
    (a setting one record lacks counts as changed, unless ``BEFORE_IT_EXISTED`` says what the
    earlier record's version did)."""
    then = {**BEFORE_IT_EXISTED, **before}
    names = sorted(before.keys() | now.keys())
    return [f"{k}: {then.get(k)!r} then, {now.get(k)!r} now" for k in names if then.get(k) != now.get(k)]


def parse_date(value: str | date | None, what: str = "date") -> date | None:
    """Parse a YYYY-MM-DD string (or pass a date through), with a clear error."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise ConfigError(f"{what} must be YYYY-MM-DD, got {value!r}") from exc
