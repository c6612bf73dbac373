"""Which build of flashpoint codes in this process: the record a run keeps of its code.

A coding run's settings are recorded and compared (``config.settings_record``), but the
events also depend on the code and tables that ran and on the parser: a checkout edited
between two runs, a Dask worker installed from another release, a model upgrade.  ``build``
names those, so that a Dask writer can refuse a partition of another build and a run's
record in the store says which build wrote it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flashpoint._version import __version__

_NOT_CODING = ("web", "samples", "demo.py")
"""Package files that never code a story (the dashboard, the demo and its articles): a
worker whose copies differ codes the same events, so they are left out of ``build``."""


@cache
def build() -> dict[str, str]:
    """What decides the events a process codes, beyond its settings: the flashpoint release,
    a digest of its package files (a release number stays the same across edits of a
    checkout or its tables), and the spaCy and model releases.  Computed once a process
    (about 0.07 s: the files are read)."""
    from importlib import metadata

    from flashpoint.nlp import MODEL_NAME

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if "__pycache__" in rel.parts or rel.parts[0] in _NOT_CODING or not path.is_file():
            continue
        data = path.read_bytes()
        digest.update(f"{rel.as_posix()}\0{len(data)}\0".encode())
        digest.update(data)

    def release(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "flashpoint": __version__,
        "files": digest.hexdigest()[:16],
        "spacy": release("spacy"),
        "model": f"{MODEL_NAME} {release(MODEL_NAME)}",
    }


def describe(found: dict[str, str]) -> str:
    """One line for messages: ``flashpoint 0.1.0 (files ...), spaCy 3.8.18, model ...``."""
    if not found:  # a worker of a release from before builds were named
        return "a flashpoint release that does not name its build"
    return (
        f"flashpoint {found.get('flashpoint')} (files {found.get('files')}), "
        f"spaCy {found.get('spacy')}, model {found.get('model')}"
    )


def other_build(then: dict[str, str] | None, release: str | None) -> str | None:
    """``describe`` of the build a record names when it is not this process's, else None.
    ``then`` None is a record from before builds were kept: only its ``release`` is known."""
    if then is None:
        return None if release == __version__ else f"flashpoint {release}"
    return None if then == build() else describe(then)


__all__ = ["build", "describe", "other_build"]
