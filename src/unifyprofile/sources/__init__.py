"""Sources: read exports and map their columns onto the canonical schema."""

from unifyprofile.sources._read import SourceTable, read_source, read_sources
from unifyprofile.sources._source import FORMATS, KINDS, Source
from unifyprofile.sources.presets import PRESETS, Preset

__all__ = [
    "FORMATS",
    "KINDS",
    "PRESETS",
    "Preset",
    "Source",
    "SourceTable",
    "read_source",
    "read_sources",
]
