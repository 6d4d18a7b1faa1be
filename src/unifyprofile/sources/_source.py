"""The :class:`Source` spec: where an export lives and how its columns map."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import phonenumbers

from unifyprofile.errors import ConfigError
from unifyprofile.sources.presets import PRESETS

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
        trust: weight of this source when survivorship rules tie (higher wins).
        unique_per_person: two records of this source are never the same person
            (a cannot-link constraint, e.g. a CRM whose contacts were deduplicated).
        max_field_lines: CSV only: the lines a quoted field may span; a quote that does
            not close within them rejects the line it opens on (a stray quote), and the
            lines after it are read as rows.
        max_field_bytes: CSV only: the bytes a row with a field spanning lines may have.

    Raises:
        ConfigError: ``default_region`` is not a region phonenumbers knows, or a limit is
            not a positive integer.

    Examples:
        >>> s = Source("crm", preset="salesforce_contacts", path="crm.csv")
        >>> s.mapping["email"], s.resolved_id_column, s.resolved_format
        ('Email', 'Id', 'csv')
        >>> Source("crm", default_region="ZZ")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: source 'crm': default_region 'ZZ' is not a region \
phonenumbers knows; give an ISO 3166 alpha-2 code such as 'US', 'GB' or 'DE'
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
    trust: float = 1.0
    unique_per_person: bool = False
    max_field_lines: int = 100
    max_field_bytes: int = 1 << 20

    def __post_init__(self) -> None:
        columns = {k: v if isinstance(v, str) else tuple(v) for k, v in self.columns.items()}
        object.__setattr__(self, "columns", MappingProxyType(columns))
        problems = []
        region = self.default_region
        if not isinstance(region, str) or region not in phonenumbers.SUPPORTED_REGIONS:
            close = difflib.get_close_matches(str(region).upper(),
                                              sorted(phonenumbers.SUPPORTED_REGIONS), n=1,
                                              cutoff=1.0)
            hint = f"did you mean '{close[0]}'?" if close else (
                "give an ISO 3166 alpha-2 code such as 'US', 'GB' or 'DE'")
            problems.append(f"source '{self.name}': default_region {region!r} is not a "
                            f"region phonenumbers knows; {hint}")
        for key in ("max_field_lines", "max_field_bytes"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(f"source '{self.name}': {key} must be an integer >= 1 "
                                f"(got {value!r})")
        if problems:
            raise ConfigError(problems)

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
        for key in ("encoding", "delimiter", "default_region", "dayfirst", "trust",
                    "unique_per_person", "max_field_lines", "max_field_bytes"):
            if getattr(self, key) != getattr(defaults, key):
                out[key] = getattr(self, key)
        if self.columns:
            out["columns"] = {k: v if isinstance(v, str) else list(v)
                              for k, v in self.columns.items()}
        return out
