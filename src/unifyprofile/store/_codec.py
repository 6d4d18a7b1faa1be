"""Records to and from the store: one JSON object per record.

The store keeps every record's raw and standardised columns as one JSON text (SQLite can
still look inside with ``json_extract``).  Column types that JSON does not carry
(timezone-aware timestamps, nullable booleans, integers) are restored from the dtypes
recorded when the store's model was fitted, so a record read back equals what the batch
pipeline saw.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson

from unifyprofile import schema

__all__ = ["ARROW_MIN", "FIXED", "SLICE", "decode", "encode", "frame_dtypes"]

#: Columns stored as their own SQL columns, not inside the JSON text.
FIXED = (schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID)

#: Rows turned into one JSON text at a time (a million rows in one text is too big).
SLICE = 100_000


def frame_dtypes(frame: pd.DataFrame) -> dict[str, str]:
    """The dtype name of every non-fixed column (what :func:`decode` restores)."""
    return {str(c): str(t) for c, t in frame.dtypes.items() if c not in FIXED}


def encode(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """One JSON object per row holding ``columns`` (missing columns are left out)."""
    selected = frame[[c for c in columns if c in frame.columns]]
    lines: list[str] = []
    for start in range(0, len(frame), SLICE):
        text = selected.iloc[start:start + SLICE].to_json(
            orient="records", lines=True, date_format="iso", date_unit="ns",
            force_ascii=False, default_handler=str)
        lines += text.splitlines()
    if len(lines) != len(frame):  # pragma: no cover - to_json writes one line per row
        raise AssertionError("record encoding lost rows")
    return lines


#: From this many rows on, records are parsed by Arrow's JSON reader (a fixed cost of about
#: a millisecond per call, then many times faster than ``json.loads`` per row).
ARROW_MIN = 1024

_ARROW_TYPES = {"int64": pa.int64(), "Int64": pa.int64(), "float64": pa.float64(),
                "boolean": pa.bool_(), "bool": pa.bool_(), "object": pa.string(),
                str(schema.TEXT): pa.string()}


def decode(rows: Iterable[Sequence[Any]], columns: Sequence[str],
           dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Records from ``(record_id, source, source_record_id, json)`` rows.

    Every column of ``columns`` is present (null where a record has no value), in order.
    """
    rows = list(rows)
    out: dict[str, Any] = {
        schema.RECORD_ID: _objects(r[0] for r in rows),
        schema.SOURCE: _objects(r[1] for r in rows),
        schema.SOURCE_RECORD_ID: _objects(r[2] for r in rows),
    }
    parsed = _parse_arrow(rows, columns, dtypes) if len(rows) >= ARROW_MIN else None
    if parsed is None:
        data = [json.loads(r[3]) for r in rows]
        for column in columns:
            values = np.fromiter((d.get(column) for d in data), dtype=object, count=len(rows))
            out[column] = _restore(values, dtypes.get(column, "object"))
        return pd.DataFrame(out)
    for column in columns:
        dtype = dtypes.get(column, "object")
        array = parsed.column(column)
        if dtype == str(schema.TEXT):
            out[column] = pd.arrays.ArrowExtensionArray(array)
            continue
        if pa.types.is_string(array.type):  # Python strings, None for null
            values = array.to_numpy(zero_copy_only=False)
        elif array.null_count:
            values = np.array(array.to_pylist(), dtype=object)
        else:
            values = array.to_numpy()
        out[column] = _restore(values, dtype)
    return pd.DataFrame(out)


def _parse_arrow(rows: Sequence[Sequence[Any]], columns: Sequence[str],
                 dtypes: Mapping[str, str]) -> pa.Table | None:
    """The JSON texts parsed by Arrow, or None when a column's values do not fit one Arrow
    type (e.g. an object column holding numbers and text): then row by row."""
    types = [_ARROW_TYPES.get(dtypes.get(c, "object"), pa.string()) for c in columns]
    options = pajson.ParseOptions(explicit_schema=pa.schema(list(zip(columns, types,
                                                                     strict=True))),
                                  unexpected_field_behavior="ignore")
    tables = []
    for start in range(0, len(rows), SLICE):
        body = "\n".join(r[3] for r in rows[start:start + SLICE]).encode()
        try:
            tables.append(pajson.read_json(io.BytesIO(body), parse_options=options))
        except pa.ArrowInvalid:
            return None
    return pa.concat_tables(tables)


def _objects(values: Iterable[Any]) -> np.ndarray:
    return np.fromiter(values, dtype=object)


def _restore(values: np.ndarray, dtype: str) -> Any:
    if dtype.startswith("datetime64"):
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    if dtype in ("boolean", "bool"):
        return pd.array(values, dtype="boolean")
    if dtype in ("int64", "Int64") and not any(v is None for v in values):
        return values.astype(np.int64)
    if dtype == "float64":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if dtype == str(schema.TEXT):
        return pd.arrays.ArrowExtensionArray(pa.array(values, pa.string(), from_pandas=True))
    return values
