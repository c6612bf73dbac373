"""Loading the built-in actor tables (package data under ``actors/data/``) into entries.

The tables are project-written CSV files with ``;``-separated phrase lists:

- ``countries.csv``: ``code,name,aliases,adjectives,capitals,flags`` - every ISO 3166-1
  country plus Kosovo (XKX) and the user-assigned XNC (Northern Cyprus) and XSL
  (Somaliland).  Names, aliases and adjectives resolve to the bare country; capitals resolve
  to the country's government (``Pyongyang`` -> ``PRKGOV``), the usual news metonym.
  ``flags=risky`` marks names that are also first names (Jordan, Chad, Georgia, Israel).
- ``agents.csv``: ``phrase,agent,plural,note`` - sector phrases; ``plural`` is the plural
  form, ``-`` for none.
- ``actors.csv``: ``phrases,code,name,country,agent,kind`` - seats of power, organisations,
  armed and political groups, regions.
- ``people.csv``: ``name,aliases,code,role,start,end,kind`` - dated roles (ISO dates, start
  inclusive, end exclusive, empty = open).
- ``nonactors.csv``: ``phrase,reason`` - phrases that block a shorter false match
  ("Indian Ocean", "New Mexico", "Asian Americans").

Code conventions (CAMEO, as PETRARCH dictionaries and GDELT write them):

- intergovernmental organisations keep their own code, as the event record promises:
  ``UNO`` (UN and its agencies), ``EUR`` (EU), ``AFR`` (African Union), ``NATO``...; a
  sector follows (``UNOMIL`` UN peacekeepers).  Their country field is the PLOVER
  pseudo-country ``IGO`` (rows of kind ``igo``); transnational non-governmental
  organisations (kind ``group``, sector ``NGO``, no country: Amnesty, the Red Cross, MSF)
  get ``NGO``.  So an organisation never takes a country from its context ("Amnesty
  demanded that the Sudanese government..." is not SDNNGO).  Officials listed in
  ``people.csv`` under an organisation's code (Kofi Annan, UNO) get the same country.
  (CAMEO's full form prefixes the type, ``IGOUNO``; exports that need it can add the prefix.)
- regions and peoples tied to one state resolve to that state ("Darfur rebels" -> SDNREB,
  "Chechens", "Uyghurs", "Tamils", "Rohingya"); Kurds, spread over four states, get the CAMEO
  ethnic code ``KUR`` with no country; "ethnic <demonym>" names a minority, not the state
  ("ethnic Albanians" -> CVL, no country: see ``dictionary``).
- religions are sectors with CAMEO religion codes: MOS (Muslim), SUN, SHI, DRZ, CHR, CTH
  (Catholic), JEW, HIN, BUD, SIK ("Egyptian Muslims" -> EGYMOS).
- CAMEO has no sector for prisoners or terrorists: prisoners, detainees and inmates are
  civilians (CVL), terrorists and jihadists armed non-state groups (REB); militias and
  gunmen stay REB (the pro-government kind cannot be told from the phrase).  "The West" is
  the region WST.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources

from flashpoint.actors.entries import Entry
from flashpoint.actors.text import phrase_key
from flashpoint.errors import DictionaryError
from flashpoint.models import ORG_COUNTRIES

logger = logging.getLogger(__name__)

DATA = "flashpoint.actors"
TABLES = ("countries.csv", "agents.csv", "actors.csv", "people.csv", "nonactors.csv")


def split_list(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a packaged table, with the file name and line in any error."""
    text = resources.files(DATA).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def parse_date(value: str, path: str, line: int) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DictionaryError(path, line, f"date {value!r} is not ISO YYYY-MM-DD") from exc


def _entry(phrase: str, **kwargs: object) -> Entry | None:
    key = phrase_key(phrase)
    if not key:
        return None
    return Entry(phrase=phrase, key=key, **kwargs)  # type: ignore[arg-type]


def country_entries() -> Iterator[Entry]:
    for row in read_table("countries.csv"):
        code, name = row["code"], row["name"]
        risky = "risky" in row.get("flags", "")
        for phrase in [name, *split_list(row["aliases"])]:
            e = _entry(
                phrase, code=code, name=name, country=code, kind="country", role="name", name_risk=risky
            )
            if e:
                yield e
        for phrase in split_list(row["adjectives"]):
            plural = phrase.endswith("s") and not phrase.endswith(("ss", "ese", "Swiss"))
            e = _entry(
                phrase, code=code, name=name, country=code, kind="country", role="adjective", plural=plural
            )
            if e:
                yield e
        for phrase in split_list(row["capitals"]):
            e = _entry(
                phrase,
                code=f"{code}GOV",
                name=f"{name} government ({phrase})",
                country=code,
                agent="GOV",
                kind="country",
                role="capital",
            )
            if e:
                yield e


def _plural_of(phrase: str) -> str:
    words = phrase.split(" ")
    last = words[-1]
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last = last + "es"
    else:
        last = last + "s"
    return " ".join([*words[:-1], last])


def agent_entries() -> Iterator[Entry]:
    for row in read_table("agents.csv"):
        phrase, agent, plural = row["phrase"], row["agent"], row["plural"].strip()
        is_plural = phrase.endswith(("ies", "forces", "troops", "authorities", "marines", "guards"))
        e = _entry(
            phrase, code=agent, name=phrase, agent=agent, kind="sector", role="agent", plural=is_plural
        )
        if e:
            yield e
        if plural != "-":
            form = plural or _plural_of(phrase)
            e = _entry(form, code=agent, name=phrase, agent=agent, kind="sector", role="agent", plural=True)
            if e:
                yield e


def org_country(kind: str, country: str | None, agent: str | None) -> str | None:
    """The country of an actors.csv row: its own, else ``IGO`` for intergovernmental
    organisations and ``NGO`` for transnational non-governmental ones (see the module
    docstring)."""
    if country:
        return country
    if kind == "igo":
        return "IGO"
    if kind == "group" and agent == "NGO":
        return "NGO"
    return None


def actor_entries() -> Iterator[Entry]:
    for row in read_table("actors.csv"):
        kind = row["kind"]
        role = "metonym" if kind == "country" else "org"
        for phrase in split_list(row["phrases"]):
            e = _entry(
                phrase,
                code=row["code"],
                name=row["name"],
                country=org_country(kind, row["country"] or None, row["agent"] or None),
                agent=row["agent"] or None,
                kind=kind,
                role=role,
                plural=phrase.endswith(("is", "ists", "ans")) and kind == "group",
            )
            if e:
                yield e


def people_entries() -> Iterator[Entry]:
    path = "people.csv"
    for line, row in enumerate(read_table(path), start=2):
        code = row["code"]
        start = parse_date(row["start"], path, line)
        end = parse_date(row["end"], path, line)
        # "UNO" (Kofi Annan) is an organisation code, not a country + sector
        country = code[:3] if code[:3] in _country_codes() else None
        agent = code[3:] or None if country else None
        if country is None:
            country = org_codes().get(code)
        kind = row.get("kind") or "person"
        names = [row["name"], *split_list(row["aliases"])]
        seen: set[tuple[str, ...]] = set()
        for phrase in names:
            key = phrase_key(phrase)
            if not key or key in seen:
                continue
            seen.add(key)
            yield Entry(
                phrase=phrase,
                key=key,
                code=code,
                name=row["name"],
                country=country,
                agent=agent,
                kind=kind,
                role="person" if kind == "person" else "org",
                start=start,
                end=end,
                name_risk=kind == "person" and len(key) == 1,
                plural=kind == "group",
                source=f"builtin:{row['role']}",
            )


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in read_table("countries.csv"))


@cache
def org_codes() -> dict[str, str]:
    """Organisation code (``UNO``, ``UNOHLH``, ``NATO``, ``NGO``) -> its IGO/NGO country,
    from actors.csv: what an official listed under that code belongs to."""
    out: dict[str, str] = {}
    for row in read_table("actors.csv"):
        cc = org_country(row["kind"], row["country"] or None, row["agent"] or None)
        if cc in ORG_COUNTRIES and not row["country"]:
            out.setdefault(row["code"], cc)
    return out


@cache
def country_names() -> dict[str, str]:
    """Country code -> display name."""
    return {r["code"]: r["name"] for r in read_table("countries.csv")}


@cache
def _capitals() -> dict[tuple[str, ...], str]:
    return {
        phrase_key(cap): r["code"] for r in read_table("countries.csv") for cap in split_list(r["capitals"])
    }


def capital_country(phrase: str) -> str | None:
    """The country whose capital ``phrase`` names ("Algiers" -> DZA), else None.  A capital
    names the government as an actor ("Algiers said"), but the country where it is a place
    ("a curfew in Algiers")."""
    return _capitals().get(phrase_key(phrase))


def country_codes() -> frozenset[str]:
    """The ISO alpha-3 (plus XKX/XNC/XSL) codes of the country table."""
    return _country_codes()


def nonactor_entries() -> Iterator[Entry]:
    """Phrases that contain an actor word but name none ("Indian Ocean", "New Mexico"):
    matched as longer phrases with no code, so they block the shorter false match."""
    for row in read_table("nonactors.csv"):
        e = _entry(row["phrase"], code=None, name=row["reason"], kind="country", role="null")
        if e:
            yield e


def builtin_entries() -> list[Entry]:
    """All entries of the built-in tables."""
    out: list[Entry] = []
    for gen in (country_entries, agent_entries, actor_entries, people_entries, nonactor_entries):
        out.extend(gen())
    logger.debug("built-in actor tables: %d entries", len(out))
    return out
