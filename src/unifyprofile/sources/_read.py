"""Read exports into the canonical ``records`` table, with a ``rejects`` table.

No row is ever dropped silently: a row without an id, with an id already seen in the same
source, or that cannot be parsed becomes a row of ``rejects`` naming the source, the row
number (1-based, header excluded) and the reason.
"""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from unifyprofile import schema
from unifyprofile.errors import SourceError
from unifyprofile.sources._source import Source

__all__ = ["SourceTable", "check_mapping", "check_names", "empty_column_notes",
           "empty_source_error", "id_rejects", "location", "map_rows", "read_source",
           "read_sources", "unreadable_note", "unreadable_rejects"]


@dataclass
class SourceTable:
    """What reading one or more sources produced."""

    records: pd.DataFrame
    rejects: pd.DataFrame
    #: Human-readable warnings that are not errors (e.g. a mapped column that is empty).
    notes: list[str] = field(default_factory=list)
    #: Rows read per source, rejects included.
    rows_read: dict[str, int] = field(default_factory=dict)


def read_sources(sources: Sequence[Source], base_dir: Path | None = None) -> SourceTable:
    """Read every source and stack them into one records table.

    Args:
        sources: the sources, in config order.
        base_dir: directory that relative paths are resolved against.

    Returns:
        A :class:`SourceTable` whose ``records`` has a fresh RangeIndex.

    Raises:
        SourceError: a file is missing or unreadable, a mapped column does not exist,
            or a source has no rows.
    """
    check_names(sources)
    tables = [read_source(s, base_dir) for s in sources]
    records = pd.concat([t.records for t in tables], ignore_index=True)
    # Keys stay Python strings; field values stay Arrow-backed (a fraction of the memory
    # of a million Python strings), including columns that only some sources have.
    keys = [schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID]
    records[keys] = records[keys].astype(object)
    for column in records.columns.difference([*keys, "source_row"]):
        if records[column].dtype != schema.TEXT:
            records[column] = records[column].astype(schema.TEXT)
    rejects = pd.concat([t.rejects for t in tables], ignore_index=True)
    notes = [n for t in tables for n in t.notes]
    rows = {k: v for t in tables for k, v in t.rows_read.items()}
    return SourceTable(records, rejects, notes, rows)


def check_names(sources: Sequence[Source]) -> None:
    """Raise :class:`SourceError` if two sources share a name."""
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourceError(f"source names must be unique; repeated: {', '.join(dupes)}")


def read_source(source: Source, base_dir: Path | None = None) -> SourceTable:
    """Read one source and map it onto the canonical schema.

    Returns:
        ``records`` with ``record_id``, ``source``, ``source_record_id``, ``source_row``,
        ``updated_at`` (raw) and one object column per mapped canonical field; and
        ``rejects`` (see :mod:`unifyprofile.schema`).
    """
    where = _where(source, base_dir)
    raw, unreadable = _load(source, base_dir, where)
    if len(raw) == 0 and not unreadable:
        raise empty_source_error(source, where)
    if len(raw) == 0:  # every row unreadable: all of them are rejects, none is lost
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (
            schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID)})
        empty["source_row"] = pd.Series(dtype="int64")
        return SourceTable(
            empty, pd.DataFrame(unreadable)[list(schema.REJECT_COLUMNS)],
            [unreadable_note(source, where, len(unreadable))],
            {source.name: len(unreadable)})
    check_mapping(source, where, [str(c) for c in raw.columns])
    rows = raw.pop("_row").to_numpy() if "_row" in raw.columns else np.arange(1, len(raw) + 1)
    mapped = map_rows(source, raw, rows)
    ids = mapped[schema.SOURCE_RECORD_ID]
    missing = ids.isna().to_numpy()
    duplicate = ids.duplicated(keep="first").to_numpy() & ~missing
    keep = ~(missing | duplicate)
    rejects = id_rejects(source, mapped[~keep], duplicate[~keep])
    if unreadable:
        rejects = pd.concat([rejects, pd.DataFrame(unreadable)], ignore_index=True)
        rejects = rejects.sort_values("row", kind="stable", ignore_index=True)
    fields = list(source.mapping)
    notes = empty_column_notes(source, len(mapped),
                               {c: int(mapped[c].notna().sum()) for c in fields})
    records = mapped[keep].reset_index(drop=True)
    rows_read = len(raw) + len(unreadable)
    return SourceTable(records, rejects[list(schema.REJECT_COLUMNS)], notes,
                       {source.name: rows_read})


def check_mapping(source: Source, where: str, columns: Sequence[str]) -> str:
    """Check that every column ``source`` maps exists among ``columns``.

    Args:
        source: the source whose id column, mapping and ``updated_at`` are checked.
        where: the file or table, for the message.
        columns: the columns of the loaded raw table.

    Returns:
        The id column.

    Raises:
        SourceError: the source has no id column, or a mapped column is missing (the
            message lists all of them, with the closest existing name).
    """
    id_column = source.resolved_id_column
    if id_column is None:
        raise SourceError(
            f"source '{source.name}': no id column; set `id_column` to the column that "
            "holds the source's own record id, or choose a `preset`"
        )
    wanted = [("id_column", id_column)] + [
        (canonical, column) for canonical, cols in source.mapping.items()
        for column in ([cols] if isinstance(cols, str) else cols)]
    updated_at = source.resolved_updated_at
    if updated_at is not None:
        wanted.append(("updated_at", updated_at))
    _check_columns(source, where, pd.Index(columns), wanted)
    return id_column


def map_rows(source: Source, raw: pd.DataFrame, rows: np.ndarray, *,
             integral: Mapping[str, bool] | None = None) -> pd.DataFrame:
    """Map already loaded raw rows of ``source`` onto the canonical schema.

    This is the one place raw values become records; every engine calls it, on a whole
    source (local) or on each chunk of one (Spark).  It works row by row, with one
    exception that a caller reading in chunks must decide for the whole source: whether a
    float column holds whole numbers only (``integral``).  Which row keeps a repeated id
    is decided over the whole source too, by the caller (the first by row number).

    Args:
        source: the source (its id column, mapping and ``updated_at`` column are used;
            check them first with :func:`check_mapping`).
        raw: the raw rows, one column per source column.
        rows: the row number of each raw row (1-based, header excluded).
        integral: per float column, whether all its values are whole numbers (written
            then without ``.0``); default: decided on ``raw``.

    Returns:
        One row per raw row: ``record_id`` (``"<source>:<id>"``), ``source``,
        ``source_record_id`` (both null where the id is missing), ``source_row``,
        ``updated_at`` (raw, if the source has one) and one text column per mapped
        canonical field; values are trimmed, blanks are null.
    """
    id_column = source.resolved_id_column
    assert id_column is not None, "check_mapping first"
    ids = _as_text(raw[id_column], _integral(integral, id_column))
    present = ids.notna().to_numpy()
    text_ids = ids.to_numpy(dtype=object)
    record_ids = np.full(len(raw), None, dtype=object)
    record_ids[present] = np.char.add(f"{source.name}:",
                                      text_ids[present].astype(str)).astype(object)
    records = pd.DataFrame({
        schema.RECORD_ID: record_ids,
        schema.SOURCE: np.full(len(raw), source.name, dtype=object),
        schema.SOURCE_RECORD_ID: np.where(present, text_ids, None),
        "source_row": np.asarray(rows).astype("int64"),
    })
    updated_at = source.resolved_updated_at
    if updated_at is not None:
        records[schema.UPDATED_AT] = _as_text(raw[updated_at],
                                              _integral(integral, updated_at)).array
    for canonical, column in source.mapping.items():
        records[canonical] = _joined(raw, column, integral).array
    return records


def id_rejects(source: Source, mapped: pd.DataFrame, duplicate: np.ndarray) -> pd.DataFrame:
    """The rejects of mapped rows that have no id, or repeat an earlier row's id.

    Args:
        source: the source the rows come from.
        mapped: rows of :func:`map_rows` that are rejected.
        duplicate: per row, True where its id repeats an earlier row's (else: missing).

    Returns:
        The rejects (:data:`~unifyprofile.schema.REJECT_COLUMNS`), in the rows' order.
    """
    id_column = source.resolved_id_column
    ids = mapped[schema.SOURCE_RECORD_ID].to_numpy(dtype=object)
    duplicate = np.asarray(duplicate, dtype=bool)
    return pd.DataFrame({
        "source": source.name,
        "row": mapped["source_row"].to_numpy().astype("int64"),
        "source_record_id": np.where(duplicate, ids, None),
        "column": id_column,
        "reason": [
            f"duplicate id: '{v}' already used by an earlier row of '{source.name}'" if d
            else f"missing id: column '{id_column}' is empty"
            for d, v in zip(duplicate, ids, strict=True)
        ],
    }, columns=list(schema.REJECT_COLUMNS))


def empty_column_notes(source: Source, rows: int, present: Mapping[str, int]) -> list[str]:
    """Notes for mapped columns that are empty in every row of a source.

    Args:
        source: the source.
        rows: rows the source has (rows without an id included).
        present: per canonical field, the rows where it has a value.
    """
    return [
        f"source '{source.name}': column {source.mapping[canonical]!r} (mapped to "
        f"{canonical}) is empty in all {rows:,} rows; check the mapping"
        for canonical, count in present.items() if rows and count == 0
    ]


def _integral(integral: Mapping[str, bool] | None, column: str) -> bool | None:
    return None if integral is None else integral.get(column)


def empty_source_error(source: Source, where: str) -> SourceError:
    """The error for a source without data rows."""
    return SourceError(
        f"source '{source.name}' ({where}) has no data rows; remove it from the config "
        "or check that the export is complete"
    )


def unreadable_note(source: Source, where: str, rows: int) -> str:
    """The note for a source none of whose rows could be read."""
    return (f"source '{source.name}' ({where}): none of its {rows:,} rows could be read; "
            "see the rejects")


def unreadable_rejects(source: Source, rows: Sequence[int],
                       texts: Sequence[str | None]) -> pd.DataFrame:
    """Rejects for CSV rows that could not be parsed (a wrong number of fields).

    Args:
        source: the source.
        rows: their row numbers (1-based, header excluded; -1 if unknown).
        texts: their raw text.
    """
    return pd.DataFrame({
        "source": source.name, "row": np.asarray(rows, dtype="int64"),
        "source_record_id": np.full(len(rows), None, dtype=object),
        "column": np.full(len(rows), None, dtype=object),
        "reason": [f"unreadable row: wrong number of fields ({(t or '')[:80]!r})"
                   for t in texts],
    }, columns=list(schema.REJECT_COLUMNS))


def location(source: Source, base_dir: Path | None) -> str:
    """Where ``source`` is read from: a path (relative ones resolved against
    ``base_dir``), or a URI such as ``s3://bucket/key`` unchanged."""
    if "://" in str(source.path):
        return str(source.path)
    return str(_path(source, base_dir))


def _where(source: Source, base_dir: Path | None) -> str:
    if source.data is not None:
        return "in-memory DataFrame"
    return str(_path(source, base_dir))


def _path(source: Source, base_dir: Path | None) -> Path:
    path = Path(str(source.path))
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def _load(source: Source, base_dir: Path | None, where: str) -> tuple[pd.DataFrame, list[dict]]:
    fmt = source.resolved_format
    if fmt == "dataframe" or source.data is not None:
        if not isinstance(source.data, pd.DataFrame):
            raise SourceError(f"source '{source.name}': `data` must be a pandas DataFrame")
        return source.data.reset_index(drop=True), []
    if source.path is None:
        raise SourceError(f"source '{source.name}': give a `path` to a file or `data`")
    path = _path(source, base_dir)
    if not path.is_file():
        raise SourceError(f"source '{source.name}': file not found: {path}")
    try:
        if fmt == "csv":
            return _read_csv(source, path)
        if fmt == "parquet":
            return _read_parquet(source, path), []
        if fmt == "jsonl":
            return _read_jsonl(source, path)
    except SourceError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise SourceError(
            f"source '{source.name}': cannot read {fmt} file {path}: {exc}"
        ) from exc
    raise SourceError(
        f"source '{source.name}': unknown format '{fmt}'; use csv, parquet or jsonl"
    )


def _decode_check(source: Source, path: Path, data: bytes) -> None:
    try:
        data.decode(source.encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"source '{source.name}': {path} is not valid {source.encoding} "
            f"(byte 0x{data[exc.start]:02x} on line {line}); set `encoding` for this source, "
            "e.g. encoding = \"latin-1\" or \"cp1252\""
        ) from None
    except LookupError:
        raise SourceError(
            f"source '{source.name}': unknown encoding '{source.encoding}'"
        ) from None


def _read_csv(source: Source, path: Path) -> tuple[pd.DataFrame, list[dict]]:
    if path.suffix.lower() == ".tsv" and source.delimiter == ",":
        source = replace(source, delimiter="\t")
    data = path.read_bytes()
    _decode_check(source, path, data)
    column_types = _all_string_types(data, source)
    invalid: list[tuple[int | None, str]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    def parse(threads: bool) -> pa.Table:
        invalid.clear()
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(encoding=source.encoding, use_threads=threads),
            parse_options=pacsv.ParseOptions(delimiter=source.delimiter,
                                             newlines_in_values=True,
                                             invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types, strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )

    table = parse(threads=True)
    if invalid:  # line numbers are only known when parsing on one thread
        table = parse(threads=False)
    frame = table.to_pandas()
    rejects = unreadable_rejects(source, [(number - 1) if number else -1
                                          for number, _ in invalid],
                                 [text for _, text in invalid]).to_dict("records")
    if invalid:
        # Data row numbers of the rows that parsed: every row number not taken by a reject.
        bad_rows = {r["row"] for r in rejects}
        total = len(frame) + len(rejects)
        good = np.setdiff1d(np.arange(1, total + 1), np.fromiter(bad_rows, dtype=np.int64))
        frame["_row"] = good[: len(frame)]
    return frame, rejects


def _all_string_types(data: bytes, source: Source) -> dict[str, pa.DataType]:
    first = data.split(b"\n", 1)[0].decode(source.encoding).rstrip("\r")
    names = pd.read_csv(io.StringIO(first), sep=source.delimiter, nrows=0).columns
    return {str(n): pa.string() for n in names}


def _read_parquet(source: Source, path: Path) -> pd.DataFrame:
    # Arrow-backed columns: strings are trimmed in Arrow by _as_text, no Python objects
    # are made for columns the mapping does not use.
    return pq.read_table(path).to_pandas(types_mapper=pd.ArrowDtype)


def _read_jsonl(source: Source, path: Path) -> tuple[pd.DataFrame, list[dict]]:
    data = path.read_bytes()
    _decode_check(source, path, data)
    objects: list[dict] = []
    rows: list[int] = []
    rejects: list[dict] = []
    row = 0
    for line in data.decode(source.encoding).splitlines():
        if not line.strip():
            continue
        row += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            obj, problem = None, f"not valid JSON ({exc.msg} at column {exc.colno})"
        else:
            problem = "" if isinstance(obj, dict) else "a JSON value that is not an object"
        if problem:
            rejects.append({"source": source.name, "row": row, "source_record_id": None,
                            "column": None, "reason": f"unreadable row: {problem}"})
            continue
        objects.append(obj)
        rows.append(row)
    frame = pd.json_normalize(objects) if objects else pd.DataFrame()
    frame["_row"] = np.asarray(rows, dtype="int64")
    return frame, rejects


def _joined(raw: pd.DataFrame, column: str | Sequence[str],
            integral: Mapping[str, bool] | None = None) -> pd.Series:
    """One text column, or several joined with spaces (e.g. street number + street)."""
    if isinstance(column, str):
        return _as_text(raw[column], _integral(integral, column))
    parts = [_as_text(raw[c], _integral(integral, c)) for c in column]
    joined = parts[0].fillna("")
    for part in parts[1:]:
        # A space only between two present parts: ["3", None, "Unit 9"] -> "3 Unit 9".
        gap = np.where((joined != "") & part.notna(), " ", "")
        joined = joined + gap + part.fillna("")
    return _as_text(joined.astype(object))


def _check_columns(source: Source, where: str, available: pd.Index,
                   wanted: list[tuple[str, str]]) -> None:
    have = [str(c) for c in available if c != "_row"]
    problems = []
    for role, column in wanted:
        if column in have:
            continue
        lowered = {c.lower(): c for c in have}
        close = [lowered[c] for c in difflib.get_close_matches(column.lower(), list(lowered),
                                                                n=1)]
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(f"{role} -> '{column}' is not a column{hint}")
    if problems:
        listing = ", ".join(repr(c) for c in have)
        raise SourceError(
            f"source '{source.name}' ({where}): " + "; ".join(problems)
            + f". Columns in this source: {listing}. Fix the mapping under "
            f"[sources.columns] for '{source.name}'"
        )


def _as_text(values: pd.Series, integral: bool | None = None) -> pd.Series:
    """Arrow-backed stripped strings, null for missing/blank; a float column whose values
    are all whole numbers (``integral``; default: decided on ``values``) as ints."""
    if isinstance(values.dtype, pd.ArrowDtype):
        arrow = values.array._pa_array  # noqa: SLF001 - the documented way to reach it
        if pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type):
            return _trimmed(arrow, values.index)
        if pa.types.is_integer(arrow.type) or pa.types.is_boolean(arrow.type):
            # Exact, and nulls stay null (a numpy int column cannot hold them).
            return _trimmed(pc.cast(arrow, pa.string()), values.index)
        if pa.types.is_floating(arrow.type):
            values = pd.Series(arrow.to_numpy(), index=values.index)  # nulls -> NaN
        else:
            values = values.astype(values.dtype.numpy_dtype)
    if pd.api.types.is_float_dtype(values.dtype):
        if integral is None:
            finite = values.dropna()
            integral = bool(len(finite)) and bool((finite == np.floor(finite)).all())
        if integral:
            values = values.astype("Int64")
    if pd.api.types.is_bool_dtype(values.dtype):
        values = values.map({True: "true", False: "false"})
    out = values.astype(object).where(values.notna(), None)
    if pd.api.types.infer_dtype(out, skipna=True) in ("string", "empty"):
        return _trimmed(pa.array(out.to_numpy(), type=pa.string()), values.index)
    codes, uniques = pd.factorize(out, use_na_sentinel=True)
    cleaned = np.array([_clean(u) for u in uniques] + [None], dtype=object)
    text = pa.array(cleaned[codes], type=pa.string())
    return pd.Series(text, index=values.index, dtype=schema.TEXT)


def _trimmed(arrow: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """Trim and blank -> null in Arrow, without a Python loop per value."""
    trimmed = pc.utf8_trim_whitespace(arrow)
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(trimmed.cast(pa.string()), index=index, dtype=schema.TEXT)


def _clean(value: object) -> str | None:
    text = str(value).strip()
    return text or None
