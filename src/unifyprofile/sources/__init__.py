"""Sources: read exports and map their columns onto the canonical schema.

A source is read from files (CSV, Parquet, JSONL; one file, a glob, a folder such as a
partitioned Parquet dataset, or an fsspec URL) or from an in-memory table (pandas, Polars,
PyArrow, DuckDB, or anything with the Arrow C stream interface ``__arrow_c_stream__``).
"""

from unifyprofile.sources._csv import LineCount, csv_dialect
from unifyprofile.sources._infer import ColumnRole, infer_roles
from unifyprofile.sources._load import as_frame, is_table
from unifyprofile.sources._read import RawTable, SourceTable, read_source, read_sources, read_table
from unifyprofile.sources._source import FORMATS, KINDS, Source
from unifyprofile.sources.presets import PRESETS, Preset

__all__ = [
    "FORMATS",
    "KINDS",
    "LineCount",
    "PRESETS",
    "ColumnRole",
    "Preset",
    "RawTable",
    "Source",
    "SourceTable",
    "as_frame",
    "csv_dialect",
    "infer_roles",
    "is_table",
    "read_source",
    "read_sources",
    "read_table",
]
