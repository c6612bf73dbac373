"""Parquet bundles: how distributed workers hand coded articles to the single store writer.

A bundle is a directory holding ``articles.parquet``, ``sentences.parquet``,
``events.parquet`` and ``errors.parquet`` with exactly the store's flat row shapes
(``flashpoint.store.schema``).  Workers write bundles without touching the database;
``Store.load_parquet`` then applies them with the same replace-by-``doc_id`` rule as
``Store.write``, so a laptop run and a cluster run give the same store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flashpoint.errors import StoreError
from flashpoint.models import CodingResult
from flashpoint.store.schema import TABLE_COLUMNS, result_rows


def arrow_types() -> dict[str, Any]:
    """Our column type names -> Arrow types."""
    import pyarrow as pa

    return {
        "string": pa.string(),
        "int32": pa.int32(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date32": pa.date32(),
        "timestamp": pa.timestamp("us"),
    }


def arrow_schema(table: str) -> Any:
    """The Arrow schema of one store table (column order as in the database)."""
    import pyarrow as pa

    types = arrow_types()
    return pa.schema([(name, types[kind]) for name, kind in TABLE_COLUMNS[table]])


def rows_to_arrow(rows: list[dict[str, Any]], table: str) -> Any:
    """Rows (dicts) -> an Arrow table with the store's schema, column by column."""
    import pyarrow as pa

    schema = arrow_schema(table)
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)


def write_rows(rows: list[dict[str, Any]], table: str, path: str | os.PathLike[str]) -> int:
    """Write rows of one table as a Parquet file; returns how many."""
    import pyarrow.parquet as pq

    pq.write_table(rows_to_arrow(rows, table), str(path))
    return len(rows)


def results_to_parquet(results: Iterable[CodingResult], path: str | os.PathLike[str]) -> dict[str, int]:
    """Write coding results as a bundle directory at ``path``; returns rows per table."""
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    rows = result_rows(results, datetime.now(UTC).replace(tzinfo=None))
    return {table: write_rows(rows[table], table, out / f"{table}.parquet") for table in TABLE_COLUMNS}


def read_bundle(path: str | os.PathLike[str], as_arrow: bool = False) -> dict[str, Any]:
    """Read a bundle back per table (missing tables read as empty): row dicts, or Arrow
    tables in the store's schema when ``as_arrow`` (DuckDB then inserts them directly)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(path)
    if not folder.is_dir():
        raise StoreError(
            f"{folder}: not a Parquet bundle directory (expected articles.parquet, events.parquet...)"
        )
    out: dict[str, Any] = {}
    for table in TABLE_COLUMNS:
        schema = arrow_schema(table)
        file = folder / f"{table}.parquet"
        if not file.exists():
            out[table] = schema.empty_table() if as_arrow else []
            continue
        try:
            data = pq.ParquetFile(file).read()  # read_table builds a dataset first: 2x slower here
            columns = [
                data.column(name).cast(schema.field(name).type)
                if name in data.column_names
                else pa.nulls(data.num_rows, schema.field(name).type)
                for name in schema.names
            ]
        except Exception as exc:
            raise StoreError(f"{file}: cannot read Parquet bundle table: {exc}") from exc
        conformed = pa.Table.from_arrays(columns, schema=schema)
        out[table] = conformed if as_arrow else conformed.to_pylist()
    return out
