"""The Spark engine reads sources in Spark and gives the local reader's records, rejects,
notes and row counts: CSV with bad rows, Parquet with typed columns, Spark DataFrames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from spark_compare import plain_rows, unreadable_by_kind

import unifyprofile as up
from unifyprofile.errors import SourceError
from unifyprofile.sources import read_sources

pytest.importorskip(
    "pyspark", reason="pyspark is not installed: pip install 'unifyprofile[spark]' to run "
    "the Spark engine tests")
from unifyprofile.engines.spark import SparkPipeline  # noqa: E402

pytestmark = pytest.mark.spark

CSV = (
    "id,first,last,email,street,number\n"
    "1,Ann , Lee,ann@x.org,Main St,3\n"
    "2,Bob,Stone\n"                                   # too few fields: unreadable
    '3,"Cy\nD",Moss,cy@x.org,Elm,\n'                  # a newline inside quotes
    ",Eve,Ng,eve@x.org,Oak,9\n"                       # no id
    "1,Fay,Lee,fay@x.org,Main St,3\n"                 # id 1 again: a duplicate
    "4,Gus,Roe,gus@x.org,Pine,5,extra\n"              # too many fields: unreadable
    '5,"Hal ""H""",Poe,  ,Birch,7\n'                   # an escaped quote, a blank email
    "  ,Ida,Fox,ida@x.org,Ash,1\n"                    # a blank id
    "3,Jo,Moss,jo@x.org,Elm,2\n"                      # id 3 again
)


def _parquet(path: Path) -> None:
    pq.write_table(pa.table({
        "cid": pa.array([10, 11, None, 12, 11, 13], pa.int64()),
        "name": [" Kim", "Lou", "Max", None, "Ned", "Oda"],
        "score": pa.array([1.0, 2.0, None, 4.0, 5.0, 6.0]),       # whole numbers
        "ratio": pa.array([0.5, 1.0, 2.0, None, 1.5, 3.0]),       # not whole numbers
        "vip": [True, None, False, True, False, True],
        "note": [None, None, None, None, None, None],
    }), path)


def _config(directory: Path, frame: Any) -> tuple[up.Config, dict[str, Any]]:
    (directory / "a.csv").write_text(CSV, encoding="utf-8")
    _parquet(directory / "b.parquet")
    sources = (
        up.Source("a", path=directory / "a.csv", id_column="id",
                  columns={"first_name": "first", "last_name": "last", "email": "email",
                           "address": ("number", "street")}),
        up.Source("b", path=directory / "b.parquet", id_column="cid",
                  columns={"first_name": "name", "customer_id": "score",
                           "loyalty_id": "ratio", "company": "vip", "city": "note"}),
        up.Source("c", path=None, id_column="key",
                  columns={"email": "mail", "phone": "tel"}),
        # A pandas table: read by the local reader on the driver, then distributed.
        up.Source("d", path=None, id_column="key", columns={"email": "mail"}),
    )
    return up.Config(sources=sources), {"c": frame}


FRAME = pd.DataFrame({"key": ["x1", "x2", None, "x1", "x3"],
                      "mail": ["a@b.c", " ", "c@d.e", "d@e.f", None],
                      "tel": ["1", "2", "3", "4", "5"]})


@pytest.fixture(scope="module")
def both(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    directory = tmp_path_factory.mktemp("read")
    config, _ = _config(directory, None)
    local = read_sources([s if s.name not in ("c", "d") else up.Source(
        **{**{f: getattr(s, f) for f in s.__dataclass_fields__}, "data": FRAME})
        for s in config.sources])
    run = SparkPipeline(config, spark)
    records, rejects, notes, rows_read, _ = run.read({"c": spark.createDataFrame(FRAME),
                                                      "d": FRAME})
    return local, (records.toPandas(), rejects.toPandas(), notes, rows_read)


def test_same_records_in_the_same_positions(both: tuple[Any, Any]) -> None:
    local, (records, _, _, _) = both
    records = records.sort_values("_pos").reset_index(drop=True)
    assert records["_pos"].tolist() == list(range(len(local.records)))
    spark_rows = plain_rows(records.drop(columns="_pos")[list(local.records.columns)],
                            ["record_id"])
    assert spark_rows == plain_rows(local.records, ["record_id"])
    # Positions follow the local table: sources in config order, rows in row order.
    assert records["record_id"].tolist() == local.records["record_id"].tolist()


def test_same_rejects(both: tuple[Any, Any]) -> None:
    local, (_, rejects, _, _) = both
    key = ["source", "row"]
    assert plain_rows(unreadable_by_kind(rejects), key) == plain_rows(
        unreadable_by_kind(local.rejects), key)
    reasons = set(rejects["reason"].str.split(":").str[0])
    assert reasons == {"missing id", "duplicate id", "unreadable row"}


def test_same_notes_and_rows_read(both: tuple[Any, Any]) -> None:
    local, (records, rejects, notes, rows_read) = both
    assert notes == local.notes
    assert rows_read == local.rows_read
    # No record is lost: every row read is a record or a reject.
    assert sum(rows_read.values()) == len(records) + len(rejects)


def test_missing_column_and_file_are_named(spark: Any, tmp_path: Path) -> None:
    config, data = _config(tmp_path, spark.createDataFrame(FRAME))
    wrong = up.Config(sources=(up.Source("a", path=tmp_path / "a.csv", id_column="id",
                                         columns={"email": "e_mail"}),))
    with pytest.raises(SourceError, match=r"source 'a'.*email -> 'e_mail' is not a column; "
                                          r"did you mean 'email'"):
        SparkPipeline(wrong, spark).read(None)
    gone = up.Config(sources=(up.Source("a", path=tmp_path / "nope.csv", id_column="id"),))
    with pytest.raises(SourceError, match="source 'a': file not found"):
        SparkPipeline(gone, spark).read(None)


def test_row_numbers_of_a_file_read_in_many_splits(spark: Any, tmp_path: Path) -> None:
    """A Parquet file Spark reads in several partitions is numbered in file order: the
    same rows are rejected as repeated ids (the first by row number keeps its id)."""
    n = 3000
    ids = [str(k % 2200) if k % 97 else None for k in range(n)]  # repeats and gaps
    pq.write_table(pa.table({"id": ids, "name": [f"n{k}" for k in range(n)]}),
                   tmp_path / "big.parquet", row_group_size=200)
    config = up.Config(sources=(up.Source("big", path=tmp_path / "big.parquet",
                                          id_column="id", columns={"first_name": "name"}),))
    local = read_sources(config.sources)
    previous = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    try:
        assert spark.read.parquet(str(tmp_path / "big.parquet")).rdd.getNumPartitions() > 2
        records, rejects, _, rows_read, _ = SparkPipeline(config, spark).read(None)
        records, rejects = records.toPandas(), rejects.toPandas()
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", previous)
    assert rows_read == local.rows_read
    records = records.sort_values("_pos")
    assert records["record_id"].tolist() == local.records["record_id"].tolist()
    assert records["first_name"].tolist() == local.records["first_name"].tolist()
    assert records["source_row"].tolist() == local.records["source_row"].tolist()
    key = ["source", "row"]
    assert plain_rows(rejects, key) == plain_rows(local.rejects, key)


def test_a_semicolon_file_in_cp1252_reads_as_the_local_reader_reads_it(
        spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("id;vorname;betrag\n1;Jürgen;12,50\n2;Zoë;3,00\n".encode("cp1252"))
    config = up.Config(sources=(up.Source("a", path=path, id_column="id",
                                          columns={"first_name": "vorname"}),))
    local = read_sources(list(config.sources))
    records, _, notes, _, _ = SparkPipeline(config, spark).read(None)
    assert records.toPandas().sort_values("_pos")["first_name"].tolist() == \
        local.records["first_name"].tolist() == ["Jürgen", "Zoë"]
    assert notes == local.notes
    assert [n.split(": ", 1)[1].split(" ", 1)[1] for n in notes] == [
        "is not UTF-8; read as cp1252 (set encoding for this source if it is another)",
        "read with the delimiter ';', found in its header and first rows (set delimiter for "
        "this source to choose another)"]
    # A character Latin-1 lacks (the euro sign): Spark cannot read the file as it is.
    path.write_bytes("id;vorname;betrag\n1;Jürgen;12,50 €\n".encode("cp1252"))
    with pytest.raises(SourceError, match="convert the file to UTF-8, or run it on the local"):
        SparkPipeline(config, spark).read(None)
