"""The records of actor dictionaries: one ``Entry`` per phrase, plus lookup results.

Every source (the built-in tables, a user CSV, a TABARI/PETRARCH ``.actors``/``.agents``
file) is turned into the same flat list of entries, so matching, date selection and merging
work identically whatever the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ROLES = ("name", "adjective", "capital", "metonym", "org", "person", "agent", "user")
"""What a phrase is: a country name, a demonym/adjective, a capital used as a metonym, a
seat of power, an organisation or group, a person, a sector (agent) phrase, a user row."""

_ACRONYM_RE = re.compile(r"^[A-Z0-9&+]{2,6}[s]?$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One dictionary phrase and the actor it names.

    ``code`` is None for TABARI null codes (``[---]``): the phrase is consumed but names no
    actor.  ``also`` holds extra codes of a TABARI compound entry (``[ELR/GAL]``).
    ``start``/``end`` bound the dates the entry applies to: ``start <= when < end``.
    ``agent_prefix`` marks TABARI ``[NGO~]`` agents, whose code goes before the country.
    """

    phrase: str
    key: tuple[str, ...]
    code: str | None
    name: str
    country: str | None = None
    agent: str | None = None
    kind: str = "country"
    role: str = "name"
    start: date | None = None
    end: date | None = None
    plural: bool = False
    name_risk: bool = False
    agent_prefix: bool = False
    also: tuple[str, ...] = ()
    source: str = "builtin"

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when < self.end)

    def span_days(self) -> int:
        lo = self.start or date(1, 1, 1)
        hi = self.end or date(9999, 12, 31)
        return (hi - lo).days


@dataclass(frozen=True)
class Resolution:
    """The answer to ``ActorDictionary.lookup``: ``code`` is None when nothing resolves."""

    text: str
    name: str | None
    code: str | None
    country: str | None
    agent: str | None
    why: str

    def to_dict(self) -> dict[str, str | None]:
        return {
            "text": self.text,
            "name": self.name,
            "code": self.code,
            "country": self.country,
            "agent": self.agent,
            "why": self.why,
        }


@dataclass(frozen=True)
class Conflict:
    """A phrase both dictionaries define with different codes; ``theirs`` (user) wins."""

    phrase: str
    ours: str | None
    theirs: str | None
    source: str


def is_acronym(phrase: str) -> bool:
    """Upper-case short forms (US, U.S., ROK, DPRK, UN, WHO) get case-sensitive matching."""
    compact = phrase.replace(".", "").replace(" ", "")
    return bool(_ACRONYM_RE.match(compact)) and any(c.isupper() for c in compact)
