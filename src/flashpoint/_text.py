"""Text helpers shared by layers that may not import each other (actors, geo, ingest)."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """``text`` without combining marks ("Bogotá" -> "Bogota", "një" -> "nje"), so that
    spellings with and without accents meet; ASCII text is returned as it is, at once."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
