"""Benchmark folders: both layouts and every way they can be broken."""

from __future__ import annotations

import pandas as pd
import pytest

from unifyprofile.errors import SourceError
from unifyprofile.evaluate import load_benchmark


def write(folder, **files):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_dedup_layout(tmp_path):
    folder = write(
        tmp_path / "people",
        records='record_id,name,city\n1,"Smith, Ann",\n2,Ann Smith,Oslo\n3,Bob,NA\n',
        truth="record_id,cluster_id\n1,c1\n2,c1\n3,c2\n",
    )
    bench = load_benchmark(folder)
    assert (bench.name, bench.task) == ("people", "dedup")
    assert bench.records["name"].tolist() == ["Smith, Ann", "Ann Smith", "Bob"]
    # An empty cell is missing, "NA" is not; text columns are Arrow-backed.
    assert bench.records["city"].isna().tolist() == [True, False, False]
    assert bench.records["city"].tolist()[1:] == ["Oslo", "NA"]
    assert bench.records["city"].dtype == "string[pyarrow]"
    assert bench.truth.to_dict() == {"1": "c1", "2": "c1", "3": "c2"}
    assert bench.left is None and bench.truth_clusters() is bench.truth


def test_dedup_truth_may_omit_singletons(tmp_path):
    folder = write(
        tmp_path / "d",
        records="record_id\n1\n2\nc1\n",
        truth="record_id,cluster_id\n1,c1\n",
    )
    truth = load_benchmark(folder).truth
    assert truth.to_dict() == {"1": "c1", "2": "2", "c1": "singleton:c1"}


def test_link_layout(tmp_path):
    folder = write(
        tmp_path / "shop",
        left="record_id,title\nl1,Foo\nl2,Bar\n",
        right="record_id,title\nr1,foo\nr2,baz\n",
        truth="left_id,right_id\nl1,r1\nl1,r1\n",
    )
    bench = load_benchmark(folder)
    assert bench.task == "link" and bench.records is None
    assert bench.truth.to_dict("list") == {"left_id": ["l1"], "right_id": ["r1"]}
    clusters = bench.truth_clusters()
    assert clusters["l1"] == clusters["r1"] and clusters["l2"] != clusters["r2"]
    assert bench.sides().to_dict() == {"l1": "left", "l2": "left", "r1": "right", "r2": "right"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no records.csv, left.csv or right.csv; expected dedup: records.csv"),
        ({"records": "record_id\n1\n"}, "truth.csv: file not found; a dedup: records.csv"),
        (
            {"records": "id\n1\n", "truth": "record_id,cluster_id\n"},
            "records.csv: missing column(s) ['record_id']",
        ),
        (
            {"records": "record_id\n1\n1\n", "truth": "record_id,cluster_id\n"},
            "record_id values must be unique",
        ),
        (
            {"records": "record_id\n1\n", "truth": "record_id,cluster\n1,a\n"},
            "truth.csv: missing column(s) ['cluster_id']",
        ),
        (
            {"records": "record_id\n1\n", "truth": "record_id,cluster_id\n9,a\n"},
            "record_id(s) not in records.csv: ['9']",
        ),
        ({"records": "record_id\n1\n", "truth": ""}, "cannot be read as a CSV"),
        (
            {"records": 'record_id\n"1\n', "truth": "record_id,cluster_id\n"},
            "cannot be read as a CSV",
        ),
        (
            {"records": "record_id,name\n1,a\n,b\n", "truth": "record_id,cluster_id\n"},
            "column 'record_id' is empty in data row 2",
        ),
        (
            {"left": "record_id\n1\n", "truth": "left_id,right_id\n"},
            "right.csv: file not found; a link: left.csv + right.csv",
        ),
        (
            {"left": "record_id\n1\n", "right": "record_id\n2\n", "truth": "left,right\n"},
            "truth.csv: missing column(s) ['left_id', 'right_id']",
        ),
        (
            {
                "left": "record_id\n1\n",
                "right": "record_id\n2\n",
                "truth": "left_id,right_id\n1,3\n",
            },
            "right_id(s) not in right.csv: ['3']",
        ),
        ({"records": "record_id\n1\n", "left": "record_id\n1\n"}, "expected one layout"),
    ],
)
def test_broken_folders_name_the_path_and_layout(tmp_path, files, message):
    folder = write(tmp_path / "bench", **files)
    with pytest.raises(SourceError) as info:
        load_benchmark(folder)
    assert message in str(info.value)
    assert str(folder) in str(info.value)


def test_missing_folder(tmp_path):
    with pytest.raises(SourceError, match="benchmark folder not found"):
        load_benchmark(tmp_path / "nope")


def test_records_are_plain_strings(tmp_path):
    folder = write(
        tmp_path / "d", records="record_id,zip\n007,0123\n", truth="record_id,cluster_id\n"
    )
    bench = load_benchmark(folder)
    assert bench.records.loc[0, "zip"] == "0123" and bench.truth.index.tolist() == ["007"]
    assert isinstance(bench.records, pd.DataFrame)


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        # Arrow reads these: a quoted comma, a quoted line break, a doubled quote.
        ('record_id,title\n1,"a, b"\n2,"two\nlines"\n3,"say ""hi"""\n',
         {"title": ["a, b", "two\nlines", 'say "hi"']}),
        # Arrow cannot, pandas does: a quote inside a field, a repeated header, a short row.
        ('record_id,title\n1,5" screen\n2,tv\n', {"title": ['5" screen', "tv"]}),
        ("record_id,name,name\n1,a,b\n2,c,\n", {"name": ["a", "c"], "name.1": ["b", None]}),
        ("record_id,a,b\n1,x\n2,y,z\n", {"a": ["x", "y"], "b": [None, "z"]}),
    ],
)
def test_attribute_tables_read_like_pandas_in_arrow_text(tmp_path, records, expected):
    folder = write(tmp_path / "t", records=records, truth="record_id,cluster_id\n")
    table = load_benchmark(folder).records
    for column, values in expected.items():
        assert table[column].dtype == "string[pyarrow]"
        assert [None if pd.isna(v) else v for v in table[column].tolist()] == values


def test_a_semicolon_folder_in_cp1252_is_read_as_a_source_is(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "records.csv").write_bytes(
        "record_id;nom;montant\n1;Müller;12,50\n2;Zoë;3,00\n".encode("cp1252"))
    (folder / "truth.csv").write_text("record_id,cluster_id\n1,a\n2,b\n", encoding="utf-8")
    bench = load_benchmark(folder)
    assert bench.records["nom"].tolist() == ["Müller", "Zoë"]
    assert bench.records["montant"].tolist() == ["12,50", "3,00"]
