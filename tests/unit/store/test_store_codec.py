"""Records survive the trip through the store's JSON columns unchanged; file matching."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.blocking import BlockingRule, key_values, parse_key
from unifyprofile.errors import ConfigError
from unifyprofile.standardise import standardise
from unifyprofile.store import _codec, match_source
from unifyprofile.store._codec import ARROW_MIN, FIXED, decode, encode, frame_dtypes


def _records(rows: int, tags: bool) -> pd.DataFrame:
    base = pd.DataFrame({
        "first_name": ["José", None, "Ann"], "email": ["a@x.org", "b@y.org", None],
        "updated_at": ["2024-01-02T03:04:05Z", None, "2023-05-06"],
        "marketing_opt_out": ["yes", None, "no"], "postcode": ["02101", None, "1234"],
    })
    raw = base.iloc[np.arange(rows) % 3].reset_index(drop=True)
    raw.insert(0, "source_record_id", [str(k) for k in range(rows)])
    raw.insert(0, "source", "crm")
    raw.insert(0, "record_id", "crm:" + raw["source_record_id"])
    records = standardise(raw)
    if tags:
        records["tags"] = [["vip", "b2b"] if k % 2 else None for k in range(rows)]
    records["source_row"] = np.arange(1, rows + 1, dtype=np.int64)
    return records


# Below ARROW_MIN rows records are parsed one by one, from it on by Arrow; a column Arrow
# cannot type (lists) sends the whole batch one by one.
# A small slice makes encoding and parsing go a slice at a time, as with a million rows.
@pytest.mark.parametrize(("rows", "tags", "slice_rows"), [
    (3, True, None), (ARROW_MIN, False, None), (ARROW_MIN, True, None), (ARROW_MIN, False, 300)])
def test_round_trip_keeps_values_and_types(rows, tags, slice_rows, monkeypatch):
    if slice_rows:
        monkeypatch.setattr(_codec, "SLICE", slice_rows)
    records = _records(rows, tags)
    columns = [c for c in records.columns if c not in FIXED]
    lines = encode(records, columns)
    back = decode(zip(records["record_id"], records["source"], records["source_record_id"],
                      lines, strict=True), columns, frame_dtypes(records))
    pd.testing.assert_frame_equal(back, records, check_dtype=True)
    assert back.at[0, "postcode"] == "02101"  # strings stay strings


def test_missing_columns_come_back_null():
    back = decode([("s:1", "s", "1", '{"email": "a@x.org"}')], ["email", "phone"], {})
    assert back.to_dict("records") == [{"record_id": "s:1", "source": "s",
                                        "source_record_id": "1", "email": "a@x.org",
                                        "phone": None}]


def test_key_values_agree_with_key_codes():
    records = pd.DataFrame({"last_name_std": ["smith", "smyth", None, "jones"],
                            "first_name_std": ["bob", "robert", "ann", None],
                            "first_name_nick": ["robert", "robert", None, None]})
    rule = BlockingRule.parse(["last_name:soundex", "first_name:nick"])
    values = rule.values(records)
    codes = rule.codes(records)
    assert values.tolist() == ["S530\x1frobert", "S530\x1frobert", None, None]
    same_value = values[:, None] == values[None, :]
    same_code = (codes[:, None] == codes[None, :]) & (codes[:, None] >= 0)
    present = np.array([v is not None for v in values])
    assert ((same_value & present[:, None]) == same_code).all()
    assert key_values(records, parse_key("last_name")).tolist() == ["smith", "smyth", None,
                                                                    "jones"]


def test_files_match_their_source_by_name():
    config = up.Config(sources=(up.Source("crm", path="crm_contacts.csv"),
                                up.Source("shop", path="exports/shop.parquet")))
    assert match_source(config, Path("crm_contacts.csv")) == "crm"
    assert match_source(config, Path("/in/crm_contacts_2026-11-23.csv")) == "crm"
    assert match_source(config, Path("shop_delta.parquet")) == "shop"
    with pytest.raises(ConfigError, match="matches no source.*--source"):
        match_source(config, Path("desk.csv"))
