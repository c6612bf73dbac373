"""``ActorDictionary``: phrase tables compiled into a token trie, and actor resolution.

Matching is purely table-driven (the small spaCy model mislabels "Trump" and "ROK", so NER
is not used): the text is tokenised once (``actors.text``), every position walks a trie of
normalised phrase tokens, and the longest acceptable match wins, left to right.  A match is
acceptable when the case rules of its phrase hold (proper names need a capital, short
acronyms such as "US" need exact upper case, so "us" never resolves) and, for phrases that
are also first names or surnames ("Jordan", "Kim", "Trump"), when no other capitalised name
word is glued to it ("Michael Jordan", "Kim Jae-hwan", "Ivanka Trump").

Matches are then composed into actors:

- country/organisation + sector: "North Korea's Defense Ministry" -> PRKMIL, "Kenyan
  police" -> KENCOP, "the Israeli army" -> ISRMIL (up to two modifiers may sit between:
  "Israeli special forces");
- sector + of/for/from + country: "the President of the United States" -> USAGOV;
  "a spokesperson for the defense ministry" -> MIL;
- title + person: "President Trump", "North Korean leader Kim Jong-Un" -> one mention over
  the whole phrase, resolved by the person's dated role;
- coordination: "Indian and Pakistani troops" -> one mention per actor (IND MIL on "Indian",
  PAK MIL on "Pakistani troops").  The coder emits one event per actor of a compound.
  TABARI compound codes (``[ELR/GAL]``) likewise give several mentions on the same span.

Minorities and people: "ethnic Albanians" is a minority, not Albania (CVL, no country);
counted plural demonyms are people ("100 Palestinians" -> PSECVL); "anti-Syria journalist"
and "pro-Iranian militia" keep country and sector apart.  In all-caps headlines "US"/"UN"
count only where no pronoun reading fits ("THE US", "US-LED", "US TROOPS").

Ambiguous names: "Korea" alone is South Korea (KOR), as in modern news; "Georgia" is the
country; "Congo" is the DRC; "Turkey" needs a capital (the bird does not), "the North"/"the
South" resolve only through a `ReferenceContext`.  Phrases that contain an actor word but name
none ("Indian Ocean", "New Mexico") are listed in ``nonactors.csv`` and block the match.
Spans never include a possessive "'s" and drop a leading "the" (except the context phrases
"the country", "the North").

Dated entries (people, the Taliban) are chosen for the date given (the event date, else the
publication date): among entries covering the date the narrowest wins; if none covers it an
undated default entry is used; if there is none, a person resolves to their country without
sector ("Trump" in 2022 -> USA) and other entries stay unresolved.  With no date the most
recent role is used.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint.actors.entries import Conflict, Entry, Resolution, is_acronym
from flashpoint.actors.text import Token, mostly_upper, phrase_tokens, sentence_initial, tokenize
from flashpoint.models import ORG_COUNTRIES, Actor, Mention

if TYPE_CHECKING:
    from flashpoint.actors.context import ReferenceContext

logger = logging.getLogger(__name__)

_END = "\x00"
_ANY, _CAP, _EXACT = 0, 1, 2
_ROLE_RANK = {
    "user": 0,
    "metonym": 1,
    "org": 2,
    "person": 3,
    "name": 4,
    "capital": 5,
    "adjective": 6,
    "agent": 7,
}
_CAPS_WORDS = frozenset({"US", "IS", "WHO", "IT", "AS", "AM", "ME", "UN", "AU", "MP"})
"""Acronyms that are also English words: not trusted in all-caps text."""
_CAPS_RESCUE = frozenset({"US", "UN"})
"""All-caps words that the neighbouring words can still show to be the actor."""
_TITLE_NORMS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "sen",
        "rep",
        "lt",
        "col",
        "maj",
        "capt",
        "adm",
        "sgt",
        "ayatollah",
        "sheikh",
        "sheik",
        "emir",
        "prince",
        "king",
        "queen",
        "president",
        "premier",
        "chancellor",
        "minister",
        "secretary",
        "general",
        "governor",
        "mayor",
        "judge",
        "justice",
        "senator",
        "ambassador",
        "envoy",
        "chairman",
        "chief",
        "commander",
    ]
)
_STOP_NORMS = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "tells",
        "and",
        "or",
        "but",
        "nor",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "not",
        "no",
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "this",
        "these",
        "those",
        "than",
        "as",
        "also",
        "after",
        "before",
        "while",
        "when",
        "where",
        "if",
        "because",
        "then",
        "there",
        "here",
        "it",
        "they",
        "he",
        "she",
        "we",
    ]
)
_REPRESENTATIVE = frozenset(
    [
        "spokesperson",
        "spokespeople",
        "spokesman",
        "spokesmen",
        "spokeswoman",
        "spokeswomen",
        "official",
        "officials",
        "representative",
        "representatives",
        "envoy",
        "envoys",
    ]
)
_CONJ_RE = re.compile(r"^\s*(?:,\s*(?:and|or)?|and|or|&)\s*$", re.IGNORECASE)
_TIGHT_RE = re.compile(r"^[\s\-]*$")
_OF_PREPS = frozenset({"of", "for", "from"})
_PROXY_MODS = frozenset(
    {
        "backed",
        "led",
        "supported",
        "sponsored",
        "funded",
        "allied",
        "aligned",
        "linked",
        "affiliated",
        "inspired",
        "trained",
        "born",
        "controlled",
        "occupied",
        "friendly",
        "leaning",
    }
)
"""Modifiers that make the country a patron, not the owner: "Russian-backed separatists" are not
RUSREB, so the country and the sector stay separate mentions."""
_NOT_NAME = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "the",
        "on",
        "in",
        "and",
        "but",
        "or",
        "said",
        "says",
        "told",
        "at",
        "of",
        "for",
        "with",
        "by",
        "from",
        "this",
        "that",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
    ]
)
"""Capitalised words that follow a title without being a name ("the Defense Ministry Tuesday")."""
_INSTITUTION_HEADS = frozenset(
    [
        "ministry",
        "ministries",
        "department",
        "office",
        "court",
        "parliament",
        "government",
        "administration",
        "council",
        "assembly",
        "agency",
        "service",
        "services",
        "forces",
        "army",
        "navy",
        "police",
        "military",
        "media",
        "committee",
    ]
)
"""Sector heads that name an institution, not a person: no name follows them."""


@dataclass
class _Hit:
    """A matched phrase (token range ``i``..``j``) and its resolution, before composition."""

    i: int
    j: int
    entry: Entry
    code: str | None
    country: str | None
    agent: str | None
    kind: str
    name: str
    why: str
    also: tuple[str, ...] = ()
    possessive: bool = False
    first: int = -1  # first token of the final span (after composition)
    last: int = -1  # token after the final span
    dead: bool = False
    plural: bool | None = None  # set when composition takes the number from a sector noun

    @property
    def role(self) -> str:
        return self.entry.role

    @property
    def is_agent(self) -> bool:
        return self.entry.role == "agent"

    @property
    def countryish(self) -> bool:
        return not self.is_agent and self.code is not None and self.kind != "person"


def _shape(entry: Entry) -> tuple[object, ...]:
    """Per-token case constraints of a phrase: any case, capital initial, or exact raw."""
    toks = phrase_tokens(entry.phrase)
    tabari = entry.source.startswith("tabari")
    out: list[object] = []
    capped = False
    for t in toks:
        raw = t.raw.replace(".", "")
        if tabari:
            # TABARI phrases are upper case: only the first content word must be capitalised
            if t.norm == "us" and len(toks) == 1:
                out.append("US")
            elif capped or t.norm in _STOP_NORMS or entry.role == "agent" or not t.is_word:
                out.append(_ANY)
            else:
                out.append(_CAP)
                capped = True
        elif is_acronym(t.raw) and len(raw.rstrip("s")) <= 3:
            out.append(raw)
        elif t.raw[:1].isupper():
            out.append(_CAP)
        else:
            out.append(_ANY)
    return tuple(out)


def _shape_ok(
    shape: tuple[object, ...], tokens: list[Token], i: int, caps_doubt: Callable[[int], bool]
) -> bool:
    for k, rule in enumerate(shape):
        tok = tokens[i + k]
        if rule == _ANY:
            continue
        if rule == _CAP:
            if not (tok.raw[:1].isupper() or not tok.raw[:1].isalpha()):
                return False
        else:
            raw = tok.raw.replace(".", "")
            if raw != rule:
                return False
            if raw in _CAPS_WORDS and "." not in tok.raw and caps_doubt(i + k):
                return False
    return True


class ActorDictionary:
    """A set of actor/agent phrases with fast matching (`find_mentions`) and `lookup`.

    Instances are cheap views over an immutable entry tuple and a lazily built trie;
    `merge` replaces them instead of mutating, so the cached `default()` stays intact.
    """

    def __init__(self, entries: Iterable[Entry], name: str = "custom") -> None:
        self._entries: tuple[Entry, ...] = tuple(entries)
        self._trie: dict[str, Any] | None = None
        self._heads: frozenset[str] | None = None
        self.name = name

    # ----------------------------------------------------------------- construction
    @classmethod
    def default(cls) -> ActorDictionary:
        """The built-in tables (built once per process; each call returns a fresh view)."""
        return _default_base().copy()

    @classmethod
    def from_csv(cls, path: str | Path) -> ActorDictionary:
        """A user dictionary in flashpoint's CSV format (see ``actors.user``)."""
        from flashpoint.actors.user import read_user_csv

        return cls(read_user_csv(path), name=str(path))

    @classmethod
    def from_tabari(
        cls, actors_path: str | Path | None = None, agents_path: str | Path | None = None
    ) -> ActorDictionary:
        """A dictionary from TABARI/PETRARCH ``.actors`` and/or ``.agents`` files."""
        from flashpoint.actors.tabari import read_actors, read_agents

        entries: list[Entry] = []
        if actors_path is not None:
            entries.extend(read_actors(actors_path))
        if agents_path is not None:
            entries.extend(read_agents(agents_path))
        return cls(entries, name=f"tabari:{actors_path or ''}+{agents_path or ''}")

    def copy(self) -> ActorDictionary:
        clone = ActorDictionary(self._entries, self.name)
        clone._trie = self._trie
        clone._heads = self._heads
        return clone

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def merge(self, other: ActorDictionary) -> list[Conflict]:
        """Add ``other``'s entries; where both define a phrase, ``other`` (the user) wins.

        A phrase defined here with a code that ``other`` does not give it is reported as a
        `Conflict`; all of this dictionary's entries for that phrase are then dropped.
        """
        theirs: dict[tuple[str, ...], list[Entry]] = {}
        for e in other._entries:
            theirs.setdefault(e.key, []).append(e)
        conflicts: list[Conflict] = []
        kept: list[Entry] = []
        for e in self._entries:
            rivals = theirs.get(e.key)
            if rivals is None:
                kept.append(e)
                continue
            codes = {r.code for r in rivals}
            if e.code not in codes:
                conflicts.append(Conflict(e.phrase, e.code, rivals[0].code, rivals[0].source))
        kept.extend(other._entries)
        self._entries = tuple(kept)
        self._trie = None
        self._heads = None
        for c in conflicts:
            logger.info(
                "actor dictionary conflict on %r: %s replaced by %s (%s)",
                c.phrase,
                c.ours,
                c.theirs,
                c.source,
            )
        return conflicts

    # ----------------------------------------------------------------- matching
    def _root(self) -> dict[str, Any]:
        if self._trie is None:
            root: dict[str, Any] = {}
            for e in self._entries:
                node = root
                for tok in e.key:
                    node = node.setdefault(tok, {})
                node.setdefault(_END, []).append((e, _shape(e)))
            self._trie = root
        return self._trie

    def _agent_heads(self) -> frozenset[str]:
        """First tokens of sector phrases ("troops", "officials"): the words after which
        an all-caps "US" is the country."""
        if self._heads is None:
            # civilian heads ("people", "women") are left out: "TELL US PEOPLE..." is a pronoun
            self._heads = frozenset(
                e.key[0] for e in self._entries if e.role == "agent" and e.key and e.agent != "CVL"
            )
        return self._heads

    def _scan(self, text: str, tokens: list[Token]) -> list[tuple[int, int, list[Entry]]]:
        root = self._root()
        caps_memo: list[bool] = []

        def caps_text() -> bool:
            if not caps_memo:
                caps_memo.append(mostly_upper(text))
            return caps_memo[0]

        def caps_doubt(k: int) -> bool:
            """In all-caps text "US"/"UN" may be pronouns/words, except where only the actor
            fits: "THE US", "US-CHINA", "US-LED", "US TROOPS", "UN PEACEKEEPERS"."""
            if not caps_text():
                return False
            tok = tokens[k]
            if tok.raw not in _CAPS_RESCUE:
                return True
            if k > 0 and tokens[k - 1].norm == "the":
                return False
            if k + 1 < n:
                nxt = tokens[k + 1]
                gap = text[tok.end : nxt.start]
                if gap == "-" and nxt.is_word:
                    return False
                if gap == " " and nxt.norm in self._agent_heads():
                    return False
            return True

        n = len(tokens)
        out: list[tuple[int, int, list[Entry]]] = []
        prev_end = -1

        def longest(i: int) -> tuple[int, list[Entry]] | None:
            node = root.get(tokens[i].norm)
            best: tuple[int, list[Entry]] | None = None
            j = i
            while node is not None:
                j += 1
                ents = node.get(_END)
                if ents:
                    ok = [e for e, shape in ents if _shape_ok(shape, tokens, i, caps_doubt)]
                    if ok:
                        ok = [
                            e for e in ok if not e.name_risk or self._name_safe(text, tokens, i, j, prev_end)
                        ]
                        if ok:
                            best = (j, ok)
                if j >= n:
                    break
                node = node.get(tokens[j].norm)
            return best

        i = 0
        while i < n:
            if tokens[i].norm not in root:
                i += 1
                continue
            best = longest(i)
            if best is None:
                i += 1
                continue
            if tokens[i].norm == "the" and best[0] < n and tokens[i + 1].norm in root:
                # "the West Bank": a longer phrase starting after "the" beats "the West"
                inner = longest(i + 1)
                if inner is not None and inner[0] > best[0]:
                    i += 1
                    continue
            out.append((i, best[0], best[1]))
            prev_end = best[0]
            i = best[0]
        return out

    @staticmethod
    def _name_safe(text: str, tokens: list[Token], i: int, j: int, prev_end: int) -> bool:
        """False when a name-like phrase is glued to another capitalised name word."""
        if j < len(tokens):
            nxt = tokens[j]
            if (
                nxt.is_word
                and nxt.cap
                and nxt.norm not in _NOT_NAME  # "Israel Friday reimposed", "Chad Monday said"
                and _TIGHT_RE.match(text[tokens[j - 1].end : nxt.start])
            ):
                return False
        if i > 0 and prev_end != i:
            prev = tokens[i - 1]
            if (
                prev.is_word
                and prev.cap
                and prev.norm not in _TITLE_NORMS
                and _TIGHT_RE.match(text[prev.end : tokens[i].start])
                and not sentence_initial(text, tokens, i - 1)
            ):
                return False
        return True

    def _resolve(self, entries: list[Entry], when: date | None, phrase: str) -> _Hit | None:
        """Pick the entry for the date and build an unplaced hit (token range set later)."""
        if len(entries) == 1 and not entries[0].dated:  # the common case, without the sorting
            e = entries[0]
            return _hit(e, f"'{phrase}': {_describe(e)}")
        entries = sorted(entries, key=lambda e: _ROLE_RANK.get(e.role, 9))
        undated = [e for e in entries if not e.dated]
        dated = [e for e in entries if e.dated]
        if when is not None and dated:
            cover = [e for e in dated if e.covers(when)]
            if cover:
                e = min(cover, key=lambda x: x.span_days())
                return _hit(e, f"'{phrase}': {e.name}, {_role(e)} {_range(e)} covers {when}")
        if undated:
            e = undated[0]
            return _hit(e, f"'{phrase}': {_describe(e)}")
        if not dated:
            return None
        if when is None:
            e = max(dated, key=lambda x: x.start or date.min)
            return _hit(e, f"'{phrase}': {e.name}, no date given: most recent role ({_role(e)} {_range(e)})")
        e = _nearest(dated, when)
        if e.kind == "person" and e.country:
            if e.country in ORG_COUNTRIES:  # a former UN official is no longer the UN
                return None
            h = _hit(
                e, f"'{phrase}': {e.name} has no dated role on {when}; resolved to the country {e.country}"
            )
            h.code, h.agent = e.country, None
            return h
        return None

    def find_mentions(
        self,
        text: str,
        when: date | None = None,
        context: ReferenceContext | None = None,
        *,
        offset: int = 0,
    ) -> list[Mention]:
        """Actor mentions in ``text``: non-overlapping, longest first, sorted by start.

        ``context`` (document state owned by the caller) resolves "the country", "the
        North", "the government"... and records the mentions found; ``offset`` is the
        clean-text offset of ``text`` so the context sees document positions (returned
        mentions always have offsets into ``text``).
        """
        tokens = tokenize(text)
        if not tokens:
            return []
        hits: list[_Hit] = []
        for i, j, entries in self._scan(text, tokens):
            phrase = text[tokens[i].start : tokens[j - 1].end]
            hit = self._resolve(entries, when, phrase)
            if hit is None:
                continue
            hit.i, hit.j, hit.first, hit.last = i, j, i, j
            hit.possessive = j < len(tokens) and tokens[j].norm == "'s"
            hits.append(hit)
        hits = _drop_faith_names(text, tokens, hits)
        hits = _drop_name_parts(text, tokens, hits)
        hits = _merge_agents(text, tokens, hits)
        _compose(text, tokens, hits)
        _national_peoples(text, tokens, hits)
        _ethnic_minorities(tokens, hits)
        _counted_people(text, tokens, hits)
        if context is not None:
            from flashpoint.actors.context import apply_context

            hits = apply_context(context, text, tokens, hits, offset)
        mentions: list[Mention] = []
        for h in hits:
            if h.dead or h.code is None:
                continue
            first = h.first
            if tokens[first].norm == "the" and first < h.last - 1 and h.role != "reference":
                first += 1
            start, end = tokens[first].start, tokens[h.last - 1].end
            span = text[start:end]
            for code in (h.code, *h.also):
                actor = Actor(code=code, name=h.name, country=h.country, agent=h.agent, kind=h.kind)
                mentions.append(Mention(start, end, span, actor, h.why))
        mentions.sort(key=lambda m: (m.start, m.end))
        if context is not None:
            context.record_all(mentions, offset, _plurals(hits, tokens, text))
        return mentions

    def known_spans(self, text: str, when: date | None = None) -> list[tuple[int, int]]:
        """Spans of every mention plus every listed non-actor phrase ("Indian Ocean"): what
        the dictionary already knows, so `unknown_noun_phrases` does not report it."""
        spans = [(m.start, m.end) for m in self.find_mentions(text, when)]
        tokens = tokenize(text)
        for i, j, entries in self._scan(text, tokens):
            if any(e.code is None for e in entries):
                spans.append((tokens[i].start, tokens[j - 1].end))
        return spans

    def _why_not(self, phrase: str, when: date | None) -> str:
        """Explain an unresolved phrase: a listed non-actor, a case rule, a date, or nothing."""
        tokens = tokenize(phrase)
        for _i, _j, entries in self._scan(phrase, tokens):
            nulls = [e for e in entries if e.code is None]
            if nulls:
                return f"'{nulls[0].phrase}' is listed as naming no actor ({nulls[0].name})"
            if all(e.dated for e in entries):
                return f"'{entries[0].phrase}' has no entry valid on {when}"
        if phrase.upper() != phrase and self.find_mentions(phrase.upper(), when):
            return "matches only in upper case (acronyms such as 'US' are case-sensitive: 'us' is a pronoun)"
        return "no dictionary phrase matches"

    def lookup(self, phrase: str, when: date | None = None) -> Resolution:
        """Resolve one phrase and say why; ``code`` is None when nothing resolves."""
        mentions = self.find_mentions(phrase, when)
        if not mentions:
            return Resolution(phrase, None, None, None, None, self._why_not(phrase, when))
        best = max(mentions, key=lambda m: m.end - m.start)
        a = best.actor
        why = best.why
        if len(best.text) < len(phrase.strip().rstrip("'’s")) - 4:
            why = f"{why} (matched '{best.text}' within the phrase)"
        if len({m.actor.code for m in mentions}) > 1:
            why = f"{why}; other actors in the phrase: " + ", ".join(
                sorted({m.actor.code for m in mentions if m is not best})
            )
        return Resolution(phrase, a.name, a.code, a.country, a.agent, why)


# --------------------------------------------------------------------------- helpers


@cache
def _default_base() -> ActorDictionary:
    from flashpoint.actors.tables import builtin_entries

    base = ActorDictionary(builtin_entries(), name="builtin")
    base._root()
    return base


def _live(hits: Sequence[_Hit]) -> list[_Hit]:
    return [h for h in hits if not h.dead and h.code is not None]


def _plurals(hits: Sequence[_Hit], tokens: list[Token], text: str) -> dict[tuple[int, int], bool]:
    out: dict[tuple[int, int], bool] = {}
    for h in _live(hits):
        strip = tokens[h.first].norm == "the" and h.first < h.last - 1 and h.role != "reference"
        first = h.first + 1 if strip else h.first
        plural = h.plural if h.plural is not None else h.entry.plural or _ends_plural(h, tokens)
        out[(tokens[first].start, tokens[h.last - 1].end)] = plural
    return out


def _ends_plural(h: _Hit, tokens: list[Token]) -> bool:
    last = tokens[h.last - 1].norm
    return last.endswith("s") and not last.endswith("ss") and h.kind != "country"


def _hit(e: Entry, why: str) -> _Hit:
    return _Hit(
        i=-1,
        j=-1,
        entry=e,
        code=e.code,
        country=e.country,
        agent=e.agent,
        kind=e.kind,
        name=e.name,
        why=why,
        also=e.also,
    )


def _role(e: Entry) -> str:
    return e.source.split(":", 1)[1] if e.source.startswith("builtin:") else "role"


def _range(e: Entry) -> str:
    return f"{e.start or '…'}..{e.end or 'today'}"


_ROLE_WORDS = {
    "name": "country name",
    "adjective": "country adjective/demonym",
    "capital": "capital used for the government",
    "metonym": "named institution",
    "org": "organisation/group",
    "person": "person",
    "agent": "sector phrase",
    "user": "user dictionary",
}


def _describe(e: Entry) -> str:
    what = _ROLE_WORDS.get(e.role, e.role)
    src = "" if e.source == "builtin" else f" [{e.source}]"
    return f"{what} -> {e.code} ({e.name}){src}"


def _nearest(dated: list[Entry], when: date) -> Entry:
    before = [e for e in dated if e.end is not None and e.end <= when]
    if before:
        return max(before, key=lambda e: e.end or date.min)
    return min(dated, key=lambda e: e.start or date.max)


def _combine(base: _Hit, agent: _Hit) -> tuple[str | None, str | None, str | None]:
    """Code, country and agent of an actor + sector combination."""
    ag = agent.agent or agent.code
    country = base.country
    if base.kind == "person" and base.country in ORG_COUNTRIES:
        root = base.code  # "Annan's spokesman": the organisation's code, not IGO
        if base.agent and root and root.endswith(base.agent):
            root = root[: -len(base.agent)]
    elif base.kind == "person" or (base.agent and base.kind == "country"):
        root = base.country
    elif base.agent:  # organisations and groups that carry their own sector keep it
        return base.code, base.country, base.agent
    else:
        root = base.code
    if root is None or ag is None:
        return base.code, country, base.agent
    if agent.entry.agent_prefix:
        return f"{ag}{root}", country, ag
    if root.endswith(ag):  # "Quibbler [HGWGOVMED] government newspaper [~GOVMED]": no doubling
        return root, country, ag
    return f"{root}{ag}", country, ag


def _gap(text: str, tokens: list[Token], a: int, b: int) -> str:
    """Text between token a-1 (end) and token b (start)."""
    return text[tokens[a - 1].end : tokens[b].start]


_PREPOSITIONS = frozenset(
    {
        "toward",
        "towards",
        "against",
        "over",
        "into",
        "about",
        "under",
        "between",
        "among",
        "amid",
        "across",
        "through",
        "via",
        "near",
        "despite",
        "without",
        "within",
        "upon",
        "around",
        "onto",
        "like",
        "beyond",
        "behind",
        "during",
        "since",
        "until",
    }
)
"""Prepositions end a noun phrase: "Japan toward immigrants" is not JPNCVL."""
_TITLE_MODS = frozenset({"elect", "designate", "interim", "acting", "former", "deputy", "then", "late"})


def _title_gap_ok(tokens: list[Token], a: int, b: int) -> bool:
    """Words between a title and a name are parts of the title ("Chief Minister", "then-
    President", "President-elect"), not a verb: "a Bosnian court sentenced Dodik"."""
    return all(tokens[k].cap or tokens[k].norm in _TITLE_MODS for k in range(a, b))


def _mods_ok(text: str, tokens: list[Token], a: int, b: int, allow_caps: bool) -> bool:
    """Tokens a..b-1 may sit between a country word and its sector noun."""
    if b - a > 2 or b >= len(tokens) + 1:
        return False
    for k in range(a, b):
        t = tokens[k]
        if (
            not t.is_word
            or t.norm in _STOP_NORMS
            or t.norm in _PROXY_MODS
            or t.norm in _PREPOSITIONS
            or (t.cap and not allow_caps)
        ):
            return False
    return all(k == 0 or _TIGHT_RE.match(_gap(text, tokens, k, k)) for k in range(a, b + 1))


_FAITHS = frozenset({"MOS", "SUN", "SHI", "DRZ", "CHR", "CTH", "JEW", "HIN", "BUD", "SIK"})
"""CAMEO religion codes used as sectors ("Muslim", "Christians", "Shiite")."""


def _drop_faith_names(text: str, tokens: list[Token], hits: list[_Hit]) -> list[_Hit]:
    """A faith word glued to an unknown capitalised word is a name ("Christian Lindner",
    "Christian Science Monitor"), not a religious group."""
    starts = {h.i for h in hits}
    out = []
    for h in hits:
        if h.is_agent and h.agent in _FAITHS and h.j < len(tokens) and h.j not in starts:
            nxt = tokens[h.j]
            if (
                nxt.is_word
                and nxt.cap
                and nxt.norm not in _NOT_NAME
                and _TIGHT_RE.match(_gap(text, tokens, h.j, h.j))
            ):
                continue
        out.append(h)
    return out


_LANDMARKS = frozenset(
    {
        "bridge",
        "street",
        "square",
        "avenue",
        "road",
        "airport",
        "stadium",
        "hotel",
        "park",
        "gate",
        "tower",
        "cup",
        "games",
        "prize",
    }
)
"""Capitalised nouns that make a preceding country or region word part of a name ("the
Europe Bridge", "Africa Cup", "India Gate"): a place or an event, not an actor."""
_COMPOUND_PREFIXES = frozenset({"multi", "one", "two", "single", "cross", "all", "inter", "non", "bi", "tri"})
"""Prefixes that glue a sector word into an adjective ("multi-party elections", "a one-party
state", "cross-party talks"): no party is named."""


def _drop_name_parts(text: str, tokens: list[Token], hits: list[_Hit]) -> list[_Hit]:
    """Drop matches that are only part of a longer name or compound word (see `_LANDMARKS`
    and `_COMPOUND_PREFIXES`)."""
    out = []
    for h in hits:
        if not h.is_agent and h.kind in ("country", "region") and h.j < len(tokens):
            nxt = tokens[h.j]
            if nxt.cap and nxt.norm in _LANDMARKS and _TIGHT_RE.match(_gap(text, tokens, h.j, h.j)):
                continue
        glued = h.i > 0 and text[tokens[h.i - 1].end : tokens[h.i].start] == "-"
        if h.is_agent and glued and tokens[h.i - 1].norm in _COMPOUND_PREFIXES:
            continue
        out.append(h)
    return out


def _merge_agents(text: str, tokens: list[Token], hits: list[_Hit]) -> list[_Hit]:
    """Adjacent sector phrases are one noun phrase whose head is the last: "government
    forces" -> MIL, "student protesters" -> CVL, "Islamist militants" -> REB; a representative
    head keeps its modifier's sector ("defense ministry spokesman" -> MIL)."""
    out: list[_Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.is_agent
            and h.is_agent
            and prev.j == h.i
            and not prev.possessive
            and _TIGHT_RE.match(_gap(text, tokens, h.i, h.i))
        ):
            if tokens[h.j - 1].norm in _REPRESENTATIVE or (prev.agent in _FAITHS and h.agent in _FAITHS):
                # "defense ministry spokesman" -> MIL; "Sunni Muslims" -> the narrower SUN
                prev.why = f"{prev.why} + '{_tok_text(text, tokens, h)}'"
                prev.j = prev.last = h.j
                prev.possessive = h.possessive
                continue
            h.why = f"'{_tok_text(text, tokens, prev)}' + {h.why}"
            if _stacks(prev, h):
                # TABARI agents stack: "Islamist media" -> ~MUS + ~MED = MUSMED
                h.agent = f"{prev.agent}{h.agent}"
                h.code = h.agent
            h.i = h.first = prev.i
            out[-1] = h
            continue
        out.append(h)
    return out


def _stacks(mod: _Hit, head: _Hit) -> bool:
    """True for two suffix agents of a TABARI dictionary, whose codes concatenate."""
    return (
        mod.entry.source.startswith("tabari")
        and head.entry.source.startswith("tabari")
        and not mod.entry.agent_prefix
        and not head.entry.agent_prefix
        and bool(mod.agent and head.agent)
    )


def _compose(text: str, tokens: list[Token], hits: list[_Hit]) -> None:
    """Join adjacent hits into actors (see the module docstring); marks absorbed hits dead."""
    n = len(hits)
    k = 0
    while k < n:
        h = hits[k]
        if h.dead:
            k += 1
            continue
        # coordination: C (, C)* and C [mods] AGENT
        if h.countryish and h.kind in ("country", "region") and not h.possessive:
            group = [h]
            m = k + 1
            while m < n and hits[m].countryish and hits[m].kind in ("country", "region"):
                if not _CONJ_RE.match(_span_gap(text, tokens, group[-1].j, hits[m].i)):
                    break
                group.append(hits[m])
                m += 1
            if len(group) > 1 and m < n and hits[m].is_agent and not group[-1].possessive:
                agent = hits[m]
                if _adjacent(text, tokens, group[-1].j, agent.i, agent):
                    for g in group:
                        code, country, ag = _combine(g, agent)
                        g.code, g.country, g.agent = code, country, ag
                        g.plural = agent.entry.plural
                        g.why = f"{g.why} + shared sector '{_tok_text(text, tokens, agent)}' ({agent.agent})"
                    group[-1].last = agent.j
                    agent.dead = True
                    k = m + 1
                    continue
        nxt = hits[k + 1] if k + 1 < n else None
        # title/country + person: "President Trump", "North Korean leader Kim Jong-Un"
        if (
            nxt is not None
            and nxt.kind == "person"
            and (h.is_agent or h.countryish)
            and _adjacent(text, tokens, h.j + (1 if h.possessive else 0), nxt.i, nxt)
            and _title_gap_ok(tokens, h.j + (1 if h.possessive else 0), nxt.i)
        ):
            _absorb_into_person(text, tokens, [h], nxt)
            k += 1
            continue
        if nxt is not None and nxt.is_agent and k + 2 < n and hits[k + 2].kind == "person" and h.countryish:
            person = hits[k + 2]
            if (
                _adjacent(text, tokens, h.j + (1 if h.possessive else 0), nxt.i, nxt)
                and _adjacent(text, tokens, nxt.j, person.i, person)
                and _title_gap_ok(tokens, nxt.j, person.i)
            ):
                _absorb_into_person(text, tokens, [h, nxt], person)
                k += 2
                continue
        # country/org/person's + sector: "North Korea's Defense Ministry", "Kenyan police"
        if (
            nxt is not None
            and nxt.is_agent
            and (h.countryish or (h.kind == "person" and h.possessive and h.country))
            and not h.is_agent
            and not _stance_prefixed(text, tokens, h)
        ):
            start = h.j + (1 if h.possessive else 0)
            if start <= nxt.i and _mods_ok(text, tokens, start, nxt.i, allow_caps=tokens[nxt.i].cap):
                code, country, ag = _combine(h, nxt)
                h.why = f"{h.why} + sector '{_tok_text(text, tokens, nxt)}' ({nxt.agent})"
                h.code, h.country, h.agent = code, country, ag
                h.plural = nxt.entry.plural
                if h.kind == "person":
                    h.kind, h.name = "country", f"{h.country} {nxt.agent}"
                h.last = nxt.j
                nxt.dead = True
                k += 2
                continue
        k += 1
    live = [h for h in hits if not h.dead]
    for k, h in enumerate(live):
        if h.dead:
            continue
        nxt = live[k + 1] if k + 1 < len(live) else None
        bare_agent = h.is_agent and h.last == h.j
        # sector of/for/from [the] X: "the President of the United States"
        if (
            bare_agent
            and nxt is not None
            and not nxt.dead
            and _of_link(text, tokens, h.j, nxt.first)
            and _of_merge(text, tokens, h, nxt)
        ):
            continue
        # title + unknown name + of/for [the] country: "King Hassan of Morocco"
        if (
            bare_agent
            and nxt is not None
            and not nxt.dead
            and _named_of(text, tokens, h, nxt)
            and _of_merge(text, tokens, h, nxt)
        ):
            continue
        # title + unknown name: "Foreign Minister Wang Wenbin", "Israeli President Moshe Katsav"
        titled = bare_agent or (h.last > h.j and h.agent is not None and h.kind != "person")
        last = tokens[h.last - 1]
        if titled and last.cap and not last.norm.endswith("s") and last.norm not in _INSTITUTION_HEADS:
            end = h.last
            stop = nxt.first if nxt is not None else len(tokens)
            while (
                end < stop
                and end - h.last < 3
                and tokens[end].is_word
                and tokens[end].cap
                and tokens[end].norm not in _NOT_NAME
            ):
                if not _TIGHT_RE.match(_gap(text, tokens, end, end)):
                    break
                end += 1
            if end > h.last and (not sentence_initial(text, tokens, h.i) or h.last - h.i > 1):
                h.why = f"{h.why} + name '{text[tokens[h.last].start : tokens[end - 1].end]}'"
                h.last = end


def _named_of(text: str, tokens: list[Token], h: _Hit, x: _Hit) -> bool:
    """True for "TITLE Name [Name] of/for [the] COUNTRY" ("King Hassan of Morocco", "Prime
    Minister Ali Khan of Pakistan"): the country owns the titled person, even at the start of a
    sentence, where a lone capitalised word after a title is otherwise not trusted as a name."""
    if not (x.countryish and x.kind == "country" and x.agent is None and not x.is_agent):
        return False
    k = h.j
    while k < x.first and k - h.j < 3:
        tok = tokens[k]
        if not (tok.is_word and tok.cap and tok.norm not in _NOT_NAME and tok.norm not in _OF_PREPS):
            break
        if not _TIGHT_RE.match(_gap(text, tokens, k, k)):
            return False
        k += 1
    return k > h.j and _of_link(text, tokens, k, x.first)


def _national_peoples(text: str, tokens: list[Token], hits: list[_Hit]) -> None:
    """ "Iraqi Kurds", "Turkish Kurd refugees": a country word glued before a people without a
    state of its own (a group with no country and no sector, such as the CAMEO ethnic code
    KUR) names that people in that country.  The country comes from the demonym and leads the
    code (IRQKUR, TURKURREF); the people stays in the code as the secondary element."""
    live = [h for h in hits if not h.dead and h.code is not None]
    for a, b in zip(live, live[1:], strict=False):
        if a.kind != "country" or a.entry.role not in ("adjective", "name") or a.agent or a.possessive:
            continue
        if a.last != a.j or a.country is None or b.first != a.last:
            continue
        if b.kind != "group" or b.entry.country is not None or b.entry.agent is not None:
            continue
        if not _TIGHT_RE.match(_gap(text, tokens, b.first, b.first)):
            continue
        b.code = f"{a.country}{b.code}"
        b.country = a.country
        b.why = f"'{_tok_text(text, tokens, a)}' + {b.why}: that people in {a.country}"
        b.first = a.first
        a.dead = True


def _ethnic_minorities(tokens: list[Token], hits: list[_Hit]) -> None:
    """ "ethnic Albanians", "ethnic Russian separatists": a minority, not the state named by
    the demonym (ethnic Albanians in Macedonia are not Albania).  The hit keeps its sector
    (civilians when none is given) and loses the country, which the coder may take from the
    place the text names."""
    for h in hits:
        if h.dead or h.code is None or h.entry.role != "adjective" or h.first == 0:
            continue
        if tokens[h.first - 1].norm != "ethnic":
            continue
        h.code = h.agent = h.agent or "CVL"
        h.why = f"'ethnic' + {h.why}: a minority, not the state {h.country}"
        h.country, h.kind = None, "sector"
        h.first -= 1


_STANCE = frozenset({"anti", "pro"})


def _stance_prefixed(text: str, tokens: list[Token], h: _Hit) -> bool:
    """True for "anti-Syria journalist", "pro-Iranian militia": the country is what the
    noun is for or against, not its owner, so country and sector stay apart."""
    k = h.i
    return k > 0 and tokens[k - 1].norm in _STANCE and text[tokens[k - 1].end : tokens[k].start] == "-"


_QUANTIFIERS = frozenset(
    {
        "hundreds",
        "thousands",
        "dozens",
        "millions",
        "scores",
        "tens",
        "many",
        "several",
        "some",
        "few",
        "more",
        "young",
        "ordinary",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
    }
)


def _counted_people(text: str, tokens: list[Token], hits: list[_Hit]) -> None:
    """Counted plural demonyms are people, not the state: "arrested 100 Palestinians",
    "thousands of Nigerians", "young Algerians" -> civilians of that country (PSECVL)."""
    for h in hits:
        if h.dead or h.code is None or h.entry.role != "adjective" or not h.entry.plural:
            continue
        if h.last != h.j or h.agent is not None or h.first == 0 or h.country is None:
            continue
        prev = tokens[h.first - 1]
        counted = prev.raw[:1].isdigit() or prev.norm in _QUANTIFIERS
        if not counted and prev.norm == "of" and h.first >= 2:
            counted = tokens[h.first - 2].norm in _QUANTIFIERS
        if counted:
            h.code, h.agent = f"{h.country}CVL", "CVL"
            h.why = f"{h.why}; counted people ('{prev.raw} ...') are civilians"


def _span_gap(text: str, tokens: list[Token], j: int, i: int) -> str:
    """Text between a hit ending before token j and a hit starting at token i."""
    if j > i or j <= 0:
        return "<none>"
    return text[tokens[j - 1].end : tokens[i].start]


def _adjacent(text: str, tokens: list[Token], j: int, i: int, nxt: _Hit) -> bool:
    """True when only modifiers (at most two plain words) sit between token j and i."""
    if j > i:
        return False
    return _mods_ok(text, tokens, j, i, allow_caps=tokens[i].cap)


def _tok_text(text: str, tokens: list[Token], h: _Hit) -> str:
    return text[tokens[h.i].start : tokens[h.j - 1].end]


def _absorb_into_person(text: str, tokens: list[Token], chain: list[_Hit], person: _Hit) -> None:
    first = chain[0]
    person.first = first.first
    words = " + ".join(f"'{_tok_text(text, tokens, c)}'" for c in chain)
    person.why = f"{person.why} (with {words})"
    title = next((c for c in reversed(chain) if c.is_agent and c.agent), None)
    if title is not None and person.agent is None and person.country and person.code == person.country:
        # out of the role's dates, but the text gives a title: "President Obama", "former
        # President Obama" (the agent "former president" is ELI)
        person.code, person.agent = f"{person.country}{title.agent}", title.agent
        person.why += f"; the title gives {title.agent}"
    for c in chain:
        c.dead = True


def _of_link(text: str, tokens: list[Token], j: int, i: int) -> bool:
    if not (j < i <= j + 2):
        return False
    words = [t.norm for t in tokens[j:i]]
    return words[0] in _OF_PREPS and (len(words) == 1 or words[1] == "the")


def _of_merge(text: str, tokens: list[Token], h: _Hit, x: _Hit) -> bool:
    """Merge "AGENT of/for/from [the] X"; returns True when merged."""
    representative = tokens[h.i].norm in _REPRESENTATIVE or tokens[h.j - 1].norm in _REPRESENTATIVE
    if x.is_agent or (x.countryish and x.agent):
        if not representative:
            return False
        code, country, ag = x.code, x.country, x.agent
    elif x.countryish:
        code, country, ag = _combine(x, h)
    else:
        return False
    x.code, x.country, x.agent = code, country, ag
    if not x.is_agent:
        x.plural = h.entry.plural
    x.why = f"'{_tok_text(text, tokens, h)}' of {x.why}"
    x.first = h.first
    if x.is_agent:
        x.kind = "sector"
    h.dead = True
    return True


def replace_actor(mention: Mention, **changes: Any) -> Mention:
    """A copy of ``mention`` with some actor fields changed."""
    return replace(mention, actor=replace(mention.actor, **changes))
