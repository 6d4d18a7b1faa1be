"""Read a CSV export so that every physical line is accounted for.

A CSV file is cut into *units*: the header, then data rows of one or more physical lines
(a quoted field may hold line breaks), separated by blank lines that belong to no row.
Each data unit becomes one row of the raw table or one reject; nothing is skipped:

    lines in the file = header lines + blank lines + lines in rows + lines in rejects

The common case costs one Arrow parse: when Arrow gives one row (or one invalid row) per
non-blank line, every row is one line.  Otherwise the units are found line by line with
the same quoting rules as Arrow and Python's ``csv`` (a ``"`` opens a quoted field only at
the start of a field; ``""`` inside quotes is a quote), and a quoted field that does not
close within :attr:`~unifyprofile.sources.Source.max_field_lines` lines or
:attr:`~unifyprofile.sources.Source.max_field_bytes` bytes -- or whose row then has the
wrong number of fields -- rejects only the line where it opened: the lines after it are
read again as rows of their own, so one stray quote costs one row, not the rest of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from unifyprofile.errors import SourceError

__all__ = ["DELIMITERS", "CsvRead", "LineCount", "Lines", "csv_dialect", "detect_delimiter",
           "read_csv_bytes", "to_utf8"]

_UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE,
                  codecs.BOM_UTF16_BE)

#: Field delimiters a CSV export is read with when its source names none, the first
#: preferred on a tie: Excel writes ``;`` where the comma is the decimal separator.
DELIMITERS = (",", ";", "\t", "|")
#: Bytes and lines at the head of a file that :func:`detect_delimiter` reads.
SNIFF_BYTES = 1 << 16
SNIFF_LINES = 200
#: Share of the sampled rows that must have the header's number of fields.
SNIFF_CONSISTENT = 0.9
#: The encoding a file that is not UTF-8 is read in when its source names none (Windows'
#: Western code page, a superset of Latin-1's printable characters); Latin-1 when even
#: that fails, since every byte is a Latin-1 character.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass(frozen=True)
class LineCount:
    """How the physical lines of a text export were used.  They add up:
    ``total == header + blank + records + rejects``."""

    total: int
    header: int
    blank: int
    records: int
    rejects: int

    def __post_init__(self) -> None:
        used = self.header + self.blank + self.records + self.rejects
        if used != self.total:  # pragma: no cover - a reader bug, never an input problem
            raise AssertionError(f"{self.total} lines read but {used} accounted for")


@dataclass
class CsvRead:
    """A CSV file read into raw rows.

    Attributes:
        frame: one text column per header name, plus ``_row`` (the data row number,
            1-based, header excluded) and ``_lines`` (physical lines the row covers).
        rejects: one dict per rejected unit: ``row``, ``source_record_id``, ``column``,
            ``reason`` (naming its lines) and ``lines`` (how many it covers).
        header: the header names.
        header_lines: physical lines of the header (0 for an empty file).
        blank: blank lines outside every row.
        total: physical lines in the file.
        encoding: the encoding it was read in (the one given, or the one found).
        delimiter: the field delimiter it was read with (given or found).
    """

    frame: pd.DataFrame
    rejects: list[dict]
    header: list[str]
    header_lines: int
    blank: int
    total: int
    encoding: str = "utf-8"
    delimiter: str = ","


@dataclass
class Lines:
    """Byte offsets of every physical line: ``start``, ``end`` (content end) and ``stop``
    (after its terminator) per line, and whether it has content."""

    start: np.ndarray
    end: np.ndarray
    stop: np.ndarray
    filled: np.ndarray

    def __len__(self) -> int:
        return len(self.start)

    @classmethod
    def of(cls, data: bytes) -> Lines:
        if not data:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, empty, np.zeros(0, dtype=bool))
        raw = np.frombuffer(data, dtype=np.uint8)
        crs = data.count(b"\r")
        if crs and crs != data.count(b"\r\n"):
            # Lone carriage returns end lines too (old Mac exports): the general case.
            lf, cr = raw == 10, raw == 13
            lone_cr = cr.copy()
            lone_cr[:-1] &= ~lf[1:]
            ends_at = np.flatnonzero(lf | lone_cr)  # last byte of each terminator
            after_cr = np.zeros(len(ends_at), dtype=bool)
            after_cr[ends_at > 0] = cr[ends_at[ends_at > 0] - 1]
            content_end = ends_at - (lf[ends_at] & after_cr)
        else:
            ends_at = np.flatnonzero(raw == 10)
            content_end = ends_at.copy()
            if crs:  # \r\n only: the content ends before the \r
                content_end[(ends_at > 0) & (raw[ends_at - 1] == 13)] -= 1
        stop = ends_at + 1
        if not len(stop) or stop[-1] < len(data):
            stop = np.append(stop, len(data))  # a last line without a terminator
            content_end = np.append(content_end, len(data))
        start = np.concatenate([[0], stop[:-1]]).astype(np.int64)
        return cls(start, content_end.astype(np.int64), stop.astype(np.int64),
                   content_end > start)


def read_csv_bytes(name: str, where: str, data: bytes, *, encoding: str | None,
                   delimiter: str | None, max_field_lines: int,
                   max_field_bytes: int) -> CsvRead:
    """Read a CSV file's bytes (see the module docstring).

    Args:
        name: the source name, for messages.
        where: the file, for messages.
        data: the file's bytes.
        encoding: its text encoding; None: UTF-8, or :data:`FALLBACK_ENCODINGS` when
            the file is not UTF-8 (see :func:`to_utf8`).
        delimiter: its field delimiter (one character); None: found in the file's head
            (see :func:`detect_delimiter`).
        max_field_lines: lines a quoted field may span.
        max_field_bytes: bytes a row whose quoted field spans lines may have.

    Raises:
        SourceError: the encoding is unknown or the file is in another one, the header
            repeats a column name, or the delimiter is not one character.
    """
    if delimiter is not None and (len(delimiter) != 1 or delimiter in "\r\n\""):
        raise SourceError(f"source '{name}': delimiter must be one character other than a "
                          f"quote or a line break (got {delimiter!r})")
    data, undecodable, encoding = to_utf8(name, where, data, encoding)
    if delimiter is None:
        delimiter = detect_delimiter(data)
    lines = Lines.of(data)
    if not len(lines):
        return CsvRead(pd.DataFrame(), [], [], 0, 0, 0, encoding, delimiter)
    scanner = _Scanner(data, lines, delimiter.encode(), max_field_lines, max_field_bytes)
    header, header_last = scanner.header(name, where)
    width = len(header)
    fast = None
    if not undecodable and not scanner.has_nul:
        fast = _fast(data, lines, header, header_last, delimiter, scanner)
    if fast is not None:
        frame, rejects = fast
        blank = int((~lines.filled[header_last + 1:]).sum())
        return CsvRead(frame, rejects, header, header_last + 1, blank, len(lines), encoding,
                       delimiter)
    units, reasons = scanner.units(header_last + 1, width)
    for first, why in undecodable.items():
        k = int(np.searchsorted(units[:, 0], first, side="right")) - 1
        if k >= 0 and reasons[k] is None and units[k, 0] <= first <= units[k, 1]:
            reasons[k] = why
    if scanner.has_nul:
        for line in scanner.lines_with(0).tolist():
            k = int(np.searchsorted(units[:, 0], line, side="right")) - 1
            if k >= 0 and reasons[k] is None and units[k, 1] >= line:
                reasons[k] = "a NUL byte (0x00): the export is damaged or binary here"
    frame, rejects = _parse_units(data, lines, units, reasons, header, header_last,
                                  delimiter, encoding)
    in_units = int((units[:, 1] - units[:, 0] + 1).sum()) if len(units) else 0
    blank = len(lines) - header_last - 1 - in_units
    return CsvRead(frame, rejects, header, header_last + 1, blank, len(lines), encoding,
                   delimiter)


# ---------------------------------------------------------------------------- encoding


def detect_delimiter(data: bytes) -> str:
    """The field delimiter of a CSV file (UTF-8 bytes) among :data:`DELIMITERS`: the one
    that splits the header into two or more fields and gives that many to nine in ten of
    the first rows, the most fields on a tie of consistency; a comma when none does (a
    file of one column).

    >>> detect_delimiter(b"id;name;amount\\n1;Anna;12,50\\n2;Jo;3,00\\n")
    ';'
    >>> detect_delimiter(b'id,name\\n1,"Smith; Anna"\\n')
    ','
    >>> detect_delimiter(b"name\\nSmith, Anna\\n")
    ','
    """
    head = data[:SNIFF_BYTES].decode("utf-8", errors="replace")
    if len(data) > SNIFF_BYTES:
        head = head[:head.rfind("\n") + 1] or head  # no row cut in two
    best, score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        rows = [r for r in itertools.islice(
            csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), SNIFF_LINES)
            if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:]
        consistent = (sum(len(r) == width for r in body) / len(body)) if body else 1.0
        if consistent >= SNIFF_CONSISTENT and (consistent, width) > score:
            best, score = delimiter, (consistent, width)
    return best


def csv_dialect(name: str, where: str, head: bytes, *, encoding: str | None,
                delimiter: str | None) -> tuple[str, str]:
    """The encoding and the delimiter a CSV file is read with: those given, the others
    found in ``head``, the file's first :data:`SNIFF_BYTES` bytes (as
    :func:`read_csv_bytes` finds them), for a reader that parses the file itself.

    >>> csv_dialect("crm", "crm.csv", "id;prénom\\n1;Zoë\\n".encode("cp1252"),
    ...             encoding=None, delimiter=None)
    ('cp1252', ';')
    """
    data = head[:SNIFF_BYTES]
    if len(head) > SNIFF_BYTES:  # a multi-byte character cut at the end is no evidence
        data = data[:data.rfind(b"\n") + 1] or data
    text, _, found = to_utf8(name, where, data, encoding)
    return found, delimiter if delimiter is not None else detect_delimiter(text)


def to_utf8(name: str, where: str, data: bytes, encoding: str | None
            ) -> tuple[bytes, dict[int, str], str]:
    """The file as UTF-8 without a byte-order mark, the lines (0-based) that are not in
    the encoding when the rest of the file is (an export that mixes encodings), and the
    encoding it was read in.

    With ``encoding`` None the file is read as UTF-8, unless most of its lines with
    non-ASCII bytes are not UTF-8: then it is read in the first of
    :data:`FALLBACK_ENCODINGS` that decodes it (an export from a Windows tool)."""
    if encoding is None:
        try:
            return (*to_utf8(name, where, data, "utf-8")[:2], "utf-8")
        except SourceError:
            if data.startswith(_UTF16_32_BOMS):
                raise
            for fallback in FALLBACK_ENCODINGS:
                try:
                    return data.decode(fallback).encode("utf-8"), {}, fallback
                except UnicodeDecodeError:
                    continue
            raise  # pragma: no cover - Latin-1 decodes every byte
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise SourceError(f"source '{name}': unknown encoding {encoding!r}") from None
    utf8 = codec.name == "utf-8"
    if utf8 and data.startswith(_UTF16_32_BOMS):
        wide = "utf-32" if data.startswith(_UTF16_32_BOMS[:2]) else "utf-16"
        raise SourceError(f"source '{name}': {where} starts with a {wide.upper()} byte-order "
                          f"mark; set encoding = \"{wide}\" for this source")
    try:
        text = data.decode("utf-8-sig" if utf8 else codec.name)
    except UnicodeDecodeError as exc:
        if "\n".encode(codec.name) != b"\n" or '"'.encode(codec.name) != b'"':
            raise _encoding_error(name, where, data, exc, encoding) from None
        return (*_mixed(name, where, data.removeprefix(codecs.BOM_UTF8) if utf8 else data,
                        codec.name, encoding), encoding)
    if utf8:
        return data.removeprefix(codecs.BOM_UTF8), {}, encoding
    return text.encode("utf-8"), {}, encoding


def _mixed(name: str, where: str, data: bytes, codec: str, encoding: str
           ) -> tuple[bytes, dict[int, str]]:
    """Lines that do not decode become rejects when most lines with non-ASCII bytes do;
    otherwise the file is in another encoding (an error that says which to set)."""
    lines = Lines.of(data)
    bad: dict[int, str] = {}
    pieces: list[bytes] = []
    good = 0
    for k in range(len(lines)):
        piece = data[lines.start[k]:lines.stop[k]]
        if piece.isascii():
            pieces.append(piece)
            continue
        try:
            pieces.append(piece.decode(codec).encode("utf-8"))
            good += 1
        except UnicodeDecodeError as exc:
            if not bad:
                first = exc
            bad[k] = (f"not valid {encoding} (byte 0x{piece[exc.start]:02x}): this line is "
                      "in another encoding than the rest of the file; fix it in the export")
            # Kept, with replacement characters, so that the line stays a row to reject.
            pieces.append(piece.decode(codec, "replace").encode("utf-8"))
    if len(bad) > good:
        raise _encoding_error(name, where, data, first, encoding, offset=int(
            lines.start[next(iter(bad))]))
    return b"".join(pieces), bad


def _encoding_error(name: str, where: str, data: bytes, exc: UnicodeDecodeError,
                    encoding: str, offset: int = 0) -> SourceError:
    at = offset + exc.start
    line = data.count(b"\n", 0, at) + 1
    return SourceError(
        f"source '{name}': {where} is not valid {encoding} (byte 0x{data[at]:02x} on line "
        f"{line}); set `encoding` for this source, e.g. encoding = \"latin-1\" or \"cp1252\"")


# ---------------------------------------------------------------------------- units


def _field(delimiter: bytes, multiline: bool) -> bytes:
    """One field.  On one line, as Arrow and csv read it: after a closing quote the rest
    up to the delimiter is kept as text.  Across lines, strictly: a closing quote must
    end the field, so that a stray quote cannot close on a quote lines further down."""
    d = re.escape(delimiter)
    unquoted = b'(?!")[^' + d + b'\\r\\n]*'
    if multiline:
        return b'(?:"(?:[^"]|"")*"(?=' + d + b'|\\r|\\n|\\Z)|' + unquoted + b')'
    return b'(?:"(?:[^"\\r\\n]|"")*"(?!")[^' + d + b'\\r\\n]*|' + unquoted + b')'


class _Scanner:
    """Finds units with the quoting rules of Arrow's and Python's CSV readers."""

    def __init__(self, data: bytes, lines: Lines, delimiter: bytes, max_lines: int,
                 max_bytes: int) -> None:
        self.data, self.lines, self.delimiter = data, lines, delimiter
        self.max_lines, self.max_bytes = max_lines, max_bytes
        one, many = _field(delimiter, False), _field(delimiter, True)
        d = re.escape(delimiter)
        self.closed = re.compile(one + b"(?:" + d + one + b")*")
        self.spanning = re.compile(many + b"(?:" + d + many + b")*")
        self.field = re.compile(many + b"(?:" + d + b")?")
        self.has_nul = b"\x00" in data

    def lines_with(self, byte: int) -> np.ndarray:
        """The lines holding ``byte``, in order."""
        at = np.flatnonzero(np.frombuffer(self.data, dtype=np.uint8) == byte)
        return np.unique(np.searchsorted(self.lines.stop, at, side="right"))

    def is_closed(self, k: int) -> bool:
        """Whether line ``k`` holds no quoted field that runs past its end."""
        return self.closed.fullmatch(self.data, self.lines.start[k],
                                     self.lines.end[k]) is not None

    def span(self, k: int, width: int | None) -> int | None:
        """The last line of the row that starts at line ``k`` with a quoted field that
        spans lines, or None when it does not close within the limits (or, with
        ``width``, does not then hold ``width`` fields)."""
        lines = self.lines
        start = int(lines.start[k])
        endpos = min(len(self.data), start + self.max_bytes)
        match = self.spanning.match(self.data, start, endpos)
        if match is None:
            return None
        last = int(np.searchsorted(lines.end, match.end()))
        if (last >= len(lines) or lines.end[last] != match.end() or last == k
                or last - k + 1 > self.max_lines
                or (endpos < len(self.data) and match.end() == endpos)):
            return None
        if width is not None and len(self.fields(start, int(lines.end[last]))) != width:
            return None
        return last

    def fields(self, start: int, end: int) -> list[str]:
        """The fields of the row in bytes ``start:end``, unquoted (as csv reads them)."""
        text = self.data[start:end].decode("utf-8", "replace")
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter.decode())
        try:
            return next(rows, [])
        except csv.Error:  # a field over csv's size limit: counted by the regex instead
            return self._split(start, end)

    def _split(self, start: int, end: int) -> list[str]:
        out: list[str] = []
        pos = start
        while True:
            match = self.field.match(self.data, pos, end)
            if match is None:
                return []
            text = match.group().decode("utf-8", "replace")
            closing = text.endswith(self.delimiter.decode()) and match.end() > pos
            out.append(text[:-1] if closing else text)
            if not closing:
                return out
            pos = match.end()

    def header(self, name: str, where: str) -> tuple[list[str], int]:
        """The header names and the header's last line.

        Raises:
            SourceError: the header repeats a name, or opens a quote it never closes.
        """
        first = int(np.argmax(self.lines.filled)) if self.lines.filled.any() else 0
        last = first if self.is_closed(first) else self.span(first, None)
        if last is None:
            raise SourceError(f"source '{name}': the header of {where} opens a quote that "
                              "is not closed; fix the first line of the export")
        names = self.fields(int(self.lines.start[first]), int(self.lines.end[last]))
        seen: dict[str, list[int]] = {}
        for n, column in enumerate(names, start=1):
            seen.setdefault(column, []).append(n)
        repeated = {c: ns for c, ns in seen.items() if len(ns) > 1}
        if repeated:
            listing = "; ".join(f"{c!r} (columns {', '.join(map(str, ns))})"
                                for c, ns in repeated.items())
            raise SourceError(
                f"source '{name}': the header of {where} repeats column names: {listing}. "
                "Rename them in the export so that every column has its own name")
        return names, last

    def units(self, begin: int, width: int) -> tuple[np.ndarray, list[str | None]]:
        """Data units from line ``begin`` on: ``(first, last)`` lines per unit, and per
        unit None (a row to parse) or why it is rejected."""
        lines = self.lines
        # Every non-blank line is a unit of its own, except where a quoted field that
        # opens on it spans lines: only lines with a quote can open one.
        quoted = self.lines_with(34)
        quoted = quoted[quoted >= begin].tolist()
        opened = [k for k in quoted if lines.filled[k] and not self.is_closed(k)]
        last_of: dict[int, int] = {}
        unclosed: list[int] = []
        consumed = begin - 1
        for k in opened:
            if k <= consumed:
                continue
            last = self.span(k, width)
            if last is None:
                unclosed.append(k)
            else:
                last_of[k] = last
                consumed = last
        inside = np.zeros(len(lines), dtype=bool)
        for first, last in last_of.items():
            inside[first + 1:last + 1] = True
        firsts = np.flatnonzero(lines.filled[begin:] & ~inside[begin:]) + begin
        lasts = firsts.copy()
        if last_of:
            at = np.searchsorted(firsts, np.fromiter(last_of, dtype=np.int64))
            lasts[at] = np.fromiter(last_of.values(), dtype=np.int64)
        reasons: list[str | None] = [None] * len(firsts)
        why = (f"unclosed quote: a quoted field opens on this line and does not close "
               f"within {self.max_lines} lines and {self.max_bytes:,} bytes, or its row "
               "then has the wrong number of fields; only this line is rejected, the "
               "lines after it are read as rows (limits: max_field_lines, max_field_bytes)")
        for k in np.searchsorted(firsts, np.asarray(unclosed, dtype=np.int64)).tolist():
            reasons[k] = why
        return np.stack([firsts, lasts], axis=1).astype(np.int64), reasons


# ---------------------------------------------------------------------------- parsing


def _arrow(data: bytes, header: list[str], delimiter: str, threads: bool = True
           ) -> tuple[pa.Table, list[tuple[int, str, int, int]]]:
    """Arrow's parse of ``data`` (header first), every column text, with its invalid rows
    as (row number with the header as 1, text, expected fields, actual fields)."""
    invalid: list[tuple[int, str, int, int]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number or -1, row.text, row.expected_columns,
                        row.actual_columns))
        return "skip"

    def parse(use_threads: bool) -> pa.Table:
        invalid.clear()
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(use_threads=use_threads, column_names=header,
                                           skip_rows=0, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False))

    table = parse(threads)
    if invalid and threads:  # row numbers are only known when parsing on one thread
        table = parse(False)
    return table, invalid


def _fast(data: bytes, lines: Lines, header: list[str], header_last: int, delimiter: str,
          scanner: _Scanner) -> tuple[pd.DataFrame, list[dict]] | None:
    """Arrow on the whole file, when that gives exactly one row or one invalid row per
    non-blank line after the header (then every row is one line); else None."""
    filled = np.flatnonzero(lines.filled[header_last + 1:]) + header_last + 1
    if not len(filled):
        frame = pd.DataFrame({n: pd.Series(dtype=object) for n in header})
        return frame.assign(_row=np.zeros(0, np.int64), _lines=np.zeros(0, np.int64)), []
    if not scanner.is_closed(int(filled[-1])):
        return None  # a quote open at the end of the file: the careful path rejects it
    body = data[lines.start[header_last + 1]:] if header_last + 1 < len(lines) else b""
    try:
        table, invalid = _arrow(body, header, delimiter)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows + len(invalid) != len(filled):
        return None
    bad = np.array([number for number, *_ in invalid], dtype=np.int64)  # 1 = first line
    if len(bad) and (bad.min() < 1 or len(np.unique(bad)) != len(bad)):
        return None
    rows = np.arange(1, len(filled) + 1, dtype=np.int64)
    good = np.setdiff1d(rows, bad, assume_unique=True)
    frame = table.to_pandas()
    frame["_row"] = good
    frame["_lines"] = np.ones(len(frame), dtype=np.int64)
    rejects = [_invalid_reject(number, filled[number - 1], filled[number - 1], text,
                               expected, actual)
               for number, text, expected, actual in invalid]
    return frame, rejects


def _parse_units(data: bytes, lines: Lines, units: np.ndarray, reasons: list[str | None],
                 header: list[str], header_last: int, delimiter: str, encoding: str
                 ) -> tuple[pd.DataFrame, list[dict]]:
    """Rows of the units without a reason, parsed by Arrow (or, if Arrow cuts them
    differently, one by one by Python's csv); rejects for the others."""
    rejects: list[dict] = []
    ok = [k for k, why in enumerate(reasons) if why is None]
    for k, why in enumerate(reasons):
        if why is not None:
            rejects.append(_reject(k + 1, units[k, 0], units[k, 1], why))
    # The lines after the header without the rejected units: blank lines are skipped by
    # Arrow, so its rows are the remaining units in order.
    cuts = [int(lines.start[header_last + 1]) if header_last + 1 < len(lines) else len(data)]
    for k, why in enumerate(reasons):
        if why is not None:
            cuts += [int(lines.start[units[k, 0]]), int(lines.stop[units[k, 1]])]
    cuts.append(len(data))
    body = b"".join(data[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True))
    table: pa.Table | None = None
    invalid: list[tuple[int, str, int, int]] = []
    if ok:
        try:
            table, invalid = _arrow(body, header, delimiter)
        except (pa.ArrowInvalid, UnicodeDecodeError):
            table = None
    numbers = [n for n, *_ in invalid]
    if (table is not None and table.num_rows + len(invalid) == len(ok)
            and len(set(numbers)) == len(numbers) and all(1 <= n <= len(ok) for n in numbers)):
        bad = set(numbers)
        frame = table.to_pandas()
        keep = [k for n, k in enumerate(ok, start=1) if n not in bad]
        for number, text, expected, actual in invalid:
            k = ok[number - 1]
            rejects.append(_invalid_reject(k + 1, units[k, 0], units[k, 1], text, expected,
                                           actual))
    else:
        pieces = [data[lines.start[f]:lines.end[last]] for f, last in units[ok].tolist()]
        frame, keep = _python_rows(pieces, ok, header, delimiter, units, rejects)
    frame["_row"] = np.asarray(keep, dtype=np.int64) + 1
    frame["_lines"] = (units[keep, 1] - units[keep, 0] + 1).astype(np.int64)
    rejects.sort(key=lambda r: r["row"])
    return frame, rejects


def _python_rows(pieces: list[bytes], ok: list[int], header: list[str], delimiter: str,
                 units: np.ndarray, rejects: list[dict]) -> tuple[pd.DataFrame, list[int]]:
    """Each unit parsed alone by Python's csv: exact, and slow, for the rare file that
    Arrow cuts differently from the units."""
    values: list[list[str]] = []
    keep: list[int] = []
    for piece, k in zip(pieces, ok, strict=True):
        text = piece.decode("utf-8", "replace")
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:  # a field over csv's size limit
            rows = []
        if len(rows) == 1 and len(rows[0]) == len(header):
            values.append(rows[0])
            keep.append(k)
        else:
            got = len(rows[0]) if len(rows) == 1 else f"{len(rows)} rows"
            rejects.append(_invalid_reject(k + 1, units[k, 0], units[k, 1], text,
                                           len(header), got))
    columns = list(zip(*values, strict=True)) if values else [() for _ in header]
    frame = pd.DataFrame({n: pd.Series(list(c), dtype=object)
                          for n, c in zip(header, columns, strict=True)})
    return frame, keep


def _lines_text(first: int, last: int) -> str:
    return f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"


def _reject(row: int, first: int, last: int, reason: str) -> dict:
    return {"source_record_id": None, "column": None, "row": int(row),
            "lines": int(last - first + 1),
            "reason": f"unreadable row ({_lines_text(first, last)}): {reason}"}


def _invalid_reject(row: int, first: int, last: int, text: str, expected: int,
                    actual: int | str) -> dict:
    return _reject(row, first, last, f"{actual} fields where the header has {expected} "
                                     f"({text[:80]!r})")
