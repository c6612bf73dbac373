"""User dictionaries in flashpoint's own CSV format.

Header (required): ``phrase,code,name,country,agent,start,end`` (an optional ``kind``
column names the Actor kind).  ``phrase`` may list variants separated by ``;``.  Dates are
ISO (``start`` inclusive, ``end`` exclusive, empty = open).  A row with no country whose
``code`` equals its ``agent`` is a sector phrase: it combines with a preceding country like
the built-in agents ("coast guard,MIL,,,MIL,," makes "Chinese coast guard" -> CHNMIL).
"""

from __future__ import annotations

import csv
from pathlib import Path

from flashpoint.actors.entries import Entry
from flashpoint.actors.tables import org_country, parse_date, split_list
from flashpoint.actors.text import phrase_key
from flashpoint.errors import DictionaryError

REQUIRED = ("phrase", "code", "name", "country", "agent", "start", "end")
KINDS = ("country", "igo", "group", "person", "sector", "region")


def read_user_csv(path: str | Path) -> list[Entry]:
    """Entries of a user CSV; malformed rows raise DictionaryError(path, line, problem)."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryError(where, None, f"cannot read: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise DictionaryError(where, 1, f"missing column(s) {', '.join(missing)}; need {','.join(REQUIRED)}")
    entries: list[Entry] = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise DictionaryError(where, line, "more cells than header columns")
        phrases = split_list(row["phrase"])
        code = (row["code"] or "").strip().upper()
        if not phrases:
            raise DictionaryError(where, line, "empty phrase")
        if not code or not code.replace("~", "").isalnum():
            raise DictionaryError(where, line, f"bad code {row['code']!r}")
        country = (row["country"] or "").strip().upper() or None
        agent = (row["agent"] or "").strip().upper() or None
        start = parse_date(row["start"], where, line)
        end = parse_date(row["end"], where, line)
        if start and end and start > end:
            raise DictionaryError(where, line, f"start {start} is after end {end}")
        is_agent = country is None and agent is not None and code == agent
        kind = (row.get("kind") or "").strip() or ("sector" if is_agent else "country")
        if kind not in KINDS:
            raise DictionaryError(where, line, f"kind {kind!r} is not one of {', '.join(KINDS)}")
        country = org_country(kind, country, agent)  # IGO/NGO as in the built-in table
        name = (row["name"] or "").strip() or phrases[0]
        for phrase in phrases:
            key = phrase_key(phrase)
            if not key:
                raise DictionaryError(where, line, f"phrase {phrase!r} has no words")
            entries.append(
                Entry(
                    phrase=phrase,
                    key=key,
                    code=code,
                    name=name,
                    country=country,
                    agent=agent,
                    kind=kind,
                    role="agent" if is_agent else ("person" if kind == "person" else "user"),
                    start=start,
                    end=end,
                    name_risk=kind == "person" and len(key) == 1,
                    source=f"user:{where}:{line}",
                )
            )
    return entries
