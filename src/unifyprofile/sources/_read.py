"""Read exports into the canonical ``records`` table, with a ``rejects`` table.

No row is ever dropped silently: a row without an id, with an id already seen in the same
source, with a list or object where one value is expected, or that cannot be parsed
becomes a row of ``rejects`` naming the source, the row number (1-based, header excluded),
the column and the reason; rejects of CSV and JSONL files also name their physical lines.
Every source's rows add up (records + rejects = rows read) and so do the physical lines of
text files (:class:`LineCount`).  Ids and every other value are text from the first byte
to the last, whatever their type in the file: a JSON integer keeps all its digits.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from unifyprofile import schema
from unifyprofile.errors import SourceError
from unifyprofile.events import empty_events, extract_events
from unifyprofile.sources._csv import LineCount
from unifyprofile.sources._load import (
    Loaded,
    csv_file_dialect,
    describe,
    is_table,
    load,
    location,
    mapped_columns,
)
from unifyprofile.sources._source import Source

__all__ = ["MULTI_VALUED", "LineCount", "RawTable", "SourceTable", "check_mapping",
           "check_names", "read_table",
           "csv_file_dialect", "empty_column_notes", "empty_source_error", "id_rejects",
           "location", "map_rows",
           "read_source", "read_sources", "unreadable_note", "unreadable_rejects"]

#: Canonical fields that may hold several values: a list in a cell is read as its first
#: value (with a note) instead of making the row a reject.
MULTI_VALUED = ("email", "phone")


@dataclass
class SourceTable:
    """What reading one or more sources produced."""

    records: pd.DataFrame
    rejects: pd.DataFrame
    #: Human-readable warnings that are not errors (e.g. a mapped column that is empty).
    notes: list[str] = field(default_factory=list)
    #: Rows read per source, rejects included.
    rows_read: dict[str, int] = field(default_factory=dict)
    #: Physical lines of each CSV or JSONL source and where each went.
    lines: dict[str, LineCount] = field(default_factory=dict)
    #: The touchpoints of event sources, one per record (see :mod:`unifyprofile.events`).
    events: pd.DataFrame = field(default_factory=empty_events)


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
    # Record ids stay Python strings (every stage keys on them); source ids and field
    # values are Arrow-backed (a fraction of the memory of a million Python strings),
    # including columns that only some sources have.
    keys = [schema.RECORD_ID, schema.SOURCE]
    # One Python string per source name, shared by its records (not one per record).
    codes, names = pd.factorize(records[schema.SOURCE])
    records[schema.SOURCE] = np.asarray(names, dtype=object)[codes]
    records[keys] = records[keys].astype(object)
    for column in records.columns.difference([*keys, "source_row"]):
        if records[column].dtype != schema.TEXT:
            records[column] = records[column].astype(schema.TEXT)
    rejects = pd.concat([t.rejects for t in tables], ignore_index=True)
    notes = [n for t in tables for n in t.notes]
    rows = {k: v for t in tables for k, v in t.rows_read.items()}
    lines = {k: v for t in tables for k, v in t.lines.items()}
    found = [t.events for t in tables if len(t.events)]
    events = (pd.concat(found, ignore_index=True) if len(found) > 1
              else found[0] if found else empty_events())
    return SourceTable(records, rejects, notes, rows, lines, events)


def check_names(sources: Sequence[Source]) -> None:
    """Raise :class:`SourceError` if two sources share a name."""
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourceError(f"source names must be unique; repeated: {', '.join(dupes)}")


def read_source(source: Source, base_dir: Path | None = None) -> SourceTable:
    """Read one source and map it onto the canonical schema.

    A source without data rows (a header-only CSV, an empty file, an empty table) is not
    an error: its records table is empty and a note says so ("no changes today").

    Returns:
        ``records`` with ``record_id``, ``source``, ``source_record_id``, ``source_row``,
        ``updated_at`` (raw) and one object column per mapped canonical field; and
        ``rejects`` (see :mod:`unifyprofile.schema`).
    """
    where = (describe(source.data) if source.data is not None
             else location(source, base_dir))
    loaded = load(source, base_dir)
    raw, unreadable = loaded.frame, loaded.rejects
    if loaded.empty_file:
        return _nothing(source, [f"source '{source.name}' ({where}) is an empty file: no "
                                 "header and no rows were read"], loaded, 0)
    if len(raw) == 0 and unreadable:  # every row unreadable: all of them are rejects
        return _nothing(source, [unreadable_note(source, where, len(unreadable))], loaded,
                        len(unreadable))
    columns = [str(c) for c in raw.columns if c not in _INTERNAL]
    if not columns and not unreadable and not len(raw):  # JSONL of blank lines: no keys
        return _nothing(source, [_no_rows_note(source, where)], loaded, 0)
    if source.resolved_format == "jsonl":
        # A JSON object leaves out the keys it has no value for (a Segment identify sends
        # the traits it knows): a mapped key no row has is an empty column, with the
        # note every empty column gets, not a missing one.
        absent = [c for c in dict.fromkeys(mapped_columns(source)) if c not in raw.columns]
        raw = raw.assign(**dict.fromkeys(absent)) if absent else raw
        columns += absent
    check_mapping(source, where, columns)
    rows = raw.pop("_row").to_numpy() if "_row" in raw.columns else np.arange(1, len(raw) + 1)
    spans = (raw.pop("_lines").to_numpy() if "_lines" in raw.columns
             else np.ones(len(raw), dtype=np.int64))
    raw, rows, spans, cell_rejects, notes = _scalar_cells(source, raw, rows, spans)
    notes = loaded.notes + notes
    unreadable = unreadable + cell_rejects
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
    if len(mapped):
        notes += empty_column_notes(source, len(mapped),
                                    {c: int(mapped[c].notna().sum()) for c in fields})
    elif not unreadable:
        notes.append(_no_rows_note(source, where))
    records = mapped[keep].reset_index(drop=True)
    events = empty_events()
    if source.events is not None:
        events, more = extract_events(source.events, raw.iloc[np.flatnonzero(keep)],
                                      records[schema.RECORD_ID].tolist(), source.name,
                                      dayfirst=source.dayfirst,
                                      year_pivot=source.year_pivot)
        notes += more
    rows_read = len(raw) + len(unreadable)
    lines = {}
    if loaded.lines is not None:
        total, header, blank = loaded.lines
        in_rejects = sum(int(r.get("lines", 1)) for r in unreadable) + int(spans[~keep].sum())
        lines[source.name] = LineCount(total, header, blank, int(spans[keep].sum()),
                                       in_rejects)
    return SourceTable(records, rejects[list(schema.REJECT_COLUMNS)], notes,
                       {source.name: rows_read}, lines, events)


@dataclass
class RawTable:
    """A table's own columns as text, before any mapping (see :func:`read_table`)."""

    #: One column per column of the table; cells are ``str`` or None.
    frame: pd.DataFrame
    #: Rows that could not be parsed (:data:`~unifyprofile.schema.REJECT_COLUMNS`).
    rejects: pd.DataFrame
    #: Where the rows came from, for messages.
    where: str
    #: The file held nothing at all (no header, no rows).
    empty_file: bool = False
    #: What reading found that the caller did not say (a delimiter, an encoding).
    notes: list[str] = field(default_factory=list)


def read_table(data: Any, *, name: str = "source", format: str | None = None,
               encoding: str | None = None, delimiter: str | None = None,
               base_dir: Path | None = None) -> RawTable:
    """Read a table as text columns, as a source is read but before any column mapping.

    This is what column-role inference looks at (``unifyprofile infer``): every format a
    source can be read from, with the same rejects.

    Args:
        data: a path (a file, glob, folder or fsspec URL, as :class:`Source` ``path``) or
            an in-memory table (as :class:`Source` ``data``).
        name: the source name used in messages and rejects.
        format: ``csv``, ``parquet`` or ``jsonl``; by default from the file names.
        encoding: text encoding of CSV and JSONL files (default: UTF-8, or cp1252 for
            a file that is not UTF-8).
        delimiter: CSV field delimiter (default: found in the file's head; ``.tsv``
            files: a tab).
        base_dir: directory that a relative path is resolved against.

    Returns:
        A :class:`RawTable`.  Rows that cannot be parsed are in ``rejects``, not in
        ``frame``; a list in a cell is read as its first value (as e-mails and phones
        are); a JSON object is left to its flattened ``a.b`` columns.

    Raises:
        SourceError: nothing at the path, or it cannot be read at all.

    Examples:
        >>> import pyarrow as pa
        >>> table = read_table(pa.table({"id": [1, 2], "email": [["a@x.io"], None]}))
        >>> table.frame
          id   email
        0  1  a@x.io
        1  2    None
        >>> table.where
        'in-memory pyarrow Table'
    """
    if is_table(data):
        source = Source(name, data=data)
        where = describe(data)
    else:
        source = Source(name, path=data, format=format, encoding=encoding,
                        delimiter=delimiter)
        where = location(source, base_dir)
    loaded = load(source, base_dir)
    raw = loaded.frame.drop(columns=[c for c in _INTERNAL if c in loaded.frame.columns])
    columns: dict[str, pd.Series] = {}
    for column in raw.columns:
        values = raw[column]
        if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_nested(
                values.dtype.pyarrow_dtype):
            values = pd.Series(values.array._pa_array.to_pylist(),  # noqa: SLF001
                               index=values.index, dtype=object)
        if values.dtype == object:
            if values.map(lambda v: isinstance(v, dict)).any():
                continue  # its keys are columns of their own ("a.b")
            nested = values.map(lambda v: isinstance(v, (list, tuple, np.ndarray)))
            if nested.any():
                values = values.where(~nested, values[nested].map(_first_item))
        text = _as_text(values)
        columns[str(column)] = text.astype(object).where(text.notna(), None)
    frame = pd.DataFrame(columns, index=raw.index)
    rejects = pd.DataFrame(loaded.rejects, columns=[*schema.REJECT_COLUMNS, "lines"])
    return RawTable(frame, rejects[list(schema.REJECT_COLUMNS)], where, loaded.empty_file,
                    loaded.notes)


def _first_item(value: Any) -> str | None:
    items = [v for v in list(value) if v is not None and str(v).strip() != ""]
    return _scalar_text(items[0]) if items else None


def _no_rows_note(source: Source, where: str) -> str:
    return f"source '{source.name}' ({where}) has no data rows: nothing was read from it"


#: Columns the loaders add to a raw table: the row number and the lines it covers.
_INTERNAL = ("_row", "_lines")


def _nothing(source: Source, notes: list[str], loaded: Loaded, rows: int) -> SourceTable:
    """The table of a source none of whose rows became a record."""
    notes = loaded.notes + notes
    used = [source.resolved_id_column or "_id", source.resolved_updated_at, *(
        c for cols in source.mapping.values() for c in ([cols] if isinstance(cols, str)
                                                        else cols))]
    raw = pd.DataFrame({c: pd.Series(dtype=object) for c in used if c is not None})
    empty = map_rows(replace(source, id_column=source.resolved_id_column or "_id"), raw,
                     np.zeros(0, dtype=np.int64))
    rejects = pd.DataFrame(loaded.rejects, columns=[*schema.REJECT_COLUMNS, "lines"])
    lines = {}
    if loaded.lines is not None:
        total, header, blank = loaded.lines
        lines[source.name] = LineCount(total, header, blank, 0,
                                       int(rejects["lines"].fillna(1).sum()))
    return SourceTable(empty, rejects[list(schema.REJECT_COLUMNS)].astype(
        {"row": "int64"}), notes, {source.name: rows}, lines)


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
    if source.events is not None:
        wanted += [(f"events.{role}", column) for role, column in source.events.columns()]
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
    columns: dict[str, Any] = {
        schema.RECORD_ID: record_ids,
        schema.SOURCE: np.full(len(raw), source.name, dtype=object),
        schema.SOURCE_RECORD_ID: np.where(present, text_ids, None),
        "source_row": np.asarray(rows).astype("int64"),
    }
    updated_at = source.resolved_updated_at
    if updated_at is not None:
        columns[schema.UPDATED_AT] = _as_text(raw[updated_at],
                                              _integral(integral, updated_at)).array
    for canonical, column in source.mapping.items():
        columns[canonical] = _joined(raw, column, integral).array
    return pd.DataFrame(columns)  # at once: a column insert each costs more than a row


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


def _scalar_cells(source: Source, raw: pd.DataFrame, rows: np.ndarray, spans: np.ndarray
                  ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, list[dict], list[str]]:
    """Lists and objects in the columns ``source`` uses, made one value or a reject.

    A list with one value is that value and an empty list is null; a list of several
    e-mails or phones (:data:`MULTI_VALUED`) gives its first value, with a note; any
    other list, and every object, makes the row a reject naming the column.

    Returns:
        The raw rows without the rejected ones, their row numbers and line spans, the
        rejects, and the notes.
    """
    used: dict[str, list[str]] = {}
    id_column = source.resolved_id_column
    if id_column is not None:
        used.setdefault(id_column, []).append("id_column")
    for canonical, columns in source.mapping.items():
        for column in [columns] if isinstance(columns, str) else columns:
            used.setdefault(column, []).append(canonical)
    if source.resolved_updated_at is not None:
        used.setdefault(source.resolved_updated_at, []).append(schema.UPDATED_AT)
    bad = np.zeros(len(raw), dtype=bool)
    why: dict[int, tuple[str, str]] = {}
    notes: list[str] = []
    for column, fields in used.items():
        values = raw[column] if column in raw.columns else None
        if values is None:
            continue
        if isinstance(values.dtype, pd.ArrowDtype):
            arrow_type = values.dtype.pyarrow_dtype
            if not (pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type)
                    or pa.types.is_map(arrow_type)):
                continue
            values = pd.Series(values.array._pa_array.to_pylist(),  # noqa: SLF001
                               index=values.index, dtype=object)
        elif values.dtype != object or pd.api.types.infer_dtype(
                values, skipna=True) in ("string", "empty", "integer", "floating", "boolean"):
            continue
        nested = values.map(lambda v: isinstance(v, (list, tuple, np.ndarray, dict)))
        if not nested.any():
            continue
        multi = all(f in MULTI_VALUED for f in fields)
        flattened = values.to_numpy(dtype=object, copy=True)
        several = 0
        for k in np.flatnonzero(nested.to_numpy()).tolist():
            value = flattened[k]
            if isinstance(value, dict):
                why.setdefault(k, (column, f"column {column!r} holds a JSON object where "
                                   f"{fields[0]} takes one value; map one of its keys "
                                   f"instead, e.g. '{column}.<key>'"))
                continue
            items = [v for v in list(value) if v is not None and str(v).strip() != ""]
            if any(isinstance(v, (list, tuple, dict, np.ndarray)) for v in items):
                why.setdefault(k, (column, f"column {column!r} holds nested lists or "
                                   f"objects where {fields[0]} takes one value"))
            elif len(items) <= 1 or multi:
                flattened[k] = _scalar_text(items[0]) if items else None
                several += len(items) > 1
            else:
                why.setdefault(k, (column, f"column {column!r} holds a list of {len(items)} "
                                   f"values where {fields[0]} takes one value (only "
                                   f"{' and '.join(MULTI_VALUED)} take several: the first "
                                   "is used)"))
        raw[column] = flattened
        if several:
            notes.append(f"source '{source.name}': {several:,} row(s) hold several values in "
                         f"column {column!r} (mapped to {', '.join(fields)}); the first of "
                         "each is used")
    for k in why:
        bad[k] = True
    rejects = [{"source": source.name, "row": int(rows[k]), "source_record_id": None,
                "column": column, "lines": int(spans[k]), "reason": reason}
               for k, (column, reason) in sorted(why.items())]
    if not bad.any():
        return raw, rows, spans, rejects, notes
    keep = ~bad
    return (raw[keep].reset_index(drop=True), np.asarray(rows)[keep], spans[keep], rejects,
            notes)


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _clean(value)


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
        table = "events" if all(p.startswith("events.") for p in problems) else "columns"
        raise SourceError(
            f"source '{source.name}' ({where}): " + "; ".join(problems)
            + f". Columns in this source: {listing}. Fix the mapping under "
            f"[sources.{table}] for '{source.name}'"
        )


def _as_text(values: pd.Series, integral: bool | None = None) -> pd.Series:
    """Arrow-backed stripped strings, null for missing/blank; a float column whose values
    are all whole numbers (``integral``; default: decided on ``values``) as ints."""
    few = _few_texts(values)
    if few is not None:
        return few
    if isinstance(values.dtype, pd.ArrowDtype):
        arrow = values.array._pa_array  # noqa: SLF001 - the documented way to reach it
        if pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type):
            return _trimmed(arrow, values.index)
        if pa.types.is_integer(arrow.type) or pa.types.is_boolean(arrow.type):
            # Exact, and nulls stay null (a numpy int column cannot hold them).
            return _trimmed(pc.cast(arrow, pa.string()), values.index)
        if pa.types.is_dictionary(arrow.type):
            decoded = arrow.cast(arrow.type.value_type)
            return _as_text(pd.Series(decoded, index=values.index, dtype=pd.ArrowDtype(
                decoded.type)), integral)
        if pa.types.is_floating(arrow.type):
            values = pd.Series(arrow.to_numpy(), index=values.index)  # nulls -> NaN
        else:
            # Timestamps (in UTC, from any time zone), dates, decimals: Arrow's exact text.
            if pa.types.is_timestamp(arrow.type) and arrow.type.tz is not None:
                arrow = pc.cast(arrow, pa.timestamp(arrow.type.unit, tz="UTC"))
            try:
                return _trimmed(pc.cast(arrow, pa.string()), values.index)
            except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
                values = pd.Series(arrow.to_pylist(), index=values.index, dtype=object)
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


#: Up to this many values, :func:`_few_texts` reads them in Python.
_FEW = 64


def _few_texts(values: pd.Series) -> pd.Series | None:
    """What :func:`_as_text` gives a few (a record fed to a store) strings and nulls of an
    object column, without Arrow's per-call cost: each string as it is where it starts
    and ends with a letter or digit (nothing to trim, however whitespace is told).  None
    for anything else (the caller takes the usual path)."""
    if len(values) > _FEW or values.dtype != object:
        return None
    out: list[str | None] = []
    for v in values.tolist():
        if v.__class__ is str:
            if not (v[:1].isalnum() and v[-1:].isalnum()):
                return None
            out.append(v)
        elif v is None or v is pd.NA or (v.__class__ is float and v != v):
            out.append(None)
        else:
            return None
    return pd.Series(pa.array(out, pa.string()), index=values.index, dtype=schema.TEXT)


def _trimmed(arrow: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """Trim and blank -> null in Arrow, without a Python loop per value."""
    trimmed = pc.utf8_trim_whitespace(arrow)
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(trimmed.cast(pa.string()), index=index, dtype=schema.TEXT)


def _clean(value: object) -> str | None:
    text = str(value).strip()
    return text or None
