"""Reading sources: every format gives the same records table, and no row is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from unifyprofile import schema
from unifyprofile.errors import SourceError, UnifyProfileError
from unifyprofile.sources import Source, SourceTable, read_source, read_sources

DEMO = Path(__file__).resolve().parents[3] / "examples" / "cx_demo"

# The same three people in every format.  Ids and street numbers are integers where the
# format has types (Parquet, JSON, DataFrame) and text in CSV; both read as the same text.
ROWS = [
    {
        "id": 1,
        "first": "Ann",
        "last": "Smith",
        "email": "ann@x.com",
        "number": 12,
        "street": "Main St",
    },
    {
        "id": 2,
        "first": " Bob ",
        "last": "Jones",
        "email": None,
        "number": None,
        "street": "High Rd",
    },
    {"id": 3, "first": "Cy", "last": "", "email": "cy@x.com", "number": 7, "street": "Elm Ave"},
]
COLUMNS = {
    "first_name": "first",
    "last_name": "last",
    "email": "email",
    "address": ["number", "street"],
}
EXPECTED = pd.DataFrame(
    {
        "record_id": ["s:1", "s:2", "s:3"],
        "source": ["s", "s", "s"],
        "source_record_id": ["1", "2", "3"],
        "source_row": pd.Series([1, 2, 3], dtype="int64"),
        "first_name": ["Ann", "Bob", "Cy"],
        "last_name": ["Smith", "Jones", None],
        "email": ["ann@x.com", None, "cy@x.com"],
        "address": ["12 Main St", "High Rd", "7 Elm Ave"],
    }
).astype(
    {
        **{c: object for c in ("record_id", "source", "source_record_id")},
        **{c: schema.TEXT for c in ("first_name", "last_name", "email", "address")},
    }
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS)


def _write_csv(path: Path) -> Path:
    lines = ["id,first,last,email,number,street"]
    for r in ROWS:
        lines.append(
            ",".join(
                "" if r[k] is None else str(r[k])
                for k in ("id", "first", "last", "email", "number", "street")
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_jsonl(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for r in ROWS:
            obj = {
                "id": r["id"],
                "name": {"first": r["first"], "last": r["last"]},
                "contact": {"email": r["email"]},
                "street": r["street"],
            }
            if r["number"] is not None:
                obj["number"] = r["number"]
            f.write(json.dumps(obj) + "\n")
    return path


JSONL_COLUMNS = {
    "first_name": "name.first",
    "last_name": "name.last",
    "email": "contact.email",
    "address": ["number", "street"],
}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "dataframe"])
def test_every_format_gives_the_same_records(tmp_path: Path, fmt: str) -> None:
    if fmt == "csv":
        source = Source("s", path=_write_csv(tmp_path / "s.csv"), id_column="id", columns=COLUMNS)
    elif fmt == "parquet":
        _frame().to_parquet(tmp_path / "s.parquet", index=False)
        source = Source("s", path=tmp_path / "s.parquet", id_column="id", columns=COLUMNS)
    elif fmt == "jsonl":
        source = Source(
            "s", path=_write_jsonl(tmp_path / "s.jsonl"), id_column="id", columns=JSONL_COLUMNS
        )
    else:
        source = Source(
            "s", data=_frame().set_index("last", drop=False), id_column="id", columns=COLUMNS
        )
    assert source.resolved_format == fmt

    table = read_source(source)

    pd.testing.assert_frame_equal(table.records, EXPECTED)
    assert len(table.rejects) == 0
    assert list(table.rejects.columns) == list(schema.REJECT_COLUMNS)
    assert table.rows_read == {"s": 3}
    assert table.notes == []


def test_relative_path_is_resolved_against_base_dir(tmp_path: Path) -> None:
    _write_csv(tmp_path / "s.csv")
    table = read_source(
        Source("s", path="s.csv", id_column="id", columns=COLUMNS), base_dir=tmp_path
    )
    assert table.records["record_id"].tolist() == ["s:1", "s:2", "s:3"]


def test_list_mapping_joins_columns_with_spaces_and_skips_missing_parts(tmp_path: Path) -> None:
    data = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "no": ["12", None, "3", None],
            "line1": ["Main St", "High Rd", "Elm Ave", None],
            "line2": ["Flat 2", None, None, None],
        }
    )
    table = read_source(
        Source("s", data=data, id_column="id", columns={"address": ["no", "line1", "line2"]})
    )
    assert table.records["address"].to_numpy(na_value=None).tolist() == [
        "12 Main St Flat 2", "High Rd", "3 Elm Ave", None]


# -- rejects --------------------------------------------------------------------------


def test_missing_and_duplicate_ids_become_rejects_and_earlier_duplicate_is_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "id,name\nA1,first\n,no id\nA2,second\nA1,again\n  ,blank id\n A2 ,padded again\n",
        encoding="utf-8",
    )
    table = read_source(Source("s", path=path, id_column="id", columns={"full_name": "name"}))

    assert table.records[["record_id", "source_row", "full_name"]].to_dict("records") == [
        {"record_id": "s:A1", "source_row": 1, "full_name": "first"},
        {"record_id": "s:A2", "source_row": 3, "full_name": "second"},
    ]
    assert table.rejects.to_dict("records") == [
        {
            "source": "s",
            "row": 2,
            "source_record_id": None,
            "column": "id",
            "reason": "missing id: column 'id' is empty",
        },
        {
            "source": "s",
            "row": 4,
            "source_record_id": "A1",
            "column": "id",
            "reason": "duplicate id: 'A1' already used by an earlier row of 's'",
        },
        {
            "source": "s",
            "row": 5,
            "source_record_id": None,
            "column": "id",
            "reason": "missing id: column 'id' is empty",
        },
        {
            "source": "s",
            "row": 6,
            "source_record_id": "A2",
            "column": "id",
            "reason": "duplicate id: 'A2' already used by an earlier row of 's'",
        },
    ]
    assert len(table.records) + len(table.rejects) == table.rows_read["s"] == 6


def test_csv_row_with_wrong_field_count_is_rejected_with_its_data_row_number(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,name\n1,Ann\n2,Bob,EXTRA\n3,Cy\n4,Di,x,y\n5,Ed\n", encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))

    assert table.records[["record_id", "source_row", "first_name"]].to_dict("records") == [
        {"record_id": "s:1", "source_row": 1, "first_name": "Ann"},
        {"record_id": "s:3", "source_row": 3, "first_name": "Cy"},
        {"record_id": "s:5", "source_row": 5, "first_name": "Ed"},
    ]
    assert table.rejects.to_dict("records") == [
        {
            "source": "s",
            "row": 2,
            "source_record_id": None,
            "column": None,
            "reason": "unreadable row (line 3): 3 fields where the header has 2 "
            "('2,Bob,EXTRA')",
        },
        {
            "source": "s",
            "row": 4,
            "source_record_id": None,
            "column": None,
            "reason": "unreadable row (line 5): 4 fields where the header has 2 ('4,Di,x,y')",
        },
    ]
    assert table.rows_read == {"s": 5}


def test_csv_quoted_newline_does_not_shift_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('id,name\n1,"Ann\nMarie"\n2,Bob,EXTRA\n3,Cy\n', encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert table.records["first_name"].tolist() == ["Ann\nMarie", "Cy"]
    assert table.records["source_row"].tolist() == [1, 3]
    assert table.rejects["row"].tolist() == [2]


def test_csv_keeps_leading_zeros_and_reads_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("\ufeffid,zip\n007,02134\n008,10001\n".encode())
    table = read_source(Source("s", path=path, id_column="id", columns={"postcode": "zip"}))
    assert table.records["record_id"].tolist() == ["s:007", "s:008"]
    assert table.records["postcode"].tolist() == ["02134", "10001"]


def test_jsonl_flattens_nested_objects_and_rejects_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"id": "c1", "contact": {"email": "a@x.com", "location": {"city": "Oslo"}}}\n'
        "\n"
        "{not json\n"
        '{"id": "c2", "contact": {"name": "Bob"}}\n'
        "[1, 2]\n"
        '{"id": "c3"}\n',
        encoding="utf-8",
    )
    table = read_source(
        Source(
            "s",
            path=path,
            id_column="id",
            columns={
                "email": "contact.email",
                "full_name": "contact.name",
                "city": "contact.location.city",
            },
        )
    )

    assert table.records.drop(columns=["source"]).to_dict("records") == [
        {
            "record_id": "s:c1",
            "source_record_id": "c1",
            "source_row": 1,
            "email": "a@x.com",
            "full_name": None,
            "city": "Oslo",
        },
        {
            "record_id": "s:c2",
            "source_record_id": "c2",
            "source_row": 3,
            "email": None,
            "full_name": "Bob",
            "city": None,
        },
        {
            "record_id": "s:c3",
            "source_record_id": "c3",
            "source_row": 5,
            "email": None,
            "full_name": None,
            "city": None,
        },
    ]
    assert table.rejects.to_dict("records") == [
        {
            "source": "s",
            "row": 2,
            "source_record_id": None,
            "column": None,
            "reason": "unreadable row (line 3): not valid JSON (Expecting property name "
            "enclosed in double quotes at column 2)",
        },
        {
            "source": "s",
            "row": 4,
            "source_record_id": None,
            "column": None,
            "reason": "unreadable row (line 5): a JSON value that is not an object",
        },
    ]
    assert len(table.records) + len(table.rejects) == table.rows_read["s"] == 5


def test_dataframe_source_reads_integral_floats_and_booleans_as_text() -> None:
    data = pd.DataFrame({"id": [1.0, 2.0, None, 2.0], "opt": [True, False, True, False]})
    table = read_source(Source("s", data=data, id_column="id", columns={"marketing_opt_in": "opt"}))
    assert table.records[["record_id", "marketing_opt_in"]].to_dict("records") == [
        {"record_id": "s:1", "marketing_opt_in": "true"},
        {"record_id": "s:2", "marketing_opt_in": "false"},
    ]
    assert table.rejects[["row", "reason"]].to_dict("records") == [
        {"row": 3, "reason": "missing id: column 'id' is empty"},
        {"row": 4, "reason": "duplicate id: '2' already used by an earlier row of 's'"},
    ]


def test_read_sources_stacks_sources_and_loses_no_row(tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("id,name\n1,Ann\n1,Dup\n2,Bob,EXTRA\n3,Cy\n", encoding="utf-8")
    chats = tmp_path / "chats.jsonl"
    chats.write_text(
        '{"id": 9, "contact": {"name": "Di"}}\nnope\n{"contact": {}}\n', encoding="utf-8"
    )
    table = read_sources(
        [
            Source("crm", path=crm, id_column="id", columns={"full_name": "name"}),
            Source("chat", path=chats, id_column="id", columns={"full_name": "contact.name"}),
        ]
    )

    assert isinstance(table, SourceTable)
    assert table.records.index.equals(pd.RangeIndex(3))
    assert table.records[["record_id", "source", "full_name"]].to_dict("records") == [
        {"record_id": "crm:1", "source": "crm", "full_name": "Ann"},
        {"record_id": "crm:3", "source": "crm", "full_name": "Cy"},
        {"record_id": "chat:9", "source": "chat", "full_name": "Di"},
    ]
    assert table.rejects[["source", "row"]].to_dict("records") == [
        {"source": "crm", "row": 2},
        {"source": "crm", "row": 3},
        {"source": "chat", "row": 2},
        {"source": "chat", "row": 3},
    ]
    assert table.rows_read == {"crm": 4, "chat": 3}
    for name, rows in table.rows_read.items():
        kept = int((table.records["source"] == name).sum())
        rejected = int((table.rejects["source"] == name).sum())
        assert kept + rejected == rows


def test_read_sources_keeps_record_ids_as_python_strings_and_the_rest_in_arrow() -> None:
    """A million records: record ids are what every stage keys on (Python strings);
    source ids and values are Arrow-backed; a source's name is one string, shared."""
    table = read_sources([
        Source("crm", data=pd.DataFrame({"id": ["1", "2"], "name": ["Ann", "Bob"]}),
               id_column="id", columns={"full_name": "name"}),
        Source("shop", data=pd.DataFrame({"id": ["7"], "name": ["Cy"]}),
               id_column="id", columns={"full_name": "name"}),
    ])
    records = table.records
    assert records["record_id"].dtype == object and records["source"].dtype == object
    assert records["source_record_id"].dtype == schema.TEXT
    assert records["full_name"].dtype == schema.TEXT
    assert records["source_record_id"].tolist() == ["1", "2", "7"]
    crm = records["source"].to_numpy()
    assert crm[0] == "crm" and crm[0] is crm[1]


def test_read_sources_rejects_repeated_source_names() -> None:
    data = pd.DataFrame({"id": ["1"]})
    with pytest.raises(SourceError, match="source names must be unique; repeated: a"):
        read_sources(
            [Source("a", data=data, id_column="id"), Source("a", data=data, id_column="id")]
        )


def test_demo_sources_reject_exactly_the_planted_rows() -> None:
    from unifyprofile.config import load_config

    cfg = load_config(DEMO / "unify.toml")
    table = read_sources(cfg.sources, cfg.base_dir)
    planted = pd.read_csv(DEMO / "planted_rejects.csv", dtype=str, keep_default_na=False)

    got = table.rejects[["source", "row"]].astype(str).to_dict("records")
    assert got == planted[["source", "row"]].to_dict("records")
    for reason, expected in zip(table.rejects["reason"], planted["reason"], strict=True):
        assert reason.startswith(expected)
    assert table.rows_read == {"crm": 2254, "csm": 1735, "ecommerce": 1539, "support": 1423}
    counts = table.records.groupby("source").size().to_dict()
    assert counts == {"crm": 2250, "csm": 1734, "ecommerce": 1539, "support": 1421}
    assert table.records["record_id"].is_unique
    assert (
        table.records["record_id"]
        == table.records["source"] + ":" + table.records["source_record_id"]
    ).all()


# -- errors and notes -----------------------------------------------------------------


def test_wrong_encoding_names_the_line_and_suggests_encoding(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("id,name\n1,Ann\n2,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError) as info:
        read_source(Source("s", path=path, id_column="id", encoding="utf-8"))
    assert str(info.value) == (
        f"source 's': {path} is not valid utf-8 (byte 0xe9 on line 3); set `encoding` for "
        'this source, e.g. encoding = "latin-1" or "cp1252"'
    )
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, UnifyProfileError)

    fixed = read_source(
        Source("s", path=path, id_column="id", encoding="latin-1", columns={"first_name": "name"})
    )
    assert fixed.records["first_name"].tolist() == ["Ann", "José"]


def test_wrong_encoding_in_jsonl_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes('{"id": 1}\n{"id": 2, "n": "Bj\xf6rk"}\n'.encode("latin-1"))
    with pytest.raises(SourceError, match=r"byte 0xf6 on line 2\); set `encoding`"):
        read_source(Source("s", path=path, id_column="id", encoding="utf-8"))


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_file_that_is_not_utf8_is_read_as_cp1252_with_a_note(tmp_path: Path,
                                                                suffix: str) -> None:
    path = tmp_path / f"s.{suffix}"
    text = ("id,name\n1,Zoë\n2,José – Müller\n" if suffix == "csv" else
            '{"id": 1, "name": "Zoë"}\n{"id": 2, "name": "José – Müller"}\n')
    path.write_bytes(text.encode("cp1252"))
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert table.records["first_name"].tolist() == ["Zoë", "José – Müller"]
    assert table.notes[0] == (f"source 's': {path} is not UTF-8; read as cp1252 (set "
                              "encoding for this source if it is another)")


def test_a_utf8_file_with_one_line_in_another_encoding_rejects_that_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("id,name\n1,Zoë\n2,José\n".encode() + "3,Jürgen\n".encode("latin-1"))
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert table.records["first_name"].tolist() == ["Zoë", "José"]
    assert "not valid utf-8 (byte 0xfc)" in table.rejects["reason"].iloc[0]
    assert not table.notes


@pytest.mark.parametrize(("text", "delimiter"), [
    ("id;name;amount (eur, net)\n1;Ann;12,50\n2;Bob;3,00\n", ";"),
    ("id|name\n1|Ann\n2|Bob\n", "|"),
    ("id\tname\n1\tAnn\n2\tBob\n", "\t"),
])
def test_the_delimiter_is_found_in_the_header_and_first_rows(tmp_path: Path, text: str,
                                                             delimiter: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert table.records["first_name"].tolist() == ["Ann", "Bob"]
    assert table.notes == [f"source 's': {path} read with the delimiter {delimiter!r}, found "
                           "in its header and first rows (set delimiter for this source to "
                           "choose another)"]


def test_a_comma_file_with_semicolons_in_values_stays_a_comma_file(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('id,name\n1,"Ann; Marie"\n2,Bob;Jr\n', encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert table.records["first_name"].tolist() == ["Ann; Marie", "Bob;Jr"]
    assert not table.notes
    # A delimiter given is used as given: a one-column file of "id;name" values.
    path.write_text("id;name\n1;Ann\n2;Bob\n", encoding="utf-8")
    given = read_source(Source("s", path=path, id_column="id;name", delimiter=","))
    assert given.records["source_record_id"].tolist() == ["1;Ann", "2;Bob"]
    assert not given.notes


def test_unknown_mapped_column_names_source_column_listing_and_close_match(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,name,email\n1,Ann,a@x.com\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_source(
            Source(
                "crm",
                path=path,
                id_column="id",
                columns={"first_name": "nmae", "phone": "telephone"},
            )
        )
    assert str(info.value) == (
        f"source 'crm' ({path}): first_name -> 'nmae' is not a column; did you mean 'name'?; "
        "phone -> 'telephone' is not a column. Columns in this source: 'id', 'name', 'email'. "
        "Fix the mapping under [sources.columns] for 'crm'"
    )


def test_unknown_id_column_is_reported(tmp_path: Path) -> None:
    data = pd.DataFrame({"record_id": ["1"], "name": ["Ann"]})
    with pytest.raises(
        SourceError,
        match=r"id_column -> 'recordid' is not a column; did you "
        r"mean 'record_id'\?",
    ):
        read_source(Source("s", data=data, id_column="recordid"))


def test_missing_id_column_setting_is_reported() -> None:
    with pytest.raises(SourceError, match="no id column; set `id_column`"):
        read_source(Source("s", data=pd.DataFrame({"id": ["1"]})))


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(SourceError) as info:
        read_source(Source("s", path=path, id_column="id"))
    assert str(info.value) == f"source 's': file not found: {path}"


@pytest.mark.parametrize(
    "name, text, note",
    [("h.csv", "id,name\n", "has no data rows: nothing was read from it"),
     ("e.jsonl", "", "is an empty file: no header and no rows were read"),
     ("e.csv", "", "is an empty file: no header and no rows were read"),
     ("b.jsonl", "\n\n", "has no data rows: nothing was read from it")],
)
def test_source_without_rows_is_a_quiet_day_not_an_error(
    tmp_path: Path, name: str, text: str, note: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert len(table.records) == 0 and len(table.rejects) == 0
    assert {"record_id", "source_row", "first_name"} <= set(table.records.columns)
    assert table.rows_read == {"s": 0}
    assert table.notes == [f"source 's' ({path}) {note}"]


def test_header_only_csv_still_checks_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(SourceError, match="first_name -> 'nmae' is not a column"):
        read_source(Source("s", path=path, id_column="id", columns={"first_name": "nmae"}))


def test_empty_dataframe_gives_no_records_and_a_note() -> None:
    table = read_source(Source("s", data=pd.DataFrame({"id": []}), id_column="id"))
    assert len(table.records) == 0
    assert table.notes == ["source 's' (in-memory DataFrame) has no data rows: nothing was "
                           "read from it"]


def test_all_empty_mapped_column_gives_a_note(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,name,Phone\n1,Ann,\n2,Bob,  \n3,Cy,\n", encoding="utf-8")
    table = read_source(
        Source("s", path=path, id_column="id", columns={"first_name": "name", "phone": "Phone"})
    )
    assert table.notes == [
        "source 's': column 'Phone' (mapped to phone) is empty in all 3 rows; check the mapping"
    ]
    assert table.records["phone"].to_numpy(na_value=None).tolist() == [None, None, None]
    assert table.records["first_name"].tolist() == ["Ann", "Bob", "Cy"]


def test_explicit_delimiter_reads_tab_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("id\tname\n1\tAnn\n", encoding="utf-8")
    table = read_source(
        Source("s", path=path, id_column="id", delimiter="\t", columns={"first_name": "name"})
    )
    assert table.records[["record_id", "first_name"]].to_dict("records") == [
        {"record_id": "s:1", "first_name": "Ann"}
    ]


def test_tsv_extension_reads_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    path.write_text("id\tname\n1\tAnn\n", encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"first_name": "name"}))
    assert table.records["first_name"].tolist() == ["Ann"]


def test_jsonl_with_every_line_unreadable_gives_rejects_not_an_error(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": 1, "name": \n[1, 2]\n', encoding="utf-8")
    table = read_source(Source("s", path=path, id_column="id", columns={"full_name": "name"}))
    assert len(table.records) == 0
    assert table.rejects["row"].tolist() == [1, 2]
    assert table.rejects["reason"].str.startswith("unreadable row").all()
    assert table.rows_read == {"s": 2}
    assert "none of its 2 rows could be read" in table.notes[0]


def test_joined_columns_skip_missing_parts(tmp_path):
    frame = pd.DataFrame({"id": ["1", "2"], "no": ["3", None], "unit": [None, "Unit 9"],
                          "street": ["Main St", "High St"]})
    table = read_source(Source("s", data=frame, id_column="id",
                               columns={"address": ["no", "unit", "street"]}))
    assert table.records["address"].tolist() == ["3 Main St", "Unit 9 High St"]


def test_close_match_suggestion_ignores_case():
    frame = pd.DataFrame({"ID": ["1"], "Email": ["a@x.io"]})
    with pytest.raises(SourceError, match="did you mean 'Email'"):
        read_source(Source("s", data=frame, id_column="ID", columns={"email": "email"}))
