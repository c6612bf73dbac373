"""Ingest: inputs of every kind -> ``Article`` records; cleaning -> ``CleanText``.

The public surface is small on purpose (private modules behind this ``__init__``):

- ``read_inputs(inputs, published=None, stdin=None, position=None)`` streams Articles and
  CodingErrors from files, directories and stdin; ``read_path(path, published=None)`` reads
  one path; ``input_files(folder)`` lists a directory's inputs as they are read (streamed,
  sorted); a ``ReadPosition`` follows the bytes read, against ``input_bytes(inputs)``;
  ``compression_of(path)`` names a file's compression (any input may be gzip, bzip2, xz or
  Zstandard compressed: ``COMPRESSIONS`` are their suffixes).
- ``clean(text)`` drops page furniture while keeping offsets back to the raw text.
- ``article_from_text(text, doc_id=None, published=None, **meta)`` builds one Article.
- ``dateline_date(text, reference_year=None)`` reads a wire dateline's date.
- ``sample_paths()`` lists the bundled demo articles.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from flashpoint.ingest.clean import clean
from flashpoint.ingest.fingerprint import content_id, hamming, simhash
from flashpoint.ingest.published import dateline_date, parse_published
from flashpoint.ingest.readers import (
    COMPRESSIONS,
    ReadPosition,
    compression_of,
    input_bytes,
    input_files,
    read_inputs,
    read_path,
)
from flashpoint.ingest.records import article_from_text
from flashpoint.ingest.remote import is_url

__all__ = [
    "COMPRESSIONS",
    "ReadPosition",
    "compression_of",
    "article_from_text",
    "clean",
    "content_id",
    "dateline_date",
    "hamming",
    "input_bytes",
    "input_files",
    "is_url",
    "parse_published",
    "read_inputs",
    "read_path",
    "sample_paths",
    "simhash",
]


def sample_paths() -> list[Path]:
    """The bundled demo articles (``flashpoint/samples``), sorted, for ``flashpoint demo``."""
    folder = Path(str(resources.files("flashpoint") / "samples"))
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".jsonl", ".html", ".txt"))
