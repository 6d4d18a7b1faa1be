"""Benchmark data sets with ground truth, in one folder layout.

dedup
    ``records.csv`` (``record_id`` + attributes) and ``truth.csv``
    (``record_id,cluster_id``; records it does not list are singletons).
link
    ``left.csv`` and ``right.csv`` (``record_id`` + attributes) and ``truth.csv``
    (``left_id,right_id``, one row per true pair).

Files are UTF-8 CSV with a header, read as strings; an empty cell is missing.  The
attribute tables (``records``, ``left``, ``right``) are read by Arrow into Arrow-backed
text columns (:data:`~unifyprofile.schema.TEXT`, missing ``pd.NA``): a million records in
a second, a fraction of the memory of Python strings; ``truth.csv`` holds plain strings
(missing None).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from unifyprofile import schema
from unifyprofile.errors import SourceError
from unifyprofile.evaluate._metrics import link_truth_clusters
from unifyprofile.sources import csv_dialect

__all__ = ["Benchmark", "load_benchmark"]

_DEDUP = "dedup: records.csv + truth.csv (record_id,cluster_id)"
_LINK = "link: left.csv + right.csv + truth.csv (left_id,right_id)"


@dataclass(frozen=True)
class Benchmark:
    """A data set with ground truth.

    Args:
        name: the folder name.
        task: ``"dedup"`` or ``"link"``.
        records: the records of a dedup set (None for link).
        left: the left table of a link set (None for dedup).
        right: the right table of a link set (None for dedup).
        truth: dedup: Series record_id -> cluster_id (every record, singletons
            included); link: DataFrame ``left_id``, ``right_id``.
    """

    name: str
    task: Literal["dedup", "link"]
    truth: pd.Series | pd.DataFrame
    records: pd.DataFrame | None = None
    left: pd.DataFrame | None = None
    right: pd.DataFrame | None = None

    def truth_clusters(self) -> pd.Series:
        """Truth as clusters, record_id -> cluster (link pairs become components)."""
        if self.task == "dedup":
            assert isinstance(self.truth, pd.Series)
            return self.truth
        assert self.left is not None and self.right is not None
        assert isinstance(self.truth, pd.DataFrame)
        return link_truth_clusters(self.left["record_id"], self.right["record_id"], self.truth)

    def sides(self) -> pd.Series:
        """record_id -> ``"left"`` / ``"right"`` of a link set (for cluster metrics)."""
        if self.task != "link" or self.left is None or self.right is None:
            raise ValueError(f"benchmark {self.name!r} is a {self.task} set; it has no sides")
        return pd.concat(
            [
                pd.Series("left", index=self.left["record_id"]),
                pd.Series("right", index=self.right["record_id"]),
            ]
        ).rename("side")


def _read(path: Path, required: tuple[str, ...], layout: str, *,
          text: bool = False) -> pd.DataFrame:
    """The table at ``path``; with ``text``, in Arrow-backed text columns."""
    if not path.is_file():
        raise SourceError(f"{path}: file not found; a {layout} folder needs it")
    data = path.read_bytes()
    # As a source is read: the encoding and delimiter found in the file's head.
    encoding, delimiter = csv_dialect(path.name, str(path), data, encoding=None,
                                      delimiter=None)
    if encoding != "utf-8":
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:  # a byte cp1252 leaves undefined, past the head
            data = data.decode("latin-1").encode("utf-8")
    frame = _read_arrow(data, delimiter) if text else None
    if frame is None:
        frame = _read_pandas(path, data, delimiter)
        if text:
            frame = frame.astype(schema.TEXT)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceError(
            f"{path}: missing column(s) {missing} (has {list(frame.columns)}); "
            f"the {layout} layout expects {', '.join(required)}"
        )
    for column in required:
        blank = frame[column].isna()
        if blank.any():
            row = int(blank.to_numpy().argmax()) + 1
            raise SourceError(f"{path}: column {column!r} is empty in data row {row}")
    return frame


def _read_arrow(data: bytes, delimiter: str) -> pd.DataFrame | None:
    """The table (UTF-8 bytes) read by Arrow, every column a string, empty cells
    missing; None where Arrow cannot read it as pandas would (duplicate headers, ragged
    rows, bad UTF-8): the pandas reader then reads it or says what is wrong."""
    if data.count(b'"') % 2:
        return None  # a quote left open (or one inside a field): pandas judges
    try:
        head = data[:1 << 16].decode("utf-8-sig", errors="ignore")
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        if len(set(header)) != len(header):
            return None
        table = pacsv.read_csv(
            pa.BufferReader(data),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration, csv.Error):
        return None
    if table.column_names != header:
        return None
    blank = pa.scalar(None, pa.string())
    return pd.DataFrame({
        name: pd.Series(pd.arrays.ArrowExtensionArray(
            pc.if_else(pc.equal(column, ""), blank, column).combine_chunks()))
        for name, column in zip(header, table.columns, strict=True)})


def _read_pandas(path: Path, data: bytes, delimiter: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: cannot be read as a CSV with a header row: {error}") from error
    return frame.astype(object).where(frame.ne(""), None)


def _unique_ids(frame: pd.DataFrame, path: Path, column: str = "record_id") -> None:
    ids = frame[column]
    if not ids.is_unique:
        dup = ids[ids.duplicated()].unique()[:5].tolist()
        raise SourceError(f"{path}: {column} values must be unique (duplicated: {dup})")


def load_benchmark(directory: str | os.PathLike[str]) -> Benchmark:
    """Read a benchmark folder (dedup or link layout, see the module docs).

    Args:
        directory: the folder.

    Returns:
        The benchmark; ``name`` is the folder name.

    Raises:
        SourceError: naming the path when the folder or a file is missing or malformed,
            and which layout was expected.

    Examples:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp()) / "tiny"
        >>> folder.mkdir()
        >>> _ = (folder / "records.csv").write_text("record_id,name\\n1,Ann\\n2,\\n3,Anne\\n")
        >>> _ = (folder / "truth.csv").write_text("record_id,cluster_id\\n1,a\\n3,a\\n")
        >>> bench = load_benchmark(folder)
        >>> bench.name, bench.task, bench.records["name"].tolist()
        ('tiny', 'dedup', ['Ann', <NA>, 'Anne'])
        >>> bench.truth.to_dict()
        {'1': 'a', '2': '2', '3': 'a'}
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise SourceError(f"{folder}: benchmark folder not found (expected {_DEDUP}, or {_LINK})")
    has_records = (folder / "records.csv").is_file()
    has_link = (folder / "left.csv").is_file() or (folder / "right.csv").is_file()
    if has_records and has_link:
        raise SourceError(
            f"{folder}: holds both records.csv and left.csv/right.csv; expected one layout, "
            f"either {_DEDUP}, or {_LINK}"
        )
    if not has_records and not has_link:
        raise SourceError(
            f"{folder}: no records.csv, left.csv or right.csv; expected {_DEDUP}, or {_LINK}"
        )
    if has_records:
        records = _read(folder / "records.csv", ("record_id",), _DEDUP, text=True)
        _unique_ids(records, folder / "records.csv")
        truth_path = folder / "truth.csv"
        truth = _read(truth_path, ("record_id", "cluster_id"), _DEDUP)
        _unique_ids(truth, truth_path)
        # Positions by one hash index of plain strings (a million ids: a tenth of the
        # time of isin and reindex between an Arrow and an object column).
        where = pd.Index(records["record_id"].to_numpy(dtype=object)).get_indexer(
            truth["record_id"].to_numpy(dtype=object))
        unknown = where < 0
        if unknown.any():
            raise SourceError(
                f"{truth_path}: record_id(s) not in records.csv: "
                f"{truth['record_id'][unknown].head(5).tolist()}"
            )
        values = np.full(len(records), np.nan, dtype=object)
        values[where] = truth["cluster_id"].to_numpy(dtype=object)
        labels = pd.Series(values, index=pd.Index(records["record_id"]), name="cluster_id")
        # Records truth.csv leaves out are singletons; their own id cannot clash with a
        # cluster_id because it is prefixed when it does.
        lonely = labels.isna()
        if lonely.any():
            fill = labels.index[lonely.to_numpy()].to_series()
            fill = fill.where(~fill.isin(set(truth["cluster_id"])), "singleton:" + fill)
            labels[lonely] = fill.to_numpy()
        return Benchmark(
            name=folder.name,
            task="dedup",
            truth=labels.rename("cluster_id"),
            records=records,
        )
    left = _read(folder / "left.csv", ("record_id",), _LINK, text=True)
    right = _read(folder / "right.csv", ("record_id",), _LINK, text=True)
    _unique_ids(left, folder / "left.csv")
    _unique_ids(right, folder / "right.csv")
    truth_path = folder / "truth.csv"
    pairs = _read(truth_path, ("left_id", "right_id"), _LINK)
    for column, table, name in (("left_id", left, "left.csv"), ("right_id", right, "right.csv")):
        unknown = ~pairs[column].isin(table["record_id"])
        if unknown.any():
            raise SourceError(
                f"{truth_path}: {column}(s) not in {name}: "
                f"{pairs[column][unknown].head(5).tolist()}"
            )
    pairs = pairs[["left_id", "right_id"]].drop_duplicates(ignore_index=True)
    return Benchmark(name=folder.name, task="link", truth=pairs, left=left, right=right)
