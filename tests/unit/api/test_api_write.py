"""Result tables as CSV: one value per cell, lists as JSON arrays, times readable."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from unifyprofile.result import csv_ready, write_csv


def test_lists_become_the_json_arrays_json_dumps_writes():
    lists = [["a", 'say "hi"', "back\\slash", "Zoë", "张伟"], [], None, ["x", None],
             ["line\nbreak"]]
    table = pd.DataFrame({"email": pd.Series(lists, dtype=object),
                          "n": np.arange(len(lists))})
    ready = csv_ready(table)
    assert ready["email"].tolist() == [
        None if v is None else json.dumps(v, ensure_ascii=False) for v in lists]
    assert ready["n"].tolist() == list(range(len(lists)))


def test_lists_of_times_are_iso_text_with_missing_times_null():
    table = pd.DataFrame({"seen": pd.Series(
        [[pd.Timestamp("2024-03-12 10:00:05"), pd.NaT], None], dtype=object)})
    assert csv_ready(table)["seen"].tolist() == ['["2024-03-12T10:00:05", null]', None]


def test_csv_reads_back_as_written(tmp_path):
    table = pd.DataFrame({
        "entity_id": ["E1", "E2"],
        "name": ['Ann "Nan" Lee', "Lee, Bob"],
        "emails": pd.Series([["a@x.io", "b@x.io"], None], dtype=object),
        "seen": pd.to_datetime(["2024-03-12 10:00:05", None]),
        "stamped": pd.to_datetime(["2024-03-12 10:00:05.25", None]),
        "linked": [True, False],
        "weight": [12.5, None],
    })
    path = tmp_path / "t.csv"
    write_csv(csv_ready(table), path)
    back = pd.read_csv(path)
    assert back["name"].tolist() == table["name"].tolist()
    assert json.loads(back["emails"][0]) == ["a@x.io", "b@x.io"]
    assert back["emails"].isna().tolist() == [False, True]
    assert back["seen"][0] == "2024-03-12 10:00:05"
    assert back["stamped"][0].startswith("2024-03-12 10:00:05.25")  # fractions kept
    assert back["linked"].tolist() == [True, False]
    assert back["weight"][0] == 12.5


def test_a_column_arrow_cannot_type_is_written_by_pandas(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"mixed": pd.Series([1, "x"], dtype=object)}), path)
    assert path.read_text(encoding="utf-8").splitlines() == ["mixed", "1", "x"]


def test_a_table_arrow_cannot_write_is_written_by_pandas(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"n": [1, 2], "nested": [{"a": 1}, {"b": 2}]}), path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "n,nested"
