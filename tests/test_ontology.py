"""Checks of the ontology tables: unique keys, complete mappings, value ranges, known quirks."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from flashpoint import ontology
from flashpoint.errors import OntologyError
from flashpoint.models import Event

TABLES = {
    "cameo.csv": "code",
    "cameo_plover.csv": "cameo",
    "plover.csv": "plover_type",
    "plover_names.csv": "old_name",
}


def raw_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("flashpoint.ontology").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#")))


@pytest.mark.parametrize(("filename", "key"), sorted(TABLES.items()))
def test_tables_have_unique_keys(filename: str, key: str) -> None:
    keys = [row[key] for row in raw_rows(filename)]
    assert keys and len(keys) == len(set(keys))


def test_license_attribution_in_plover_derived_tables() -> None:
    for filename in ("cameo_plover.csv", "plover.csv", "plover_names.csv", "plover_modes.csv"):
        header = resources.files("flashpoint.ontology").joinpath("data", filename).read_text("utf-8")
        assert "CC BY-SA 4.0" in header.split("\n\n")[0][:1000], filename


def test_cameo_table_is_complete() -> None:
    codes = ontology.all_cameo()
    assert len(codes) == 311
    roots = {c.root for c in codes}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    for c in codes:
        assert c.code[:2] == c.root
        assert c.level == len(c.code) - 1
        assert c.name and c.name == c.name.strip()
        if c.level > 1:  # every child's parent is a code too
            assert ontology.is_cameo(c.code[:-1])


def test_goldstein_and_quad_ranges() -> None:
    for c in ontology.all_cameo():
        assert -10.0 <= c.goldstein <= 10.0
        assert c.quad_class in (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("root", "quad"),
    [("01", 1), ("05", 1), ("06", 2), ("09", 2), ("10", 3), ("14", 3), ("15", 4), ("20", 4)],
)
def test_quad_class_follows_gdelt_root_bands(root: str, quad: int) -> None:
    # GDELT's QuadClass is by root (differs from Phoenix's): all codes of a root share it.
    assert {c.quad_class for c in ontology.all_cameo() if c.root == root} == {quad}


def test_106_is_separate_from_1056() -> None:
    demand_withdrawal, demand_deescalation = ontology.cameo("106"), ontology.cameo("1056")
    assert demand_withdrawal.level == 2 and demand_deescalation.level == 3
    assert "withdrawal" in demand_withdrawal.name.lower()
    assert "de-escalation" in demand_deescalation.name.lower()


def test_known_values() -> None:
    c = ontology.cameo("190")
    assert (c.root, c.goldstein, c.quad_class) == ("19", -10.0, 4)
    assert ontology.cameo("04").name == "Consult"  # level-1 names in sentence case
    assert ontology.cameo("0874").goldstein > 0


@pytest.mark.parametrize("bad", ["0138", "138 ", "21", "", "1", "99", None, 138])
def test_unknown_codes_raise(bad: object) -> None:
    assert not ontology.is_cameo(bad)  # type: ignore[arg-type]
    with pytest.raises(OntologyError):
        ontology.cameo(bad)  # type: ignore[arg-type]
    with pytest.raises(OntologyError):
        ontology.plover_for(bad)  # type: ignore[arg-type]


def test_every_cameo_code_maps_to_a_valid_plover_type() -> None:
    modes = ontology.plover_modes()
    contexts = ontology.plover_contexts()
    mapped = set()
    for c in ontology.all_cameo():
        p = ontology.plover_for(c.code)
        assert p.type in ontology.PLOVER_TYPES, c.code
        mapped.add(p.type)
        if p.mode:
            assert p.mode in modes.get(p.type, ()), (c.code, p)
        for ctx in (p.context or "").split("|"):
            assert not ctx or ctx in contexts, (c.code, p)
        assert ontology.cameo_plover_basis(c.code) in {"c2p-2021", "c2p-2021-fixed", "flashpoint"}
    assert mapped == set(ontology.PLOVER_TYPES)  # every type is reachable from CAMEO


def test_mapping_rows_cover_exactly_the_cameo_codes() -> None:
    assert [r["cameo"] for r in raw_rows("cameo_plover.csv")] == [c.code for c in ontology.all_cameo()]


@pytest.mark.parametrize(
    ("code", "plover_type"),
    [
        ("0211", "REQUEST"),  # appeals: flashpoint convention
        ("1011", "REQUEST"),
        ("090", "ACCUSE"),  # investigate
        ("112", "ACCUSE"),
        ("163", "COERCE"),  # embargo, as CAMEO2PLOVER-2021 says
        ("1712", "ASSAULT"),
        ("0841", "RETREAT"),
        ("081", "CONCEDE"),
        ("195", "ASSAULT"),
        ("2042", "ASSAULT"),
        ("154", "MOBILIZE"),
    ],
)
def test_selected_mappings(code: str, plover_type: str) -> None:
    assert ontology.plover_for(code).type == plover_type


def test_plover_types_and_scores() -> None:
    rows = raw_rows("plover.csv")
    assert tuple(r["plover_type"] for r in rows) == ontology.PLOVER_TYPES
    for t in ontology.PLOVER_TYPES:
        info = ontology.plover_type_info(t)
        assert info.quad in (1, 2, 3, 4)
        assert -10.0 <= info.score <= 10.0
        # cooperation scores above zero, conflict below: catches the manual's ACCUSE sign typo
        assert (info.score > 0) == (info.quad in (1, 2)), t
    assert ontology.plover_type_info("ACCUSE").score < 0
    assert ontology.plover_type_info("SANCTION").quad == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [("DEMAND", "REQUEST"), ("disapprove", "ACCUSE"), ("INVESTIGATE", "ACCUSE"), ("Fight", "ASSAULT"),
     ("ASSAULT", "ASSAULT"), (" agree ", "AGREE")],
)  # fmt: skip
def test_normalise_plover(name: str, expected: str) -> None:
    assert ontology.normalise_plover(name) == expected


@pytest.mark.parametrize("bad", ["CRIME", "", "DOCUMENT", "APPEAL"])
def test_normalise_plover_rejects_unknown(bad: str) -> None:
    with pytest.raises(OntologyError):
        ontology.normalise_plover(bad)


def test_quad_class_name() -> None:
    assert ontology.quad_class_name(1) == "verbal cooperation"
    assert ontology.quad_class_name(4) == "material conflict"
    with pytest.raises(OntologyError):
        ontology.quad_class_name(5)


def test_version_matches_event_default() -> None:
    assert Event.__dataclass_fields__["ontology"].default == ontology.ONTOLOGY_VERSION


def test_special_contexts_present() -> None:
    assert {"historical", "future", "hypothetical", "negation"} <= ontology.plover_contexts()
