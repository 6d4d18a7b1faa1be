"""Helpers that assert the Spark engine's tables equal the local engine's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        stamp = value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")
        return stamp.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def plain_rows(table: pd.DataFrame, key: list[str]) -> list[dict[str, Any]]:
    """Rows as plain Python values, sorted by ``key``; nulls of every kind are None."""
    table = table.sort_values(key, kind="stable").reset_index(drop=True)
    return [{c: _plain(v) for c, v in row.items()} for row in table.to_dict("records")]


def unreadable_by_kind(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejects with the reason of an unparsable row cut to its kind: Spark's CSV reader
    does not know a row's lines or fields, the local reader names them."""
    return rejects.assign(reason=rejects["reason"].str.replace(
        r"^unreadable row.*", "unreadable row", regex=True))


def assert_same_partition(local: pd.DataFrame, spark: pd.DataFrame) -> None:
    both = local.merge(spark, on="record_id", how="outer", suffixes=("_l", "_s"),
                       indicator=True)
    assert (both["_merge"] == "both").all(), "a record is in one engine's clusters only"
    assert len(spark) == spark["record_id"].nunique(), "a record is in two Spark clusters"
    assert (both["entity_id_l"] == both["entity_id_s"]).all()


def assert_same_pairs(local: pd.DataFrame, spark: pd.DataFrame) -> None:
    key = ["record_id_l", "record_id_r"]
    local = local.drop(columns=["i", "j"]).astype({"record_id_l": str, "record_id_r": str})
    spark = spark.drop(columns=["i", "j"])
    assert sorted(local.columns) == sorted(spark.columns)
    assert len(local) == len(spark)
    local = local.sort_values(key).reset_index(drop=True)
    spark = spark[local.columns].sort_values(key).reset_index(drop=True)
    floats = ["match_weight", "match_probability"]
    for column in local.columns:
        if column in floats:
            np.testing.assert_allclose(spark[column].to_numpy(float),
                                       local[column].to_numpy(float), rtol=1e-9, atol=1e-12)
        else:
            assert [_plain(v) for v in spark[column]] == [_plain(v) for v in local[column]], (
                column)


def assert_same_golden(local: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert sorted(local.columns) == sorted(spark.columns)
    left = plain_rows(local, ["entity_id"])
    right = plain_rows(spark[local.columns], ["entity_id"])
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        assert a == b, {k: (a[k], b[k]) for k in a if a[k] != b[k]}
