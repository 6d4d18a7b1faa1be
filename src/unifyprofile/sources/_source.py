"""The :class:`Source` spec: where an export lives and how its columns map."""

from __future__ import annotations

import codecs
import difflib
import math
import os
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from types import MappingProxyType
from typing import Any

import phonenumbers

from unifyprofile.errors import ConfigError
from unifyprofile.events import Events
from unifyprofile.sources.presets import PRESETS
from unifyprofile.standardise import check_year_pivot

__all__ = ["FORMATS", "KINDS", "Source"]

KINDS = ("crm", "csm", "ecommerce", "support", "other")
FORMATS = ("csv", "parquet", "jsonl", "dataframe")
EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}


@dataclass(frozen=True)
class Source:
    """One export to read: files (CSV, Parquet, JSONL) or an in-memory table.

    Args:
        name: short name; record ids become ``"<name>:<source id>"``.
        kind: ``crm``, ``csm``, ``ecommerce``, ``support`` or ``other``.
        path: the file, absolute or relative to the config file; or a glob
            (``crm_*.csv``, ``**/*.parquet``), a folder (a partitioned Parquet dataset,
            or CSV or JSONL files), or an fsspec URL (``s3://bucket/crm/``; needs fsspec
            and the protocol's package).  The files of a glob or folder are read in name
            order, as one table.
        data: an in-memory table instead of a file: pandas, Polars, a PyArrow Table,
            RecordBatch or RecordBatchReader, a DuckDB relation, or any object with
            ``__arrow_c_stream__``.
        preset: a name from :data:`unifyprofile.sources.PRESETS`; supplies the id column,
            the timestamp column and the column mapping for that product's export.
        columns: canonical field -> source column; overrides the preset's entries.
        id_column: the column holding the source's own record id.
        updated_at: the column holding the record's last-modified time, if any.
        format: ``csv``, ``parquet`` or ``jsonl``; taken from the extension (of a folder's
            files) if omitted.
        encoding: text encoding of CSV/JSONL files; by default UTF-8, or Windows-1252
            (cp1252) for a file that is not UTF-8, with a note.
        delimiter: CSV field delimiter; by default found in the file's header and first
            rows among ``,`` ``;`` tab and ``|`` (a tab for ``.tsv`` files), with a note
            when it is not a comma.
        default_region: ISO country code used to read phone numbers without a ``+``;
            one that phonenumbers does not know is an error.
        dayfirst: read ambiguous dates such as ``03/04/1990`` as day/month.
        year_pivot: two-digit years above it are 19xx, the others 20xx (an integer from
            0 to 99); None, the default, takes this year's two digits, so that
            ``01/02/30`` reads as 1930 in 2026.  Set it for output that does not change
            with the year the records are read in.
        trust: weight of this source when survivorship rules tie (higher wins).
        unique_per_person: two records of this source are never the same person
            (a cannot-link constraint, e.g. a CRM whose contacts were deduplicated).
        max_field_lines: CSV only: the lines a quoted field may span; a quote that does
            not close within them rejects the line it opens on (a stray quote), and the
            lines after it are read as rows.
        max_field_bytes: CSV only: the bytes a row with a field spanning lines may have.
        events: make this an event source: each record is also a touchpoint (a case, a
            chat, an order) whose time, channel, type and properties come from the
            columns an :class:`~unifyprofile.events.Events` names.

    Raises:
        ConfigError: listing every field that breaks its contract (a kind or preset that
            does not exist, a negative trust, a region phonenumbers does not know, a
            limit that is not a positive integer, a value of the wrong type).

    Examples:
        >>> s = Source("crm", preset="salesforce_contacts", path="crm.csv")
        >>> s.mapping["email"], s.resolved_id_column, s.resolved_format
        ('Email', 'Id', 'csv')
        >>> Source("crm", default_region="ZZ")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: source 'crm': default_region 'ZZ' is not a region \
phonenumbers knows; give an ISO 3166 alpha-2 code such as 'US', 'GB' or 'DE'
        >>> Source("crm", trust=-1)
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: source 'crm': trust must be a finite number >= 0 \
(got -1); the higher trust wins survivorship ties, e.g. 2 for the system of record
    """

    name: str
    kind: str = "other"
    path: str | Path | None = None
    data: Any = field(default=None, compare=False, repr=False)
    preset: str | None = None
    columns: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    id_column: str | None = None
    updated_at: str | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    default_region: str = "US"
    dayfirst: bool = False
    year_pivot: int | None = None
    trust: float = 1.0
    unique_per_person: bool = False
    max_field_lines: int = 100
    max_field_bytes: int = 1 << 20
    events: Events | None = None

    def __post_init__(self) -> None:
        columns = self.columns
        if _is_mapping(columns):
            object.__setattr__(self, "columns", MappingProxyType(
                {k: v if isinstance(v, str) else tuple(v) for k, v in columns.items()}))
        problems = [f"source {self.name!r}: {p}" for p in self._problems()]
        if problems:
            raise ConfigError(problems)

    def _problems(self) -> list[str]:
        """Each field that breaks its contract: the field, what it must be, what it is,
        and the fix."""
        got = reprlib.repr
        out = []
        name = self.name
        if not isinstance(name, str) or not name or ":" in name:
            out.append(f"name must be a non-empty string without ':' (got {got(name)}); "
                       "record ids are '<name>:<id>', so choose a short name such as 'crm'")
        if self.kind not in KINDS:
            out.append(f"kind must be one of {', '.join(KINDS)} (got {got(self.kind)}); "
                       "use 'other' for any other system")
        if self.path is not None and not isinstance(self.path, (str, os.PathLike)):
            out.append(f"path must be a string or a path (got {got(self.path)}); give a "
                       "file, a glob, a folder or a URL")
        preset = self.preset
        if preset is not None and not (isinstance(preset, str) and preset in PRESETS):
            close = difflib.get_close_matches(str(preset), list(PRESETS), n=1)
            hint = (f"did you mean {close[0]!r}?" if close else
                    "or leave it out and map the columns with `columns` and `id_column`")
            out.append(f"preset must be one of {', '.join(PRESETS)} (got {got(preset)}); "
                       f"{hint}")
        if not _is_mapping(self.columns):
            out.append(f"columns must be a mapping of canonical field to source column, or to "
                       f"a list of columns to join (got {got(self.columns)}); e.g. "
                       "{'email': 'Email', 'address': ['Street', 'City']}")
        for key in ("id_column", "updated_at"):
            value = getattr(self, key)
            if value is not None and not isinstance(value, str):
                out.append(f"{key} must be a column name (a string) or None (got "
                           f"{got(value)}); give the column's header as the export writes it")
        if self.format is not None and self.format not in FORMATS:
            out.append(f"format must be one of {', '.join(FORMATS)} (got {got(self.format)}); "
                       "dataframe is for in-memory `data`, and without a format the file "
                       "extension tells")
        if self.encoding is not None and not _is_encoding(self.encoding):
            out.append(f"encoding must be a text encoding Python knows (got "
                       f"{got(self.encoding)}); e.g. 'utf-8' or 'cp1252', or leave it out to "
                       "detect it")
        delimiter = self.delimiter
        if delimiter is not None and not (isinstance(delimiter, str) and len(delimiter) == 1
                                          and delimiter not in "\r\n\""):
            out.append(f"delimiter must be one character other than a quote or a line break "
                       f"(got {got(delimiter)}); e.g. ';' or '\\t', or leave it out to "
                       "detect it")
        region = self.default_region
        if not isinstance(region, str) or region not in phonenumbers.SUPPORTED_REGIONS:
            close = difflib.get_close_matches(str(region).upper(),
                                              sorted(phonenumbers.SUPPORTED_REGIONS), n=1,
                                              cutoff=1.0)
            hint = f"did you mean '{close[0]}'?" if close else (
                "give an ISO 3166 alpha-2 code such as 'US', 'GB' or 'DE'")
            out.append(f"default_region {region!r} is not a region phonenumbers knows; "
                       f"{hint}")
        for key in ("dayfirst", "unique_per_person"):
            value = getattr(self, key)
            if not isinstance(value, bool):
                out.append(f"{key} must be a bool (got {got(value)}); use True or False "
                           "(true or false in a config file)")
        pivot = check_year_pivot(self.year_pivot)
        if pivot:
            out.append(pivot)
        trust = self.trust
        if isinstance(trust, bool) or not isinstance(trust, Real) or not math.isfinite(trust) \
                or trust < 0:
            # Sources missing from a survivorship's trust table rank at 0, the floor.
            out.append(f"trust must be a finite number >= 0 (got {got(trust)}); the higher "
                       "trust wins survivorship ties, e.g. 2 for the system of record")
        for key, default in (("max_field_lines", "100 lines"),
                             ("max_field_bytes", "1048576 bytes")):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                out.append(f"{key} must be an integer >= 1 (got {got(value)}); the default is "
                           f"{default}")
        if self.events is not None and not isinstance(self.events, Events):
            out.append(f"events must be an Events or None (got {got(self.events)}); e.g. "
                       "Events(at='created_at', type_value='ticket')")
        return out

    @property
    def mapping(self) -> Mapping[str, str | tuple[str, ...]]:
        """Canonical field -> source column: the preset's mapping updated by ``columns``."""
        merged: dict[str, str | tuple[str, ...]] = {}
        if self.preset is not None:
            merged.update(PRESETS[self.preset].columns)
        merged.update(self.columns)
        return MappingProxyType(merged)

    @property
    def resolved_id_column(self) -> str | None:
        if self.id_column is not None:
            return self.id_column
        return PRESETS[self.preset].id_column if self.preset else None

    @property
    def resolved_updated_at(self) -> str | None:
        if self.updated_at is not None:
            return self.updated_at
        return PRESETS[self.preset].updated_at if self.preset else None

    @property
    def resolved_format(self) -> str:
        if self.format is not None:
            return self.format
        if self.data is not None:
            return "dataframe"
        suffix = Path(str(self.path)).suffix.lower() if self.path is not None else ""
        return EXTENSIONS.get(suffix, "csv")

    def to_config(self) -> dict[str, Any]:
        """The TOML table of this source (without in-memory data)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.path is not None:
            out["path"] = str(self.path)
        for key in ("preset", "id_column", "updated_at", "format"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        defaults = Source("_")
        for key in ("encoding", "delimiter", "default_region", "dayfirst", "year_pivot",
                    "trust", "unique_per_person", "max_field_lines", "max_field_bytes"):
            if getattr(self, key) != getattr(defaults, key):
                out[key] = getattr(self, key)
        if self.columns:
            out["columns"] = {k: v if isinstance(v, str) else list(v)
                              for k, v in self.columns.items()}
        if self.events is not None:
            out["events"] = self.events.to_config()
        return out


def _is_mapping(columns: Any) -> bool:
    """Whether ``columns`` maps names to a column or to a non-empty list of columns."""
    return isinstance(columns, Mapping) and all(
        isinstance(k, str) and (isinstance(v, str) or (
            isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(c, str) for c in v)))
        for k, v in columns.items())


def _is_encoding(name: Any) -> bool:
    if not isinstance(name, str):
        return False
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
