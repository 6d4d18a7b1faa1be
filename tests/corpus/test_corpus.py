"""The bad-input corpus: small malformed exports, each with the outcome it must have.

Every case is a real file written to disk and read by :func:`read_source`: either
records (by source id, with some values checked) and rejects (by row, with a phrase of
the reason), or an exact error.  Whatever the outcome, the rows add up (records +
rejects = rows read) and so do the physical lines of text files.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from unifyprofile.errors import ConfigError, SourceError
from unifyprofile.sources import Source, read_source

NAME = {"first_name": "name"}


@dataclass
class Case:
    """One export and what reading it must give."""

    id: str
    file: str
    content: bytes | Callable[[Path], None] | pd.DataFrame
    records: list[str] | None = None
    rejects: list[tuple[int, str]] = field(default_factory=list)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    columns: dict[str, Any] = field(default_factory=lambda: dict(NAME))
    options: dict[str, Any] = field(default_factory=dict)


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def rows(n: int, start: int = 1) -> str:
    return "".join(f"{k},P{k}\n" for k in range(start, start + n))


def jsonl(*objects: Any) -> bytes:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects).encode()


def parquet(table: pa.Table) -> Callable[[Path], None]:
    return lambda path: pq.write_table(table, path)


UTC = datetime.timezone.utc
BIG = 2**60 + 7
STRAY = "unclosed quote"
FIELDS = "fields where the header has"

CASES = [
    # -- unclosed quotes: one line rejected, the rows after it read
    Case("stray-quote-6-rows", "s.csv", csv('id,name\n1,"Ann\n2,Bob\n3,Cy\n4,Di\n5,Ed\n6,Fi\n'),
         records=["2", "3", "4", "5", "6"], rejects=[(1, STRAY)]),
    Case("stray-quote-300-rows", "s.csv", csv("id,name\n" + rows(50) + '51,"P51\n' + rows(249, 52)),
         records=[str(k) for k in range(1, 301) if k != 51], rejects=[(51, "line 52")]),
    Case("stray-quote-closes-on-a-later-quote", "s.csv",
         csv('id,name\n1,"Ann\n2,Bob\n3,"Cy"\n4,Di\n'),
         records=["2", "3", "4"], rejects=[(1, STRAY)], values={"3": {"first_name": "Cy"}}),
    Case("stray-quote-in-last-line", "s.csv", csv('id,name\n1,Ann\n2,"Bob\n'),
         records=["1"], rejects=[(2, STRAY)]),
    Case("stray-quote-in-id", "s.csv", csv('id,name\n"1,Ann\n2,Bob\n'), records=["2"],
         rejects=[(1, STRAY)]),
    Case("two-stray-quotes", "s.csv", csv('id,name\n1,"Ann\n2,Bob\n3,"Cy\n4,Di\n'),
         records=["2", "4"], rejects=[(1, STRAY), (3, STRAY)]),
    Case("quoted-field-over-max-lines", "s.csv",
         csv('id,name\n1,"A\nB\nC\nD"\n2,Bob\n'), options={"max_field_lines": 3},
         records=["2"], rejects=[(1, "line 2"), (2, FIELDS), (3, FIELDS), (4, FIELDS)]),
    Case("quoted-field-over-max-bytes", "s.csv",
         csv('id,name\n1,"' + "x" * 50 + '\nmore"\n2,Bob\n'), options={"max_field_bytes": 40},
         records=["2"], rejects=[(1, STRAY), (2, FIELDS)]),
    Case("multi-line-address-is-one-record", "s.csv",
         csv('id,name,street\n1,Ann,"12 Main St\nApt 4"\n2,Bob,"1 High Rd"\n'),
         columns={"first_name": "name", "address": "street"}, records=["1", "2"],
         values={"1": {"address": "12 Main St\nApt 4"}}),
    Case("multi-line-with-crlf", "s.csv", csv('id,name\r\n1,"Ann\r\nMarie"\r\n2,Bob\r\n'),
         records=["1", "2"], values={"1": {"first_name": "Ann\r\nMarie"}}),
    Case("multi-line-with-blank-line-inside", "s.csv", csv('id,name\n1,"Ann\n\nMarie"\n2,Bob\n'),
         records=["1", "2"], values={"1": {"first_name": "Ann\n\nMarie"}}),
    Case("escaped-quotes", "s.csv", csv('id,name\n1,"Ann ""Nan"" Lee"\n'), records=["1"],
         values={"1": {"first_name": 'Ann "Nan" Lee'}}),
    Case("quote-mid-field", "s.csv", csv('id,name\n1,O"Brien\n2,Bob\n'), records=["1", "2"],
         values={"1": {"first_name": 'O"Brien'}}),
    Case("quoted-then-text", "s.csv", csv('id,name\n1,"Ann"ie\n'), records=["1"],
         values={"1": {"first_name": "Annie"}}),
    # -- encodings and line endings
    Case("bom", "s.csv", b"\xef\xbb\xbfid,name\n1,Ann\n", records=["1"]),
    Case("bom-crlf", "s.csv", b"\xef\xbb\xbfid,name\r\n1,Ann\r\n", records=["1"],
         values={"1": {"first_name": "Ann"}}),
    Case("crlf", "s.csv", csv("id,name\r\n1,Ann\r\n2,Bob\r\n"), records=["1", "2"]),
    Case("lone-cr", "s.csv", csv("id,name\r1,Ann\r2,Bob\r"), records=["1", "2"]),
    Case("mixed-line-endings", "s.csv", csv("id,name\r\n1,Ann\n2,Bob\r3,Cy\r\n"),
         records=["1", "2", "3"]),
    Case("no-final-newline", "s.csv", csv("id,name\n1,Ann\n2,Bob"), records=["1", "2"]),
    Case("latin-1-declared", "s.csv", csv("id,name\n1,José\n", "latin-1"),
         options={"encoding": "latin-1"}, records=["1"], values={"1": {"first_name": "José"}}),
    Case("cp1252-declared", "s.csv", csv("id,name\n1,“Ann”\n", "cp1252"),
         options={"encoding": "cp1252"}, records=["1"], values={"1": {"first_name": "“Ann”"}}),
    Case("latin-1-read-as-utf-8", "s.csv", csv("id,name\n1,José\n2,Zoë\n", "latin-1"),
         options={"encoding": "utf-8"},
         error="is not valid utf-8 (byte 0xe9 on line 2); set `encoding`"),
    Case("latin-1-undeclared", "s.csv", csv("id,name\n1,José\n2,Zoë\n", "latin-1"),
         records=["1", "2"], values={"1": {"first_name": "José"}},
         notes=["is not UTF-8; read as cp1252"]),
    Case("mixed-encodings", "s.csv",
         csv("id,name\n1,José\n2,Zoë\n") + "3,Renée\n".encode("latin-1") + csv("4,Ann\n"),
         records=["1", "2", "4"], rejects=[(3, "not valid utf-8 (byte 0xe9)")]),
    Case("utf-16-read-as-utf-8", "s.csv", "id,name\n1,Ann\n".encode("utf-16"),
         error='starts with a UTF-16 byte-order mark; set encoding = "utf-16"'),
    Case("utf-16-declared", "s.csv", "id,name\n1,Ann\n".encode("utf-16"),
         options={"encoding": "utf-16"}, records=["1"]),
    Case("unknown-encoding", "s.csv", csv("id,name\n1,Ann\n"), options={"encoding": "klingon"},
         error="encoding must be a text encoding Python knows (got 'klingon')"),
    Case("nul-in-row", "s.csv", b"id,name\n1,A\x00nn\n2,Bob\n", records=["2"],
         rejects=[(1, "NUL byte")]),
    Case("nul-padding-after-crash", "s.csv", b"id,name\n1,Ann\n" + b"\x00" * 64, records=["1"],
         rejects=[(2, "NUL byte")]),
    # -- rows and fields
    Case("ragged-short-row", "s.csv", csv("id,name,city\n1,Ann,Oslo\n2,Bob\n"),
         columns={"first_name": "name", "city": "city"}, records=["1"],
         rejects=[(2, "2 fields where the header has 3")]),
    Case("ragged-long-row", "s.csv", csv("id,name\n1,Ann\n2,Bob,x,y\n"), records=["1"],
         rejects=[(2, "4 fields where the header has 2")]),
    Case("whitespace-only-line", "s.csv", csv("id,name\n1,Ann\n   \n2,Bob\n"),
         records=["1", "2"], rejects=[(2, "1 fields where the header has 2")]),
    Case("blank-lines-between-rows", "s.csv", csv("id,name\n\n1,Ann\n\n\n2,Bob\n\n"),
         records=["1", "2"]),
    Case("one-megabyte-field", "s.csv", csv("id,name\n1," + "x" * (1 << 20) + "\n2,Bob\n"),
         records=["1", "2"]),
    Case("emoji", "s.csv", csv("id,name\n1,Ann 😀🎉\n"), records=["1"],
         values={"1": {"first_name": "Ann 😀🎉"}}),
    Case("right-to-left", "s.csv", csv("id,name\n1,مريم\n2,שָׁלוֹם\n"), records=["1", "2"],
         values={"1": {"first_name": "مريم"}, "2": {"first_name": "שָׁלוֹם"}}),
    Case("semicolon-delimiter", "s.csv", csv("id;name\n1;Ann, Lee\n"),
         options={"delimiter": ";"}, records=["1"], values={"1": {"first_name": "Ann, Lee"}}),
    Case("semicolon-undeclared", "s.csv", csv("id;name\n1;Ann, Lee\n2;Bob\n"),
         records=["1", "2"], values={"1": {"first_name": "Ann, Lee"}},
         notes=["read with the delimiter ';'"]),
    Case("tab-separated", "s.tsv", csv("id\tname\n1\tAnn\n"), records=["1"]),
    Case("trailing-delimiter", "s.csv", csv("id,name,\n1,Ann,\n"), records=["1"]),
    Case("quoted-header", "s.csv", csv('"id","name"\n1,Ann\n'), records=["1"]),
    Case("header-only", "s.csv", csv("id,name\n"), records=[], notes=["has no data rows"]),
    Case("header-and-blank-lines", "s.csv", csv("id,name\n\n\n"), records=[],
         notes=["has no data rows"]),
    Case("empty-file", "s.csv", b"", records=[], notes=["is an empty file"]),
    Case("duplicate-headers", "s.csv", csv("id,name,email,name\n1,Ann,a@x.com,Lee\n"),
         error="repeats column names: 'name' (columns 2, 4)"),
    Case("duplicate-empty-headers", "s.csv", csv("id,name,,\n1,Ann,x,y\n"),
         error="repeats column names: '' (columns 3, 4)"),
    Case("stray-quote-in-header", "s.csv", csv('id,"name\n1,Ann\n'),
         error="the header of"),
    Case("mapped-column-missing", "s.csv", csv("id,nmae\n1,Ann\n"),
         error="first_name -> 'name' is not a column; did you mean 'nmae'?"),
    # -- ids
    Case("numeric-looking-ids", "s.csv", csv("id,name\n1,Ann\n1.0,Bob\n01,Cy\n"),
         records=["1", "1.0", "01"]),
    Case("ids-with-spaces", "s.csv", csv("id,name\n 7 ,Ann\n7,Bob\nA 1,Cy\n"),
         records=["7", "A 1"], rejects=[(2, "duplicate id: '7'")]),
    Case("missing-and-duplicate-ids", "s.csv", csv("id,name\n,Ann\n2,Bob\n2,Cy\n"),
         records=["2"], rejects=[(1, "missing id"), (3, "duplicate id")],
         values={"2": {"first_name": "Bob"}}),
    Case("long-numeric-id-in-csv", "s.csv", csv(f"id,name\n{BIG},Ann\n"), records=[str(BIG)]),
    # -- JSONL
    Case("jsonl-huge-integers-with-missing-id", "s.jsonl",
         jsonl(*({"id": BIG + k, "name": "x"} for k in range(4)), {"name": "no id"}),
         records=[str(BIG + k) for k in range(4)], rejects=[(5, "missing id")]),
    Case("jsonl-float-and-int-ids", "s.jsonl", jsonl({"id": 1}, {"id": 1.0}, '{"id": 1e3}'),
         columns={}, records=["1", "1.0", "1e3"]),
    Case("jsonl-non-object-lines", "s.jsonl",
         jsonl({"id": 1}, [1, 2], 3, '"text"', None, {"id": 2}), columns={}, records=["1", "2"],
         rejects=[(2, "not an object"), (3, "not an object"), (4, "not an object"),
                  (5, "not an object")]),
    Case("jsonl-invalid-json", "s.jsonl", jsonl({"id": 1}, '{"id": 2, "name": ', {"id": 3}),
         columns={}, records=["1", "3"], rejects=[(2, "line 2): not valid JSON")]),
    Case("jsonl-list-of-emails", "s.jsonl",
         jsonl({"id": 1, "email": ["a@x.com", "b@x.com"]}, {"id": 2, "email": ["c@x.com"]},
               {"id": 3, "email": []}),
         columns={"email": "email"}, records=["1", "2", "3"],
         values={"1": {"email": "a@x.com"}, "2": {"email": "c@x.com"}, "3": {"email": None}},
         notes=["1 row(s) hold several values in column 'email'"]),
    Case("jsonl-list-in-single-valued-field", "s.jsonl",
         jsonl({"id": 1, "name": ["Ann", "Bea"]}, {"id": 2, "name": ["Bob"]}), records=["2"],
         rejects=[(1, "holds a list of 2 values where first_name takes one value")],
         values={"2": {"first_name": "Bob"}}),
    Case("jsonl-list-as-id", "s.jsonl", jsonl({"id": [1, 2]}, {"id": 3}), columns={}, records=["3"],
         rejects=[(1, "column 'id' holds a list")]),
    Case("jsonl-nested-arrays", "s.jsonl", jsonl({"id": 1, "name": [["Ann"]]}, {"id": 2}),
         records=["2"], rejects=[(1, "nested lists")]),
    Case("jsonl-object-in-mapped-column", "s.jsonl",
         jsonl({"id": 1, "name": {"first": "Ann"}}, {"id": 2, "name": "Bob"}), records=["2"],
         rejects=[(1, "holds a JSON object where first_name takes one value")]),
    Case("jsonl-nested-keys", "s.jsonl", jsonl({"id": 1, "a": {"b": {"c": "Ann"}}}),
         columns={"first_name": "a.b.c"}, records=["1"], values={"1": {"first_name": "Ann"}}),
    Case("jsonl-booleans", "s.jsonl", jsonl({"id": 1, "opt": True}, {"id": 2, "opt": False}),
         columns={"marketing_opt_out": "opt"}, records=["1", "2"],
         values={"1": {"marketing_opt_out": "true"}, "2": {"marketing_opt_out": "false"}}),
    Case("jsonl-line-separator-inside-a-string", "s.jsonl",
         b'{"id": 1, "name": "Ann\xe2\x80\xa8Lee"}\n{"id": 2}\n', records=["1", "2"]),
    Case("jsonl-crlf-and-blank-lines", "s.jsonl", b'{"id": 1}\r\n\r\n{"id": 2}\r\n',
         columns={}, records=["1", "2"]),
    Case("jsonl-bom", "s.jsonl", b'\xef\xbb\xbf{"id": 1}\n', columns={}, records=["1"]),
    Case("jsonl-empty", "s.jsonl", b"", records=[], notes=["is an empty file"]),
    Case("jsonl-mixed-encodings", "s.jsonl",
         '{"id": 1, "name": "José"}\n{"id": 2, "name": "Zoë"}\n'.encode()
         + '{"id": 3, "name": "Renée"}\n'.encode("latin-1"),
         records=["1", "2"], rejects=[(3, "not valid utf-8")]),
    # -- Parquet
    Case("parquet-timestamp-with-time-zone", "s.parquet", parquet(pa.table({
        "id": [1, 2], "name": ["Ann", "Bob"],
        "ts": pa.array([datetime.datetime(2024, 5, 1, 12, tzinfo=UTC), None],
                       pa.timestamp("us", tz="UTC"))})),
         options={"updated_at": "ts"}, records=["1", "2"],
         values={"1": {"updated_at": "2024-05-01 12:00:00.000000Z"}, "2": {"updated_at": None}}),
    Case("parquet-timestamp-other-zone", "s.parquet", parquet(pa.table({
        "id": [1], "ts": pa.array([datetime.datetime(2024, 5, 1, 12, tzinfo=UTC)],
                                  pa.timestamp("ms", tz="Europe/Oslo"))})),
         columns={}, options={"updated_at": "ts"}, records=["1"],
         values={"1": {"updated_at": "2024-05-01 12:00:00.000Z"}}),
    Case("parquet-list-of-phones", "s.parquet", parquet(pa.table({
        "id": [1, 2], "phones": [["+1 415 555 0101", "+1 415 555 0102"], None]})),
         columns={"phone": "phones"}, records=["1", "2"],
         values={"1": {"phone": "+1 415 555 0101"}, "2": {"phone": None}},
         notes=["hold several values in column 'phones'"]),
    Case("parquet-list-in-name", "s.parquet", parquet(pa.table({
        "id": [1, 2], "name": [["Ann", "Bea"], ["Bob"]]})), records=["2"],
         rejects=[(1, "holds a list of 2 values")]),
    Case("parquet-list-as-id", "s.parquet", parquet(pa.table({
        "id": [[1], [2, 3]], "name": ["Ann", "Bob"]})), records=["1"],
         rejects=[(2, "column 'id' holds a list")]),
    Case("parquet-struct", "s.parquet", parquet(pa.table({
        "id": [1, 2], "contact": [{"name": "Ann", "city": "Oslo"}, None]})),
         columns={"first_name": "contact.name", "city": "contact.city"}, records=["1", "2"],
         values={"1": {"first_name": "Ann", "city": "Oslo"}}),
    Case("parquet-dictionary", "s.parquet", parquet(pa.table({
        "id": [1, 2], "name": pa.array(["Ann", "Ann"]).dictionary_encode()})),
         records=["1", "2"], values={"2": {"first_name": "Ann"}}),
    Case("parquet-decimal", "s.parquet", parquet(pa.table({
        "id": pa.array([decimal.Decimal("12.50")], pa.decimal128(10, 2)), "name": ["Ann"]})),
         records=["12.50"]),
    Case("parquet-uint64-id", "s.parquet", parquet(pa.table({
        "id": pa.array([2**64 - 1], pa.uint64()), "name": ["Ann"]})),
         records=[str(2**64 - 1)]),
    Case("parquet-int-id-with-nulls", "s.parquet", parquet(pa.table({
        "id": pa.array([BIG, None, BIG + 1], pa.int64()), "name": ["a", "b", "c"]})),
         records=[str(BIG), str(BIG + 1)], rejects=[(2, "missing id")]),
    Case("parquet-date", "s.parquet", parquet(pa.table({
        "id": [1], "born": pa.array([datetime.date(1980, 1, 2)])})),
         columns={"dob": "born"}, records=["1"], values={"1": {"dob": "1980-01-02"}}),
    Case("parquet-duplicate-columns", "s.parquet", parquet(pa.Table.from_arrays(
        [pa.array([1]), pa.array(["a"]), pa.array(["b"])], names=["id", "name", "name"])),
         error="repeats column names: 'name'"),
    # -- DataFrames
    Case("dataframe-object-lists", "df", pd.DataFrame({
        "id": ["1", "2"], "name": ["Ann", "Bob"], "email": [["a@x.com"], ("b@x.com", "c@x")]}),
         columns={"first_name": "name", "email": "email"}, records=["1", "2"],
         values={"2": {"email": "b@x.com"}}),
    Case("dataframe-nullable-int-ids", "df", pd.DataFrame({
        "id": pd.array([BIG, None], dtype="Int64"), "name": ["Ann", "Bob"]}),
         records=[str(BIG)], rejects=[(2, "missing id")]),
    Case("dataframe-duplicate-columns", "df",
         pd.DataFrame([[1, "a", "b"]], columns=["id", "name", "name"]),
         error="repeats column names: 'name'"),
]


def _source(case: Case, tmp_path: Path) -> Source:
    options = {"id_column": "id", **case.options}
    if isinstance(case.content, pd.DataFrame):
        return Source("s", data=case.content, columns=case.columns, **options)
    path = tmp_path / case.file
    if callable(case.content):
        case.content(path)
    else:
        path.write_bytes(case.content)
    return Source("s", path=path, columns=case.columns, **options)


def test_the_corpus_is_large_and_its_case_names_unique() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    if case.error is not None:
        # A setting no file can fix fails when the source is made; the file's own faults
        # when it is read.
        with pytest.raises((ConfigError, SourceError)) as info:
            read_source(_source(case, tmp_path))
        assert case.error in str(info.value)
        assert str(info.value).startswith("source 's'")
        return
    source = _source(case, tmp_path)
    table = read_source(source)
    records, rejects = table.records, table.rejects
    assert records["source_record_id"].tolist() == case.records
    assert [r for r, _ in case.rejects] == rejects["row"].tolist(), rejects.to_dict("records")
    for (_, phrase), reason in zip(case.rejects, rejects["reason"], strict=True):
        assert phrase in reason
    by_id = records.set_index("source_record_id")
    for rid, values in case.values.items():
        for column, value in values.items():
            got = by_id.at[rid, column]
            assert (None if pd.isna(got) else got) == value
    for phrase in case.notes:
        assert any(phrase in note for note in table.notes), table.notes
    # Conservation: every row is a record or a reject, numbered 1..rows read, once.
    assert len(records) + len(rejects) == table.rows_read["s"]
    numbers = sorted([*records["source_row"].tolist(), *rejects["row"].tolist()])
    assert numbers == list(range(1, table.rows_read["s"] + 1))
    if source.path is not None and source.resolved_format != "parquet":
        lines = table.lines["s"]
        assert lines.records + lines.rejects + lines.header + lines.blank == lines.total
        assert lines.total == _physical_lines(Path(source.path).read_bytes(), source.encoding)


def _physical_lines(data: bytes, encoding: str | None) -> int:
    """Lines as an editor counts them (\\n, \\r\\n and a lone \\r end one)."""
    if encoding and encoding.replace("-", "").lower().startswith("utf16"):
        data = data.decode(encoding).encode()
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text.count(b"\n") + (1 if text and not text.endswith(b"\n") else 0)
