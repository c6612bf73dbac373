"""Importing TABARI/PETRARCH ``.actors`` and ``.agents`` dictionaries.

Actors file::

    NORTH_KOREA  [PRK]          # underscores join words; '#' starts a comment
    +PYONGYANG                  # synonym of the entry above
    GOLLUM                      # codes may follow on indented lines, with dates:
        [HOB < 950601]          #   before (exclusive)       YYMMDD or YYYYMMDD
        [HOBGOV 19950601 - 19990815]   # range (inclusive)
        [HOBREB > 990816]       #   after
    LORIEN [ELR/GAL]            # compound: one mention per code
    BOROMIR [---]               # null code: matched, names no actor

Agents file::

    !PERSON! = MAN, MEN, WOMAN, WOMEN     # substitution macro
    CONGRESS!PERSON! [~LEG]               # expands to CONGRESSMAN, CONGRESSMEN...
    TROOPS {} [~MIL]                      # {} no plural; {X} explicit plural;
    SOLDIER [~MIL]                        # none: regular plural (SOLDIERS)
    HUMAN_RIGHTS_BODY [NGO~]              # ~ after: the code goes before the country

``<!-- ... -->`` comments may span lines.  Two-digit years pivot at 30 (``450703`` is
1945-07-03, ``080120`` is 2008-01-20).  A trailing underscore (``ARNOR_``) asks for an
exact word; flashpoint always matches whole words, so it is simply dropped (TABARI's stem
matching of words without it is not implemented).  Malformed lines raise
``DictionaryError(path, line, problem)``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flashpoint.actors.entries import Entry
from flashpoint.actors.tables import country_codes
from flashpoint.actors.text import phrase_key
from flashpoint.errors import DictionaryError

logger = logging.getLogger(__name__)

_BLOCK_RE = re.compile(r"\[([^\[\]]*)\]")
_CODE_RE = re.compile(
    r"^\s*(?P<code>[A-Za-z0-9~/+]*[A-Za-z~+][A-Za-z0-9~/+]*|-+)?\s*"
    r"(?:(?P<op>[<>])\s*(?P<d1>\d{6}|\d{8})|(?P<a>\d{6}|\d{8})\s*-\s*(?P<b>\d{6}|\d{8}))?\s*$"
)
_MACRO_DEF_RE = re.compile(r"^(![A-Za-z0-9_]+!)\s*=\s*(.+)$")
_MACRO_RE = re.compile(r"![A-Za-z0-9_]+!")
_PLURAL_RE = re.compile(r"\{([^{}]*)\}")
_AGENT_CODES = frozenset(
    [
        "GOV",
        "MIL",
        "COP",
        "JUD",
        "LEG",
        "OPP",
        "PTY",
        "REB",
        "CVL",
        "JRN",
        "MED",
        "BUS",
        "EDU",
        "REL",
        "REF",
        "CRM",
        "SPY",
        "LAB",
        "HLH",
        "IGO",
        "NGO",
        "ELI",
        "INS",
        "AGR",
        "ENV",
        "MOD",
        "RAD",
        "UAF",
        "HRI",
    ]
)


@dataclass
class _Pending:
    phrases: list[str]
    line: int
    codes: list[tuple[str | None, tuple[str, ...], date | None, date | None]] = field(default_factory=list)


def strip_block_comments(text: str) -> tuple[list[tuple[int, str]], int | None]:
    """Every line of a TABARI/PETRARCH dictionary with ``<!-- -->`` comments (also the sloppy
    ``<! --``) cut out, and the line where an unclosed comment starts (None when all close).

    Shared by the actor/agent and the verb/discard readers; each applies its own ``#`` rule.
    """
    out: list[tuple[int, str]] = []
    in_comment = False
    opened: int | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw
        kept = ""
        while line:
            if in_comment:
                end = line.find("-->")
                if end < 0:
                    break
                line = line[end + 3 :]
                in_comment = False
            else:
                start = line.find("<!")
                if start < 0:
                    kept += line
                    break
                kept += line[:start]
                line = line[start + 2 :]
                in_comment = True
                opened = lineno
        out.append((lineno, kept))
    return out, opened if in_comment else None


def _strip_comments(path: str, text: str) -> list[tuple[int, str]]:
    """Lines with ``<!-- -->`` and ``#`` comments removed (an unclosed comment is a warning)."""
    lines, unclosed = strip_block_comments(text)
    if unclosed is not None:
        logger.warning("%s: unterminated <!-- comment at end of file", path)
    return [(lineno, kept.split("#", 1)[0].rstrip()) for lineno, kept in lines]


def _date(path: str, line: int, value: str) -> date:
    try:
        if len(value) == 6:
            yy = int(value[:2])
            year = 1900 + yy if yy >= 30 else 2000 + yy
            return date(year, int(value[2:4]), int(value[4:6]))
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise DictionaryError(path, line, f"bad date {value!r}") from exc


def _code_block(
    path: str, line: int, body: str
) -> tuple[str | None, tuple[str, ...], date | None, date | None]:
    m = _CODE_RE.match(body)
    if m is None or not m.group("code"):
        raise DictionaryError(path, line, f"malformed code block [{body}]")
    code = m.group("code").strip().upper()
    start = end = None
    if m.group("op") == "<":
        end = _date(path, line, m.group("d1"))
    elif m.group("op") == ">":
        start = _date(path, line, m.group("d1")) + timedelta(days=1)
    elif m.group("a"):
        start = _date(path, line, m.group("a"))
        end = _date(path, line, m.group("b")) + timedelta(days=1)
        if start >= end:
            raise DictionaryError(path, line, f"date range [{body}] ends before it starts")
    parts = [p for p in code.split("/") if p]
    real = [p for p in parts if any(c.isalnum() for c in p)]
    if not real:
        return None, (), start, end
    return real[0], tuple(real[1:]), start, end


def _clean_phrase(text: str) -> str:
    return text.strip().strip("_").replace("_", " ").strip()


def _actor_entries(path: str, pending: _Pending) -> list[Entry]:
    if not pending.codes:
        raise DictionaryError(path, pending.line, f"actor {pending.phrases[0]!r} has no [CODE]")
    iso = country_codes()
    out: list[Entry] = []
    name = _clean_phrase(pending.phrases[0]).title()
    for phrase in pending.phrases:
        clean = _clean_phrase(phrase)
        key = phrase_key(clean)
        if not key:
            raise DictionaryError(path, pending.line, f"empty phrase {phrase!r}")
        for code, also, start, end in pending.codes:
            country = agent = None
            if code and code[:3] in iso:
                country = code[:3]
                if code[3:] in _AGENT_CODES:
                    agent = code[3:]
            out.append(
                Entry(
                    phrase=clean,
                    key=key,
                    code=code,
                    name=name,
                    country=country,
                    agent=agent,
                    kind="country",
                    role="name",
                    start=start,
                    end=end,
                    also=also,
                    source=f"tabari:{path}:{pending.line}",
                )
            )
    return out


def read_actors(path: str | Path) -> list[Entry]:
    """Entries of a TABARI/PETRARCH ``.actors`` file."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DictionaryError(where, None, f"cannot read: {exc}") from exc
    entries: list[Entry] = []
    pending: _Pending | None = None
    for lineno, line in _strip_comments(where, text):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("[") or (line[:1].isspace() and "[" in stripped and stripped.find("[") == 0):
            if pending is None:
                raise DictionaryError(where, lineno, "code block with no actor before it")
            for body in _BLOCK_RE.findall(stripped):
                pending.codes.append(_code_block(where, lineno, body))
            if not _BLOCK_RE.search(stripped):
                raise DictionaryError(where, lineno, f"unclosed code block {stripped!r}")
            continue
        if stripped.startswith("+"):
            if pending is None:
                raise DictionaryError(where, lineno, "synonym (+) with no actor before it")
            synonym = _BLOCK_RE.sub("", stripped[1:]).strip()
            if not synonym:
                raise DictionaryError(where, lineno, "empty synonym")
            pending.phrases.append(synonym)
            continue
        if "[" in stripped and "]" not in stripped:
            raise DictionaryError(where, lineno, f"unclosed code block in {stripped!r}")
        if "]" in stripped and "[" not in stripped:
            raise DictionaryError(where, lineno, f"stray ']' in {stripped!r}")
        if pending is not None:
            entries.extend(_actor_entries(where, pending))
        phrase = stripped.split("[", 1)[0].strip()
        if not phrase:
            raise DictionaryError(where, lineno, "code block with no phrase")
        pending = _Pending([phrase], lineno)
        for body in _BLOCK_RE.findall(stripped):
            pending.codes.append(_code_block(where, lineno, body))
    if pending is not None:
        entries.extend(_actor_entries(where, pending))
    logger.info("%s: %d actor phrases", where, len(entries))
    return entries


def _regular_plural(word: str) -> str:
    upper = word.isupper()
    w = word.lower()
    if w.endswith("y") and w[-2:-1] not in ("a", "e", "i", "o", "u"):
        p = w[:-1] + "ies"
    elif w.endswith(("s", "x", "ch", "sh")):
        p = w + "es"
    elif w.endswith("man"):
        p = w[:-3] + "men"
    else:
        p = w + "s"
    return p.upper() if upper else p


def read_agents(path: str | Path) -> list[Entry]:
    """Entries of a TABARI/PETRARCH ``.agents`` file (sector phrases)."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DictionaryError(where, None, f"cannot read: {exc}") from exc
    macros: dict[str, list[str]] = {}
    entries: list[Entry] = []
    for lineno, line in _strip_comments(where, text):
        stripped = line.strip()
        if not stripped:
            continue
        m = _MACRO_DEF_RE.match(stripped)
        if m:
            values = [v.strip() for v in m.group(2).split(",") if v.strip()]
            if not values:
                raise DictionaryError(where, lineno, f"macro {m.group(1)} has no values")
            macros[m.group(1).upper()] = values
            continue
        blocks = _BLOCK_RE.findall(stripped)
        if len(blocks) != 1:
            raise DictionaryError(where, lineno, f"agent line needs exactly one [CODE]: {stripped!r}")
        head = stripped.split("[", 1)[0]
        plural_m = _PLURAL_RE.search(head)
        phrase = _PLURAL_RE.sub("", head).strip()
        if not phrase:
            raise DictionaryError(where, lineno, "agent with no phrase")
        raw_code = blocks[0].replace(" ", "").upper()
        if not raw_code or not raw_code.replace("~", "").isalnum():
            raise DictionaryError(where, lineno, f"malformed agent code [{blocks[0]}]")
        prefix = raw_code.endswith("~") and not raw_code.startswith("~")
        agent = raw_code.replace("~", "")
        forms = _expand(where, lineno, phrase, macros)
        plurals: list[str] = []
        if plural_m is None:
            if not _MACRO_RE.search(phrase):
                words = _clean_phrase(phrase).split(" ")
                plurals.append(" ".join([*words[:-1], _regular_plural(words[-1])]))
        elif plural_m.group(1).strip():
            plurals.extend(_expand(where, lineno, plural_m.group(1).strip(), macros))
        for form, is_plural in [(f, False) for f in forms] + [(p, True) for p in plurals]:
            clean = _clean_phrase(form)
            key = phrase_key(clean)
            if not key:
                continue
            entries.append(
                Entry(
                    phrase=clean,
                    key=key,
                    code=f"{agent}~" if prefix else agent,
                    name=clean.lower(),
                    agent=agent,
                    kind="sector",
                    role="agent",
                    plural=is_plural,
                    agent_prefix=prefix,
                    source=f"tabari:{where}:{lineno}",
                )
            )
    logger.info("%s: %d agent phrases", where, len(entries))
    return entries


def _expand(path: str, line: int, phrase: str, macros: dict[str, list[str]]) -> list[str]:
    names = _MACRO_RE.findall(phrase)
    if not names:
        return [phrase]
    name = names[0].upper()
    if name not in macros:
        raise DictionaryError(path, line, f"undefined substitution macro {names[0]}")
    out: list[str] = []
    for value in macros[name]:
        out.extend(_expand(path, line, phrase.replace(names[0], value, 1), macros))
    return out
