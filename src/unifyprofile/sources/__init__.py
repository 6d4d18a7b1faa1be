"""Sources: read exports and map their columns onto the canonical schema.

A source is read from files (CSV, Parquet, JSONL; one file, a glob, a folder such as a
partitioned Parquet dataset, or an fsspec URL) or from an in-memory table (pandas, Polars,
PyArrow, DuckDB, or anything with the Arrow C stream interface ``__arrow_c_stream__``).
"""

from unifyprofile.events import Events
from unifyprofile.sources._csv import LineCount, csv_dialect
from unifyprofile.sources._infer import (
    ColumnRole,
    canonical_mapping,
    infer_columns,
    infer_roles,
    name_words,
)
from unifyprofile.sources._load import as_frame, is_table, json_frame
from unifyprofile.sources._read import (
    RawTable,
    SourceTable,
    check_mapping,
    check_names,
    csv_file_dialect,
    empty_column_notes,
    empty_source_error,
    id_rejects,
    location,
    map_rows,
    read_source,
    read_sources,
    read_table,
    unreadable_note,
    unreadable_rejects,
)
from unifyprofile.sources._segment import Feed, feed_source, segment_messages
from unifyprofile.sources._source import FORMATS, KINDS, Source
from unifyprofile.sources.presets import PRESETS, Preset

__all__ = [
    "FORMATS",
    "KINDS",
    "LineCount",
    "PRESETS",
    "ColumnRole",
    "Events",
    "Feed",
    "Preset",
    "RawTable",
    "Source",
    "SourceTable",
    "as_frame",
    "canonical_mapping",
    "check_mapping",
    "check_names",
    "csv_dialect",
    "csv_file_dialect",
    "empty_column_notes",
    "empty_source_error",
    "feed_source",
    "id_rejects",
    "infer_columns",
    "infer_roles",
    "is_table",
    "json_frame",
    "location",
    "map_rows",
    "name_words",
    "read_source",
    "read_sources",
    "read_table",
    "segment_messages",
    "unreadable_note",
    "unreadable_rejects",
]
