"""Sources: read exports and map their columns onto the canonical schema."""

from unifyprofile.sources._csv import LineCount
from unifyprofile.sources._infer import ColumnRole, infer_roles
from unifyprofile.sources._read import SourceTable, read_source, read_sources
from unifyprofile.sources._source import FORMATS, KINDS, Source
from unifyprofile.sources.presets import PRESETS, Preset

__all__ = [
    "FORMATS",
    "KINDS",
    "LineCount",
    "PRESETS",
    "ColumnRole",
    "Preset",
    "Source",
    "SourceTable",
    "infer_roles",
    "read_source",
    "read_sources",
]
