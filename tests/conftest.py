"""Shared fixtures: the spaCy model and the shared data folder are session-scoped."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only shared data folder (../shared); tests needing it skip when absent."""
    if not SHARED.exists():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def nlp():
    from flashpoint import nlp as fp_nlp

    return fp_nlp.load()


@pytest.fixture(scope="session")
def stock_nlp():
    """The English model exactly as spaCy loads it, without flashpoint's speed-ups (list
    lemma indexes, spaCy's own attribute-ruler matcher): what those speed-ups must equal."""
    spacy = pytest.importorskip("spacy")
    from flashpoint import nlp as fp_nlp

    return spacy.load(fp_nlp.MODEL_NAME)


@pytest.fixture(scope="session")
def seed_text(shared: Path) -> str:
    return (shared / "seed" / "article.txt").read_text(encoding="utf-8")
