"""Records to and from the store: one JSON object per record.

The store keeps every record's raw and standardised columns as one JSON text (SQLite can
still look inside with ``json_extract``).  Column types that JSON does not carry
(timezone-aware timestamps, nullable booleans, integers) are restored from the dtypes
recorded when the store's model was fitted, so a record read back equals what the batch
pipeline saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema

__all__ = ["FIXED", "decode", "encode", "frame_dtypes"]

#: Columns stored as their own SQL columns, not inside the JSON text.
FIXED = (schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID)


def frame_dtypes(frame: pd.DataFrame) -> dict[str, str]:
    """The dtype name of every non-fixed column (what :func:`decode` restores)."""
    return {str(c): str(t) for c, t in frame.dtypes.items() if c not in FIXED}


def encode(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """One JSON object per row holding ``columns`` (missing columns are left out)."""
    present = [c for c in columns if c in frame.columns]
    if not len(frame):
        return []
    text = frame[present].to_json(orient="records", lines=True, date_format="iso",
                                  date_unit="ns", force_ascii=False, default_handler=str)
    lines = text.splitlines()
    if len(lines) != len(frame):  # pragma: no cover - to_json writes one line per row
        raise AssertionError("record encoding lost rows")
    return lines


def decode(rows: Iterable[Sequence[Any]], columns: Sequence[str],
           dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Records from ``(record_id, source, source_record_id, json)`` rows.

    Every column of ``columns`` is present (null where a record has no value), in order.
    """
    rows = list(rows)
    data = [json.loads(r[3]) for r in rows]
    out = pd.DataFrame.from_records(data, columns=list(columns)) if data else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    out = out.astype(object).where(out.notna(), None) if len(out) else out
    out.insert(0, schema.SOURCE_RECORD_ID, [r[2] for r in rows])
    out.insert(0, schema.SOURCE, [r[1] for r in rows])
    out.insert(0, schema.RECORD_ID, [r[0] for r in rows])
    for column in columns:
        out[column] = _restore(out[column], dtypes.get(column, "object"))
    return out


def _restore(values: pd.Series, dtype: str) -> pd.Series:
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(values, utc=True), index=values.index)
    if dtype in ("boolean", "bool"):
        return values.astype("boolean")
    if dtype in ("int64", "Int64") and values.notna().all():
        return values.astype(np.int64)
    if dtype == "float64":
        return values.astype(np.float64)
    if dtype == "object":
        return values.map(lambda v: v if not isinstance(v, float) or not np.isnan(v) else None)
    return values
