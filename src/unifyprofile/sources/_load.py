"""Load a source's raw rows from wherever they are: any in-memory table, or files.

In memory: a pandas DataFrame, a PyArrow ``Table``, ``RecordBatch`` or
``RecordBatchReader``, and any object that speaks the Arrow PyCapsule stream or array
interface (``__arrow_c_stream__`` / ``__arrow_c_array__``): a Polars DataFrame, a DuckDB
relation, a nanoarrow stream, ...  None of those libraries is needed by unifyprofile;
the table brings its own.

On disk or elsewhere: a file, a glob (``exports/crm_*.csv``, ``**`` reaches into
sub-folders), a folder (a partitioned Parquet dataset such as ``crm/year=2026/...``,
whose partition keys become columns, or a folder of CSV or JSONL files), and the same
behind an fsspec URL (``s3://``, ``gs://``, ``az://``, ``memory://``, ...) when fsspec
and the protocol's package are installed.  The files of a glob or folder are read in
name order and their rows numbered on across files; a reject of an unreadable row names
its file.
"""

from __future__ import annotations

import collections
import glob
import json
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from unifyprofile.errors import SourceError
from unifyprofile.sources._csv import SNIFF_BYTES, Lines, csv_dialect, read_csv_bytes, to_utf8
from unifyprofile.sources._source import EXTENSIONS, Source

__all__ = ["Loaded", "as_frame", "check_unique_columns", "describe", "is_table", "load",
           "location"]

#: What ``data`` may be, for messages.
TABLE_KINDS = ("a pandas or Polars DataFrame, a PyArrow Table, RecordBatch or "
               "RecordBatchReader, a DuckDB relation, or any object with "
               "__arrow_c_stream__")


@dataclass
class Loaded:
    """A file or table as raw rows: ``frame`` (with ``_row`` and ``_lines`` where the
    loader knows them), rejects of rows that could not be parsed (dicts with ``lines``),
    and for text files (total, header, blank) physical lines."""

    frame: pd.DataFrame
    rejects: list[dict] = field(default_factory=list)
    lines: tuple[int, int, int] | None = None
    empty_file: bool = False
    #: What the reader found out and chose (a delimiter, an encoding), for the run's notes.
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------- in-memory tables
def is_table(data: object) -> bool:
    """Whether ``data`` is a table :func:`as_frame` reads (not a path or a mapping).

    Examples:
        >>> import pandas as pd, pyarrow as pa
        >>> is_table(pd.DataFrame()), is_table(pa.table({"a": [1]})), is_table("x.csv")
        (True, True, False)
    """
    return isinstance(data, (pd.DataFrame, pa.Table, pa.RecordBatch, pa.RecordBatchReader)) \
        or hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__")


def as_frame(data: object, name: str = "data") -> pd.DataFrame:
    """Any supported in-memory table as a pandas DataFrame (Arrow-backed unless it is one).

    Struct columns become ``a.b`` columns, as nested JSON objects and Parquet structs do.

    Args:
        data: the table (see :data:`TABLE_KINDS`).
        name: the source, for messages.

    Raises:
        SourceError: ``data`` is not a table, or its columns repeat a name.

    Examples:
        >>> import pyarrow as pa
        >>> as_frame(pa.table({"id": [1, 2], "who": [{"name": "Ann"}, None]}))
           id who.name
        0   1      Ann
        1   2     <NA>
    """
    if isinstance(data, pd.DataFrame):
        check_unique_columns(name, "in-memory DataFrame", [str(c) for c in data.columns])
        return data.reset_index(drop=True)
    if isinstance(data, pa.RecordBatchReader):
        table = data.read_all()
    elif isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif isinstance(data, pa.Table):
        table = data
    elif hasattr(data, "__arrow_c_stream__"):  # Polars, DuckDB, nanoarrow, ...
        table = pa.RecordBatchReader.from_stream(data).read_all()
    elif hasattr(data, "__arrow_c_array__"):
        table = pa.Table.from_batches([pa.record_batch(data)])
    else:
        raise SourceError(f"source '{name}': `data` must be a table: {TABLE_KINDS} (got "
                          f"{_type_name(data)}); for a Polars LazyFrame call .collect() "
                          "first, and give a file as `path` instead")
    return _arrow_frame(name, describe(data), table)


def describe(data: object) -> str:
    """Where rows come from, for messages: ``in-memory DataFrame`` for pandas, else the
    table's library and type (``in-memory polars DataFrame``)."""
    if isinstance(data, pd.DataFrame):
        return "in-memory DataFrame"
    return f"in-memory {_type_name(data)}"


def _type_name(data: object) -> str:
    module = type(data).__module__.split(".")[0]
    return f"{module} {type(data).__name__}" if module != "builtins" else type(data).__name__


def _arrow_frame(name: str, where: str, table: pa.Table) -> pd.DataFrame:
    check_unique_columns(name, where, table.column_names)
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    check_unique_columns(name, where, table.column_names)
    plain = pa.schema([f.with_type(_plain(f.type)) for f in table.schema])
    if plain != table.schema:
        table = table.cast(plain)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _plain(kind: pa.DataType) -> pa.DataType:
    """``kind`` without Arrow's view types (Polars sends strings as ``string_view``),
    which older pyarrow kernels and pandas do not all handle."""
    if kind == pa.string_view():
        return pa.large_string()
    if kind == pa.binary_view():
        return pa.large_binary()
    if pa.types.is_dictionary(kind):
        value = _plain(kind.value_type)
        return kind if value == kind.value_type else pa.dictionary(kind.index_type, value,
                                                                   kind.ordered)
    if pa.types.is_list_view(kind) or pa.types.is_large_list_view(kind):
        return pa.large_list(_plain(kind.value_type))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        value = _plain(kind.value_type)
        return kind if value == kind.value_type else pa.large_list(value)
    return kind


# ----------------------------------------------------------------------- where files are
def location(source: Source, base_dir: Path | None) -> str:
    """Where ``source`` is read from: a path (relative ones resolved against
    ``base_dir``), or a URI such as ``s3://bucket/key`` unchanged."""
    if "://" in str(source.path):
        return str(source.path)
    return str(_path(source, base_dir))


def _path(source: Source, base_dir: Path | None) -> Path:
    path = Path(str(source.path))
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def _is_pattern(text: str) -> bool:
    return glob.has_magic(text)


@dataclass
class _Files:
    """The files of a path: ``fs`` is an fsspec filesystem for a URL (None: local)."""

    where: str
    fs: Any
    files: list[str]
    folder: str | None = None  # a folder read as one (partitioned) dataset
    protocol: str = ""

    def display(self, file: str) -> str:
        return f"{self.protocol}://{file}" if self.protocol else file

    def read_bytes(self, file: str) -> bytes:
        return Path(file).read_bytes() if self.fs is None else bytes(self.fs.cat_file(file))


def _fsspec(source: Source, url: str) -> tuple[Any, str, str]:
    """The fsspec filesystem, the path within it, and the protocol of ``url``."""
    try:
        import fsspec
    except ImportError:
        protocol = url.split("://", 1)[0]
        extra = {"s3": " s3fs", "s3a": " s3fs", "gs": " gcsfs", "gcs": " gcsfs",
                 "az": " adlfs", "abfs": " adlfs", "abfss": " adlfs"}.get(protocol, "")
        raise SourceError(f"source '{source.name}': {url} is a URL; reading URLs needs "
                          f"fsspec (and its package for {protocol}://): pip install "
                          f"fsspec{extra}") from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise SourceError(f"source '{source.name}': cannot open {url}: {exc}") from exc
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return fs, path, "" if protocol in ("file", "local") else protocol


def _files(source: Source, base_dir: Path | None) -> _Files:
    where = location(source, base_dir)
    fs, protocol = None, ""
    if "://" in where:
        fs, path, protocol = _fsspec(source, where)
    else:
        path = where
    try:
        if _is_pattern(path):
            matched = (fs.glob(path) if fs is not None else glob.glob(path, recursive=True))
            files = sorted(p for p in matched if (fs.isfile(p) if fs is not None
                                                   else Path(p).is_file()))
            if not files:
                raise SourceError(f"source '{source.name}': no file matches {where}")
            return _Files(where, fs, files, protocol=protocol)
        if fs.isdir(path) if fs is not None else Path(path).is_dir():
            return _Files(where, fs, [], folder=path, protocol=protocol)
        if fs.isfile(path) if fs is not None else Path(path).is_file():
            return _Files(where, fs, [path], protocol=protocol)
    except OSError as exc:
        raise SourceError(f"source '{source.name}': cannot list {where}: {exc}") from exc
    raise SourceError(f"source '{source.name}': file not found: {where}")


def _folder_files(files: _Files) -> list[str]:
    """Data files under a folder, in name order, without hidden and ``_``-files
    (``_SUCCESS``, ``.crc``) as Spark and Hive leave them."""
    root = files.folder
    assert root is not None
    if files.fs is None:
        found = [str(p) for p in Path(root).rglob("*") if p.is_file()]
    else:
        found = list(files.fs.find(root))
    keep = []
    for path in found:
        relative = posixpath.relpath(Path(path).as_posix(), Path(root).as_posix())
        if not any(part.startswith(("_", ".")) for part in relative.split("/")):
            keep.append(path)
    return sorted(keep)


def _format(source: Source, files: _Files) -> str:
    """The format: as given, else from the file names (most common known suffix)."""
    if source.format is not None:
        return source.format
    names = _folder_files(files) if files.folder is not None else files.files
    suffixes = collections.Counter(
        EXTENSIONS[s] for s in (posixpath.splitext(n)[1].lower() for n in names)
        if s in EXTENSIONS)
    if suffixes:
        return suffixes.most_common(1)[0][0]
    if files.folder is not None:
        raise SourceError(f"source '{source.name}': folder {files.where} holds no .csv, "
                          ".parquet or .jsonl file; set `format` for its files")
    return source.resolved_format


# ----------------------------------------------------------------------- loading
def load(source: Source, base_dir: Path | None) -> Loaded:
    """The raw rows of ``source``, from its in-memory ``data`` or its ``path``.

    Raises:
        SourceError: no data and no path, nothing at the path, a URL without fsspec, a
            format that is not csv, parquet or jsonl, or a file that cannot be read.
    """
    if source.data is not None or source.format == "dataframe":
        if source.data is None:
            raise SourceError(f"source '{source.name}': format 'dataframe' needs `data`")
        return Loaded(as_frame(source.data, source.name))
    if source.path is None:
        raise SourceError(f"source '{source.name}': give a `path` to a file or `data`")
    files = _files(source, base_dir)
    fmt = _format(source, files)
    if fmt not in ("csv", "parquet", "jsonl"):
        raise SourceError(
            f"source '{source.name}': unknown format '{fmt}'; use csv, parquet or jsonl")
    current = files.where
    try:
        if files.folder is not None and fmt == "parquet":
            return Loaded(_read_parquet_folder(source, files))
        names = files.files
        if files.folder is not None:
            names = [n for n in _folder_files(files)
                     if EXTENSIONS.get(posixpath.splitext(n)[1].lower()) == fmt]
            if not names:
                raise SourceError(f"source '{source.name}': folder {files.where} holds no "
                                  f"{fmt} file")
        parts = []
        for name in names:
            current = files.display(name)
            parts.append(_read_file(source, files, name, fmt))
    except SourceError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise SourceError(
            f"source '{source.name}': cannot read {fmt} file {current}: {exc}"
        ) from exc
    if len(parts) == 1:
        return parts[0]
    return _combine([files.display(n) for n in names], parts)


def _read_file(source: Source, files: _Files, name: str, fmt: str) -> Loaded:
    if fmt == "parquet":
        return Loaded(_read_parquet(source, files, name))
    data = files.read_bytes(name)
    if fmt == "jsonl":
        return _read_jsonl(source, files.display(name), data)
    delimiter = _given_delimiter(source, name)
    where = files.display(name)
    read = read_csv_bytes(source.name, where, data, encoding=source.encoding,
                          delimiter=delimiter, max_field_lines=source.max_field_lines,
                          max_field_bytes=source.max_field_bytes)
    lines = (read.total, read.header_lines, read.blank)
    notes = found_notes(source, where, read.encoding, read.delimiter if delimiter is None
                         else None)
    if not read.header_lines:
        return Loaded(pd.DataFrame(), [], lines, empty_file=True, notes=notes)
    rejects = [{"source": source.name, **r} for r in read.rejects]
    return Loaded(read.frame, rejects, lines, notes=notes)


def csv_file_dialect(source: Source, where: str) -> tuple[str, str, list[str]]:
    """The encoding and delimiter of the CSV file at ``where`` (a local file; a URL is
    read as UTF-8 with a comma unless its source says otherwise), as the local reader
    finds them, and the notes on what was found: for a reader that parses files itself
    (Spark)."""
    delimiter = _given_delimiter(source, where)
    head = b""
    if "://" not in where:
        with Path(where).open("rb") as file:
            head = file.read(SNIFF_BYTES + 1)
    encoding, found = csv_dialect(source.name, where, head, encoding=source.encoding,
                                  delimiter=delimiter)
    return encoding, found, found_notes(source, where, encoding,
                                        found if delimiter is None else None)


def _given_delimiter(source: Source, file: str) -> str | None:
    """The source's delimiter, a tab for a ``.tsv`` file, else None (found in the file)."""
    if source.delimiter is None and file.lower().endswith(".tsv"):
        return "\t"
    return source.delimiter


def found_notes(source: Source, where: str, encoding: str,
                 delimiter: str | None = None) -> list[str]:
    """Notes on what reading a file found that its source did not say: an encoding other
    than UTF-8, a delimiter other than a comma."""
    notes = []
    if source.encoding is None and encoding != "utf-8":
        notes.append(f"source '{source.name}': {where} is not UTF-8; read as {encoding} "
                     f"(set encoding for this source if it is another)")
    if delimiter is not None and delimiter != ",":
        notes.append(f"source '{source.name}': {where} read with the delimiter "
                     f"{delimiter!r}, found in its header and first rows (set delimiter "
                     f"for this source to choose another)")
    return notes


def _combine(names: Sequence[str], parts: Sequence[Loaded]) -> Loaded:
    """The files of a glob or folder as one table: rows numbered on across the files in
    name order, rejects naming their file, lines added up."""
    frames, rejects = [], []
    offset = 0
    for name, part in zip(names, parts, strict=True):
        frame = part.frame
        rows = (frame["_row"].to_numpy(dtype=np.int64) if "_row" in frame.columns
                else np.arange(1, len(frame) + 1, dtype=np.int64))
        frames.append(frame.assign(_row=rows + offset))
        for reject in part.rejects:
            rejects.append({**reject, "row": int(reject["row"]) + offset,
                            "reason": f"{posixpath.basename(name)}: {reject['reason']}"})
        offset += len(frame) + len(part.rejects)
    text = [p.lines for p in parts if p.lines is not None]
    lines = (sum(t[0] for t in text), sum(t[1] for t in text),
             sum(t[2] for t in text)) if text else None
    used = [f for f in frames if len(f.columns) > 2 or len(f)]
    frame = (pd.concat(used, ignore_index=True, sort=False) if used else pd.DataFrame())
    if "_lines" in frame.columns:
        frame["_lines"] = frame["_lines"].fillna(1).astype(np.int64)
    return Loaded(frame, rejects, lines, empty_file=all(p.empty_file for p in parts),
                  notes=[n for p in parts for n in p.notes])


def check_unique_columns(name: str, where: str, columns: Sequence[str]) -> None:
    """Raise :class:`SourceError` when a table repeats a column name."""
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise SourceError(f"source '{name}' ({where}) repeats column names: "
                          f"{', '.join(map(repr, repeated))}; give every column its own name")


def _read_parquet(source: Source, files: _Files, name: str) -> pd.DataFrame:
    # Arrow-backed columns: strings are trimmed in Arrow by _as_text, no Python objects
    # are made for columns the mapping does not use.  Structs become ``a.b`` columns, as
    # nested JSON objects do.
    where = files.display(name)
    check_unique_columns(source.name, where,
                         pq.ParquetFile(name, filesystem=files.fs).schema_arrow.names)
    return _arrow_frame(source.name, where, pq.read_table(name, filesystem=files.fs))


def _read_parquet_folder(source: Source, files: _Files) -> pd.DataFrame:
    """A folder of Parquet files (a dataset, Hive-partitioned or not) in file-name order;
    partition keys (``year=2026``) become text columns."""
    names = [n for n in _folder_files(files) if n.lower().endswith((".parquet", ".pq"))]
    if not names:
        raise SourceError(f"source '{source.name}': folder {files.where} holds no parquet "
                          "file")
    dataset = ds.dataset(names, format="parquet", filesystem=files.fs,
                         partitioning=ds.HivePartitioning.discover(infer_dictionary=False),
                         partition_base_dir=files.folder)
    check_unique_columns(source.name, files.where, dataset.schema.names)
    return _arrow_frame(source.name, files.where, dataset.to_table())


def _read_jsonl(source: Source, where: str, raw: bytes) -> Loaded:
    data, undecodable, encoding = to_utf8(source.name, where, raw, source.encoding)
    lines = Lines.of(data)
    objects: list[dict] = []
    rows: list[int] = []
    rejects: list[dict] = []
    row = 0
    blank = 0
    for k in range(len(lines)):
        text = data[lines.start[k]:lines.end[k]]
        if not text.strip():
            blank += 1
            continue
        row += 1
        problem = undecodable.get(k, "")
        if not problem:
            try:
                # Numbers keep their text: an id of 20 digits stays those 20 digits.
                obj = json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
            except json.JSONDecodeError as exc:
                problem = f"not valid JSON ({exc.msg} at column {exc.colno})"
            except RecursionError:
                problem = "JSON nested too deeply"
            else:
                if not isinstance(obj, dict):
                    problem = "a JSON value that is not an object"
        if problem:
            rejects.append({"source": source.name, "row": row, "source_record_id": None,
                            "column": None, "lines": 1,
                            "reason": f"unreadable row (line {k + 1}): {problem}"})
            continue
        objects.append(_flat(obj))
        rows.append(row)
    notes = found_notes(source, where, encoding)
    if not len(lines):
        return Loaded(pd.DataFrame(), [], (0, 0, 0), empty_file=True, notes=notes)
    frame = pd.DataFrame.from_records(objects) if objects else pd.DataFrame()
    frame = frame.astype(object)
    frame["_row"] = np.asarray(rows, dtype="int64")
    return Loaded(frame, rejects, (len(lines), 0, blank), notes=notes)


def json_frame(objects: Sequence[Mapping[str, Any]], source: Source | None = None
               ) -> pd.DataFrame:
    """JSON objects already parsed (a request body, feed messages) as the table that a
    JSONL file of them reads as: nested objects flattened to ``a.b`` columns, booleans as
    ``"true"``/``"false"``, numbers as text (an integer exactly; a float as Python's
    shortest repr, so ``1.50`` written in a file reads ``1.50`` but parsed reads ``1.5``).
    With ``source``, the columns it maps that no object has are there, empty (a JSON
    object leaves out the keys it has no value for), as when a JSONL file is read.

    Examples:
        >>> row = json_frame([{"id": 7, "contact": {"email": "a@x.org"}, "vip": True}]).iloc[0]
        >>> row["id"], row["contact.email"], row["vip"]
        ('7', 'a@x.org', 'true')
    """
    rows = [_flat(_numbers_as_text(obj)) for obj in objects]
    frame = pd.DataFrame.from_records(rows).astype(object) if rows else pd.DataFrame()
    if source is not None:
        wanted = [c for c in (source.resolved_id_column, *mapped_columns(source)) if c]
        absent = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
        frame = frame.assign(**dict.fromkeys(absent)) if absent else frame
    return frame


def mapped_columns(source: Source) -> list[str]:
    """The columns ``source`` maps to fields, and its ``updated_at`` column."""
    out = [column for cols in source.mapping.values()
           for column in ([cols] if isinstance(cols, str) else cols)]
    return out + ([source.resolved_updated_at] if source.resolved_updated_at else [])


def _numbers_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _numbers_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_text(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _flat(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON object as ``{"a.b": value}``: nested objects flattened (and kept whole
    under their own key, so that a mapped key holding an object is seen, not read as
    empty), booleans as ``"true"``/``"false"`` (as a DataFrame's booleans read), lists
    left as lists."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out[name] = value
            out.update(_flat(value, name + "."))
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = value
    return out
