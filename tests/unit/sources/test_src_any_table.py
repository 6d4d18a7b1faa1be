"""Any table in: pandas, PyArrow, Polars, DuckDB, globs, folders and fsspec URLs.

Every kind of input gives the same records, rejects and entities as the same rows in a
pandas DataFrame.  Polars, DuckDB and fsspec are optional: their tests skip when the
package is missing (the ``test`` extra installs them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import unifyprofile as up
from unifyprofile import schema
from unifyprofile.errors import SourceError
from unifyprofile.sources import Source, as_frame, is_table, read_source, read_table

PEOPLE = pd.DataFrame({
    "id": ["1", "2", "3", None, "5"],
    "first": ["Ann", "Anne", "Bob", "Cy", "Di"],
    "last": ["Smith", "Smith", "Jones", "Lee", "Park"],
    "email": ["ann@x.com", "ann@x.com", "bob@x.com", "cy@x.com", "di@x.com"],
})
COLUMNS = {"first_name": "first", "last_name": "last", "email": "email"}
RULE = up.score.DeterministicRule.from_config({"name": "email", "keys": ["email"]})


def _config() -> up.Config:
    return up.Config(sources=(Source("crm", path="crm.csv", id_column="id", columns=COLUMNS),),
                     rules=(RULE,))


def _groups(result: up.Result) -> list[list[str]]:
    clusters = result.clusters
    return sorted(sorted(g) for g in clusters.groupby("entity_id")["record_id"].agg(list))


def _polars():
    return pytest.importorskip("polars")


def _duckdb():
    return pytest.importorskip("duckdb")


TABLES = {
    "pandas": lambda: PEOPLE,
    "pyarrow Table": lambda: pa.Table.from_pandas(PEOPLE),
    "pyarrow RecordBatch": lambda: pa.RecordBatch.from_pandas(PEOPLE),
    "pyarrow RecordBatchReader": lambda: pa.RecordBatchReader.from_batches(
        pa.Schema.from_pandas(PEOPLE), pa.Table.from_pandas(PEOPLE).to_batches(max_chunksize=2)),
    "polars DataFrame": lambda: _polars().from_pandas(PEOPLE),
    "duckdb relation": lambda: _duckdb().connect().from_arrow(pa.Table.from_pandas(PEOPLE)),
}


@pytest.mark.parametrize("kind", list(TABLES))
def test_every_kind_of_table_resolves_like_pandas(kind: str) -> None:
    table = TABLES[kind]()
    assert is_table(table)
    result = up.Resolver(_config()).run(data={"crm": table})
    assert _groups(result) == [["crm:1", "crm:2"], ["crm:3"], ["crm:5"]]
    assert result.rejects[["source", "row", "column"]].values.tolist() == [["crm", 4, "id"]]
    assert result.rows_read == {"crm": 5}
    ann = result.clusters.set_index("record_id").loc["crm:1", "entity_id"]
    assert list(result.golden.set_index("entity_id").loc[ann, "email"]) == ["ann@x.com"]


def test_polars_views_categoricals_and_nested_columns_read_as_text() -> None:
    pl = _polars()
    frame = pl.DataFrame({
        "id": [1, 2],
        "kind": pl.Series(["vip", "std"]).cast(pl.Categorical),
        "contact": [{"email": "a@x.io", "phone": "+44 20 7946 0000"}, None],
        "emails": [["b@x.io", "c@x.io"], []],
    })
    assert str(pa.table(frame).schema.field("kind").type.value_type) == "string_view"
    table = read_source(Source("p", data=frame, id_column="id",
                               columns={"company": "kind", "email": "contact.email",
                                        "phone": "contact.phone"}))
    assert table.records[["record_id", "company", "email", "phone"]].astype(object).where(
        table.records[["record_id", "company", "email", "phone"]].notna(), None
    ).values.tolist() == [["p:1", "vip", "a@x.io", "+44 20 7946 0000"],
                          ["p:2", "std", None, None]]
    # A list of e-mails is read as its first value, as from JSONL.
    listed = read_source(Source("p", data=frame, id_column="id", columns={"email": "emails"}))
    assert listed.records["email"].tolist()[0] == "b@x.io"


def test_duckdb_query_is_read_through_the_arrow_stream() -> None:
    duckdb = _duckdb()
    con = duckdb.connect()
    relation = con.sql("SELECT * FROM (VALUES (10, 'Ann', 'ann@x.com'), (11, 'Bo', NULL)) "
                       "t(id, first, email) WHERE id >= 10")
    assert hasattr(relation, "__arrow_c_stream__")
    table = read_source(Source("db", data=relation, id_column="id",
                               columns={"first_name": "first", "email": "email"}))
    assert table.records["record_id"].tolist() == ["db:10", "db:11"]
    assert table.records["email"].isna().tolist() == [False, True]


def test_something_that_is_not_a_table_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match=r"source 'crm': `data` must be a table: a pandas or "
                                          r"Polars DataFrame, .* \(got list\)"):
        read_source(Source("crm", data=[{"id": 1}], id_column="id"))
    with pytest.raises(SourceError, match=r"repeats column names: 'a'"):
        as_frame(pa.table([[1], [2]], names=["a", "a"]), "t")


# -- paths: globs, folders, URLs ----------------------------------------------------------


def test_a_glob_reads_its_files_in_name_order_and_counts_every_line(tmp_path: Path) -> None:
    (tmp_path / "crm_2026-01.csv").write_text("id,email\n1,a@x.io\n2,b@x.io\n")
    # A stray quote in the second file costs its own line; the reject names the file.
    (tmp_path / "crm_2026-02.csv").write_text('id,email\n3,"c@x.io\n4,d@x.io\n\n')
    (tmp_path / "other.csv").write_text("id,email\n9,z@x.io\n")
    table = read_source(Source("crm", path=str(tmp_path / "crm_*.csv"), id_column="id",
                               columns={"email": "email"}))
    assert table.records[["record_id", "source_row"]].values.tolist() == [
        ["crm:1", 1], ["crm:2", 2], ["crm:4", 4]]
    assert table.rejects[["row", "reason"]].values.tolist()[0][0] == 3
    assert table.rejects["reason"][0].startswith("crm_2026-02.csv: unreadable row (line 2)")
    assert table.rows_read == {"crm": 4}
    lines = table.lines["crm"]
    assert (lines.total, lines.header, lines.blank, lines.records, lines.rejects) == (
        7, 2, 1, 3, 1)


def test_a_glob_that_matches_nothing_says_so(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"source 'crm': no file matches .*nothing_\*\.csv"):
        read_source(Source("crm", path=str(tmp_path / "nothing_*.csv"), id_column="id"))


def _partitioned(root: Path) -> Path:
    shop = root / "shop"
    for year, rows in (("2025", PEOPLE.iloc[:2]), ("2026", PEOPLE.iloc[2:])):
        (shop / f"year={year}").mkdir(parents=True)
        pq.write_table(pa.Table.from_pandas(rows, preserve_index=False),
                       shop / f"year={year}" / "part-0.parquet")
    (shop / "_SUCCESS").write_text("")  # what Spark leaves: not data
    return shop


def test_a_partitioned_parquet_folder_is_one_table_with_its_partition_keys(
        tmp_path: Path) -> None:
    _partitioned(tmp_path)
    # No format given: the folder's files say Parquet.
    config = up.Config(sources=(Source("shop", path="shop", id_column="id",
                                       columns={**COLUMNS, "company": "year"}),),
                       rules=(RULE,), base_dir=tmp_path)
    result = up.Resolver(config).run()
    assert _groups(result) == [["shop:1", "shop:2"], ["shop:3"], ["shop:5"]]
    records = read_source(config.sources[0], tmp_path).records
    assert records[["record_id", "company"]].values.tolist() == [
        ["shop:1", "2025"], ["shop:2", "2025"], ["shop:3", "2026"], ["shop:5", "2026"]]


def test_a_folder_of_jsonl_files(tmp_path: Path) -> None:
    folder = tmp_path / "chats"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": 1, "user": {"email": "a@x.io"}}\n')
    (folder / "b.jsonl").write_text('{"id": 2, "user": {"email": "b@x.io"}}\nnot json\n')
    table = read_source(Source("chat", path=str(folder), id_column="id",
                               columns={"email": "user.email"}))
    assert table.records[["record_id", "email"]].values.tolist() == [
        ["chat:1", "a@x.io"], ["chat:2", "b@x.io"]]
    assert table.rejects[["row", "reason"]].values.tolist() == [
        [3, "b.jsonl: unreadable row (line 2): not valid JSON (Expecting value at column 1)"]]


def test_fsspec_urls_read_files_globs_and_folders() -> None:
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe("/up-test/crm/a.csv", b"id,email\n1,a@x.io\n")
    fs.pipe("/up-test/crm/b.csv", b"id,email\n2,b@x.io\n")
    with fs.open("/up-test/shop/year=2026/part-0.parquet", "wb") as handle:
        pq.write_table(pa.table({"id": [7], "email": ["s@x.io"]}), handle)
    try:
        one = read_source(Source("crm", path="memory://up-test/crm/a.csv", id_column="id",
                                 columns={"email": "email"}))
        assert one.records["record_id"].tolist() == ["crm:1"]
        both = read_source(Source("crm", path="memory://up-test/crm/*.csv", id_column="id",
                                  columns={"email": "email"}))
        assert both.records["record_id"].tolist() == ["crm:1", "crm:2"]
        shop = read_source(Source("shop", path="memory://up-test/shop", id_column="id",
                                  columns={"email": "email", "company": "year"}))
        assert shop.records[["record_id", "company"]].values.tolist() == [["shop:7", "2026"]]
    finally:
        fs.rm("/up-test", recursive=True)


def test_a_url_whose_filesystem_package_is_missing_names_it() -> None:
    pytest.importorskip("fsspec")
    if __import__("importlib").util.find_spec("s3fs") is not None:
        pytest.skip("s3fs is installed")
    with pytest.raises(SourceError, match=r"source 'crm': cannot open s3://bucket/crm\.csv: "
                                          r".*s3fs"):
        read_source(Source("crm", path="s3://bucket/crm.csv", id_column="id"))


def test_a_url_without_fsspec_says_what_to_install(tmp_path: Path) -> None:
    # A Python where fsspec cannot be imported (None in sys.modules blocks the import).
    code = ("import sys; sys.modules['fsspec'] = None\n"
            "from unifyprofile.sources import Source, read_source\n"
            "from unifyprofile.errors import SourceError\n"
            "try:\n"
            "    read_source(Source('crm', path='gs://bucket/crm.csv', id_column='id'))\n"
            "except SourceError as exc:\n"
            "    print(exc)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.strip() == ("source 'crm': gs://bucket/crm.csv is a URL; reading URLs "
                                   "needs fsspec (and its package for gs://): pip install "
                                   "fsspec gcsfs")


# -- read_table: what infer reads ---------------------------------------------------------


def test_read_table_gives_text_columns_and_rejects_for_every_format(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": [1, 2], "amount": [1.5, None], "when": pa.array(
        [pd.Timestamp("2026-01-02"), None])}), tmp_path / "t.parquet")
    parquet = read_table(str(tmp_path / "t.parquet"))
    assert parquet.frame.to_dict("list") == {"id": ["1", "2"], "amount": ["1.5", None],
                                             "when": ["2026-01-02 00:00:00.000000", None]}
    assert parquet.rejects.empty
    (tmp_path / "t.jsonl").write_text('{"id": 1, "emails": ["a@x.io", "b@x.io"]}\n[1]\n')
    jsonl = read_table(str(tmp_path / "t.jsonl"))
    assert jsonl.frame.to_dict("list") == {"id": ["1"], "emails": ["a@x.io"]}
    assert jsonl.rejects[["row", "reason"]].values.tolist() == [
        [2, "unreadable row (line 2): a JSON value that is not an object"]]
    assert list(jsonl.rejects.columns) == list(schema.REJECT_COLUMNS)


def test_store_ingests_any_table(tmp_path: Path) -> None:
    pl = _polars()
    with up.IdentityStore(tmp_path / "p.db", _config()) as store:
        changes = store.ingest(pl.from_pandas(PEOPLE), source="crm")
        assert changes.summary()["records"] == 4 and len(changes.rejects) == 1
        assert store.clusters().groupby("entity_id").size().sort_values().tolist() == [1, 1, 2]
        changes = store.ingest({"crm": pa.table({"id": ["6"], "first": ["Ann"], "last": [
            "Smith"], "email": ["ann@x.com"]})})
        assert changes.summary()["records"] == 1 and len(changes.updated) == 1
