"""flashpoint's exception tree, with coded messages.

Library code raises these; only the CLI and the web layer turn them into text for people.

    FlashpointError                 E000  base of everything flashpoint raises
    ├── InputError                  E100  an input cannot be read (names the input and line)
    │   ├── EmptyInputError         E101  the input holds no text
    │   ├── BinaryInputError        E102  the input is not text
    │   └── RecordError             E103  one record of a JSONL/CSV/WARC input is malformed
    ├── ModelNotInstalledError      E200  the spaCy model is missing (names the install command)
    ├── DictionaryError             E300  an actor/agent/verb dictionary line is malformed
    ├── OntologyError               E400  an ontology table is inconsistent or a code is unknown
    ├── StoreError                  E500  the event store cannot be opened or written
    │   └── MigrationError          E501  a store's schema cannot be migrated
    ├── ConfigError                 E600  a setting has a bad value
    ├── EvaluationError             E700  a gold file cannot be read
    └── ClusterError                E800  a Dask cluster cannot be reached or started
"""

from __future__ import annotations


class FlashpointError(Exception):
    """Base class: ``code`` is a stable identifier users can search for."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")
        self.message = message


class InputError(FlashpointError):
    code = "E100"

    def __init__(self, origin: str, problem: str, line: int | None = None) -> None:
        where = f"{origin}:{line}" if line is not None else origin
        super().__init__(f"{where}: {problem}")
        self.origin = origin
        self.line = line
        self.problem = problem


class EmptyInputError(InputError):
    code = "E101"


class BinaryInputError(InputError):
    code = "E102"


class RecordError(InputError):
    code = "E103"


class ModelNotInstalledError(FlashpointError):
    code = "E200"


class DictionaryError(FlashpointError):
    code = "E300"

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class OntologyError(FlashpointError):
    code = "E400"


class StoreError(FlashpointError):
    code = "E500"


class MigrationError(StoreError):
    code = "E501"


class ConfigError(FlashpointError):
    code = "E600"


class EvaluationError(FlashpointError):
    code = "E700"


class ClusterError(FlashpointError):
    code = "E800"
