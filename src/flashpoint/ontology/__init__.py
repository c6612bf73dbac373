"""CAMEO and PLOVER ontology tables: code names, Goldstein weights, QuadClass, CAMEO -> PLOVER.

The tables are the project's own CSV package data under ``ontology/data/`` (see each file's header
for its source and license), read once and cached, so every stage and every event record agrees on
one version of the ontology (``ONTOLOGY_VERSION``).  Unknown codes raise ``OntologyError`` instead
of turning into a silent ``None``, because a wrong code in an event record is a bug, not data.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

from flashpoint.errors import OntologyError
from flashpoint.models import Plover

__all__ = [
    "ONTOLOGY_VERSION",
    "PLOVER_TYPES",
    "QUAD_CLASS_NAMES",
    "CameoCode",
    "PloverType",
    "all_cameo",
    "cameo",
    "cameo_plover_basis",
    "is_cameo",
    "normalise_plover",
    "plover_contexts",
    "plover_for",
    "plover_modes",
    "plover_type_info",
    "quad_class_name",
]

logger = logging.getLogger(__name__)

ONTOLOGY_VERSION = "cameo-1.1b3+plover-2021"
"""Recorded in every event so that data coded with different tables can be told apart."""

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
"""The 16 current PLOVER event types, cooperative first (the order used in reports)."""

QUAD_CLASS_NAMES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code: ``root`` is its two-digit cue category, ``level`` 1-3 its depth."""

    code: str
    name: str
    root: str
    level: int
    goldstein: float
    quad_class: int


@dataclass(frozen=True)
class PloverType:
    """A PLOVER event type with its quad category (1-4) and conflict-cooperation score."""

    name: str
    quad: int
    score: float
    description: str = ""


def _rows(filename: str) -> list[dict[str, str]]:
    """Read a package CSV table, skipping ``#`` header comment lines (source and license notes)."""
    try:
        text = resources.files("flashpoint.ontology").joinpath("data", filename).read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise OntologyError(f"ontology table {filename} is missing: {exc}") from exc
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _unique(rows: list[dict[str, str]], key: str, filename: str) -> None:
    seen: set[str] = set()
    for row in rows:
        if row[key] in seen:
            raise OntologyError(f"{filename}: duplicate key {row[key]!r}")
        seen.add(row[key])


@cache
def _cameo_table() -> dict[str, CameoCode]:
    rows = _rows("cameo.csv")
    _unique(rows, "code", "cameo.csv")
    table: dict[str, CameoCode] = {}
    for row in rows:
        try:
            table[row["code"]] = CameoCode(
                code=row["code"],
                name=row["name"],
                root=row["root"],
                level=int(row["level"]),
                goldstein=float(row["goldstein"]),
                quad_class=int(row["quad_class"]),
            )
        except (KeyError, ValueError) as exc:
            raise OntologyError(f"cameo.csv: bad row {row!r}: {exc}") from exc
    logger.debug("loaded %d CAMEO codes", len(table))
    return table


@cache
def _plover_map() -> dict[str, tuple[Plover, str]]:
    rows = _rows("cameo_plover.csv")
    _unique(rows, "cameo", "cameo_plover.csv")
    return {
        row["cameo"]: (
            Plover(type=row["plover_type"], mode=row["mode"] or None, context=row["context"] or None),
            row["basis"],
        )
        for row in rows
    }


@cache
def _plover_types() -> dict[str, PloverType]:
    rows = _rows("plover.csv")
    _unique(rows, "plover_type", "plover.csv")
    return {
        row["plover_type"]: PloverType(
            name=row["plover_type"],
            quad=int(row["quad"]),
            score=float(row["score"]),
            description=row["description"],
        )
        for row in rows
    }


@cache
def _old_names() -> dict[str, str]:
    rows = _rows("plover_names.csv")
    _unique(rows, "old_name", "plover_names.csv")
    return {row["old_name"]: row["plover_type"] for row in rows}


def is_cameo(code: str) -> bool:
    """True when ``code`` is exactly a CAMEO 1.1b3 code ("13", "138", "1384"; not "0138")."""
    return isinstance(code, str) and code in _cameo_table()


def cameo(code: str) -> CameoCode:
    """The CAMEO code record; raises ``OntologyError`` for anything that is not an exact code."""
    try:
        return _cameo_table()[code]
    except (KeyError, TypeError):
        raise OntologyError(f"unknown CAMEO code {code!r}") from None


def all_cameo() -> list[CameoCode]:
    """Every CAMEO code in table order (root, then its children)."""
    return list(_cameo_table().values())


def plover_for(code: str) -> Plover:
    """The PLOVER event type, mode and context for a CAMEO code (every code maps to a type)."""
    cameo(code)  # raise OntologyError for unknown codes
    return _plover_map()[code][0]


def cameo_plover_basis(code: str) -> str:
    """Where a mapping comes from: ``c2p-2021``, ``c2p-2021-fixed`` or ``flashpoint`` (our convention)."""
    cameo(code)
    return _plover_map()[code][1]


def normalise_plover(name: str) -> str:
    """Upper-case a PLOVER type name and map older names (DEMAND -> REQUEST, FIGHT -> ASSAULT...).

    Raises ``OntologyError`` when the name is neither a current nor an old PLOVER type.
    """
    key = str(name).strip().upper()
    key = _old_names().get(key, key)
    if key not in _plover_types():
        raise OntologyError(f"unknown PLOVER event type {name!r}")
    return key


def plover_type_info(plover_type: str) -> PloverType:
    """Quad category and conflict-cooperation score of a PLOVER type (old names accepted)."""
    return _plover_types()[normalise_plover(plover_type)]


@cache
def plover_modes() -> dict[str, frozenset[str]]:
    """Valid modes per PLOVER type (a type missing from the dict has no listed modes)."""
    out: dict[str, set[str]] = {}
    for row in _rows("plover_modes.csv"):
        out.setdefault(row["plover_type"], set()).add(row["mode"])
    return {k: frozenset(v) for k, v in out.items()}


@cache
def plover_contexts() -> frozenset[str]:
    """Valid PLOVER contexts, including the special ones (historical, future, hypothetical, negation)."""
    return frozenset(row["context"] for row in _rows("plover_contexts.csv"))


def quad_class_name(quad: int) -> str:
    """Human name of a quad class 1-4 ("verbal cooperation" ... "material conflict")."""
    try:
        return QUAD_CLASS_NAMES[int(quad)]
    except (KeyError, TypeError, ValueError):
        raise OntologyError(f"quad class must be 1-4, got {quad!r}") from None
