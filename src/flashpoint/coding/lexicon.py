"""The rules coder's own trigger lexicon: verbs and nouns that signal events.

Four small tables under ``coding/data/`` hold the language knowledge so that the parse rules
in ``coder.py`` stay generic:

- ``verbs.csv``: trigger patterns (lemma, part of speech, optional particle/preposition,
  optional object nouns (verbs) or modifier words (nouns)) -> CAMEO code and a reliability
  weight.  The most specific matching row wins, so ``impose sanctions`` (163) beats the bare
  light verb and ``strike`` with ``hunger`` (142) beats the bare noun (190).
- ``frames.csv``: verbs that frame another event rather than being one: speech verbs whose
  subject is a speaker, intent/threat/appeal/demand/refuse verbs that change the code of
  their complement, allegation and denial verbs whose complement is not a fact, light verbs
  whose event is their object noun, and evaluative verbs (``describe X as``).
- ``compose.csv``: frame x complement code -> code (``threaten`` + attack -> 138).
- ``evaluative.csv``: words that turn a description into praise (051) or blame (11x).
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from flashpoint.errors import DictionaryError

logger = logging.getLogger(__name__)

CUES = frozenset(
    {"military", "owned", "definite", "nonviolent", "cessation", "reception", "hazard", "weapon"}
)
_CODE_RE = re.compile(r"^\d{3,4}$")
FRAMES = frozenset(
    {"speech", "intent", "threat", "appeal", "demand", "refuse", "allege", "deny", "light", "evaluate"}
)


@dataclass(frozen=True)
class Entry:
    """One lexicon row: a trigger pattern and the CAMEO code it signals.

    ``objects`` are the allowed object-noun lemmas for a verb (``impose`` + ``sanction``) or
    the required modifier lemmas for a noun (``strike`` + ``hunger``); empty means any.
    ``weight`` is how often the pattern really means this event in news text (0..1): it is
    the starting point of the event's confidence.
    """

    lemma: str
    pos: str
    particle: str
    objects: frozenset[str]
    cameo: str
    weight: float
    notes: str = ""

    @property
    def specificity(self) -> int:
        return (2 if self.objects else 0) + (1 if self.particle else 0)


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    text = resources.files("flashpoint.coding").joinpath("data", name).read_text(encoding="utf-8")
    out = []
    for i, row in enumerate(csv.DictReader(text.splitlines())):
        if None in row:  # more fields than the header
            raise DictionaryError(f"coding/data/{name}", i + 2, "too many fields")
        out.append((i + 2, {k: (v or "").strip() for k, v in row.items()}))
    return out


class Lexicon:
    """Lookup over the four tables; built once and shared (it is read-only)."""

    def __init__(
        self,
        entries: list[Entry],
        frames: dict[str, frozenset[str]],
        compose: dict[tuple[str, str], str],
        evaluative: dict[str, str],
        cues: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.entries = entries
        self._verbs: dict[str, list[Entry]] = {}
        self._nouns: dict[str, list[Entry]] = {}
        for entry in entries:
            table = self._verbs if entry.pos == "V" else self._nouns
            table.setdefault(entry.lemma, []).append(entry)
        for table in (self._verbs, self._nouns):
            for rows in table.values():
                rows.sort(key=lambda e: -e.specificity)
        self._frames = frames
        self._compose = compose
        self._evaluative = evaluative
        self._cues = cues or {}

    # ------------------------------------------------------------------ loading
    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Lexicon:
        """The packaged lexicon (validated on load; raises DictionaryError on a bad row)."""
        entries: list[Entry] = []
        seen: set[tuple[str, str, str, frozenset[str]]] = set()
        for line, row in _rows("verbs.csv"):
            pos = row.get("pos", "")
            code = row.get("cameo", "")
            if pos not in ("V", "N") or not row.get("lemma") or not _CODE_RE.match(code):
                raise DictionaryError("coding/data/verbs.csv", line, f"bad row {row}")
            try:
                weight = float(row.get("weight") or 0.7)
            except ValueError as exc:
                raise DictionaryError("coding/data/verbs.csv", line, "weight is not a number") from exc
            if not 0.0 < weight <= 1.0:
                raise DictionaryError("coding/data/verbs.csv", line, "weight outside (0, 1]")
            objects = frozenset(o for o in row.get("object", "").split("|") if o)
            entry = Entry(
                row["lemma"].lower(),
                pos,
                row.get("particle", "").lower(),
                objects,
                code,
                weight,
                row.get("notes", ""),
            )
            key = (entry.lemma, entry.pos, entry.particle, entry.objects)
            if key in seen:
                raise DictionaryError("coding/data/verbs.csv", line, f"duplicate pattern {key}")
            seen.add(key)
            entries.append(entry)
        frames: dict[str, set[str]] = {}
        for line, row in _rows("frames.csv"):
            if row.get("frame") not in FRAMES or not row.get("lemma"):
                raise DictionaryError("coding/data/frames.csv", line, f"bad row {row}")
            frames.setdefault(row["lemma"].lower(), set()).add(row["frame"])
        compose: dict[tuple[str, str], str] = {}
        for line, row in _rows("compose.csv"):
            pair = (row.get("frame", ""), row.get("content", ""))
            if pair in compose or pair[0] not in FRAMES:
                raise DictionaryError("coding/data/compose.csv", line, f"bad or duplicate row {row}")
            compose[pair] = row.get("cameo", "")
        evaluative: dict[str, str] = {}
        for line, row in _rows("evaluative.csv"):
            word = row.get("word", "").lower()
            if not word or word in evaluative or not _CODE_RE.match(row.get("cameo", "")):
                raise DictionaryError("coding/data/evaluative.csv", line, f"bad or duplicate row {row}")
            evaluative[word] = row["cameo"]
        cues: dict[str, set[str]] = {}
        for line, row in _rows("cues.csv"):
            word, cue = row.get("word", "").lower(), row.get("cue", "")
            if not word or not (cue in CUES or cue.startswith("form-of:")):
                raise DictionaryError("coding/data/cues.csv", line, f"bad row {row}")
            if cue in cues.get(word, set()):
                raise DictionaryError("coding/data/cues.csv", line, f"duplicate row {row}")
            cues.setdefault(word, set()).add(cue)
        logger.debug("lexicon: %d trigger patterns, %d frame verbs", len(entries), len(frames))
        return cls(
            entries,
            {k: frozenset(v) for k, v in frames.items()},
            compose,
            evaluative,
            {k: frozenset(v) for k, v in cues.items()},
        )

    # ------------------------------------------------------------------ lookups
    def frames(self, lemma: str, surface: str | None = None) -> frozenset[str]:
        """Frames of a verb; ``surface`` (the word as written) rescues lemmatizer slips."""
        found = self._frames.get(lemma.lower(), frozenset())
        if not found and surface:
            for form in self.base_forms(surface):
                found = found | self._frames.get(form, frozenset())
        return found

    def is_trigger_lemma(self, lemma: str) -> bool:
        lemma = lemma.lower()
        return lemma in self._verbs or lemma in self._nouns

    def trigger_lemmas(self) -> frozenset[str]:
        return frozenset(self._verbs) | frozenset(self._nouns)

    def has_cue(self, word: str, cue: str) -> bool:
        """Whether ``word`` (lowercased) carries ``cue`` (``military``, ``owned``, ``definite``)."""
        return cue in self._cues.get(word.lower(), ())

    def base_forms(self, word: str) -> set[str]:
        """Candidate lemmas for a surface word, without a parser (for the prefilter)."""
        w = word.lower()
        forms = {w}
        for cue in self._cues.get(w, ()):
            if cue.startswith("form-of:"):
                forms.add(cue[8:])
        for suffix, repl in (
            ("ies", "y"),
            ("ied", "y"),
            ("es", ""),
            ("s", ""),
            ("ed", ""),
            ("ed", "e"),
            ("ing", ""),
            ("ing", "e"),
            ("d", ""),
        ):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                stem = w[: -len(suffix)] + repl
                forms.add(stem)
                if len(stem) > 3 and stem[-1] == stem[-2]:  # stopped -> stopp -> stop
                    forms.add(stem[:-1])
        return forms

    def evaluative(self, word: str) -> str | None:
        return self._evaluative.get(word.lower())

    def compose(self, frame: str, content: str) -> str | None:
        """The code a frame verb gives to its complement's code (longest prefix wins)."""
        for key in (content, content[:3], content[:2], "*"):
            code = self._compose.get((frame, key))
            if code is not None:
                return content if code == "keep" else code
        return None

    def match_verb(self, token: Any, particles: set[str], objects: set[str]) -> Entry | None:
        """Best verb entry for ``token`` given the particles/prepositions and object lemmas
        found on it.  Rows with an object list only match when one of the objects is present;
        rows with a particle only match when that particle is present."""
        found = self._best(self._verbs.get(token.lemma_.lower()), particles, objects)
        if found is None and token.lemma_.lower() not in self._verbs:  # lemmatizer slips ("staged" -> "stag")
            for form in sorted(self.base_forms(token.lower_)):
                found = found or self._best(self._verbs.get(form), particles, objects)
        return found

    def match_noun(self, token: Any, modifiers: set[str], particles: set[str]) -> Entry | None:
        """Best noun entry for ``token`` given its modifier lemmas and prepositions."""
        return self._best(self._nouns.get(token.lemma_.lower()), particles, modifiers)

    @staticmethod
    def _best(rows: list[Entry] | None, particles: set[str], objects: set[str]) -> Entry | None:
        if not rows:
            return None
        for entry in rows:  # sorted most specific first
            if entry.particle and entry.particle not in particles:
                continue
            if entry.objects and not (entry.objects & objects):
                continue
            return entry
        return None
