"""``key_values`` agree with ``key_codes``: equal values exactly where codes are equal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unifyprofile.blocking import key_codes, key_values, parse_key
from unifyprofile.compare import (
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    ReferenceComparison,
    TextComparison,
    value_keys,
)

RECORDS = pd.DataFrame({
    "first_name_std": ["bob", "robert", "bob", None, "ann", " "],
    "first_name_nick": ["robert", "robert", "robert", None, None, None],
    "last_name_std": ["smith", "smyth", "jones", "smith", None, "x"],
    "dob_std": ["1980-01-02", "1980-05-06", None, "1980-01-02", "1975-01-01", "bad"],
    "email_std": ["a@x.com", "a@x.com", "b@x.com", None, "c@y.org", "a@x.com"],
    "amount": ["10", "10.0", "11", None, "x", "$10.00"],
    "posted": ["2023-10-02", "02/10/2023", "25/12/2023", None, "x", "2 Oct 2023"],
})


def _same_partition(a: np.ndarray, b: np.ndarray) -> None:
    ca = pd.factorize(pd.Series(a, dtype=object), use_na_sentinel=True)[0]
    cb = np.asarray(b)
    assert ((ca < 0) == (cb < 0)).all()
    assert (np.equal.outer(ca, ca) == np.equal.outer(cb, cb))[(ca >= 0)][:, ca >= 0].all()


@pytest.mark.parametrize("key", ["first_name", "first_name:nick", "last_name:soundex",
                                 "last_name:metaphone", "last_name:nysiis", "dob:year",
                                 "email:prefix3", "email:suffix5", "last_name:tokens",
                                 "amount:number"])
def test_key_values_partition_like_key_codes(key: str) -> None:
    parsed = parse_key(key)
    _same_partition(np.asarray(key_values(RECORDS, parsed)), key_codes(RECORDS, parsed))


@pytest.mark.parametrize("comparison", [
    NameComparison("first_name", swap_with="last_name"), ExactMatch("email"),
    EmailComparison("email"), DateComparison("dob"), NumericComparison("amount"),
    DateComparison("posted")],
    ids=lambda c: type(c).__name__)
def test_value_keys_partition_like_value_codes(comparison: object) -> None:
    prepared = comparison.prepare(RECORDS)  # type: ignore[attr-defined]
    _same_partition(value_keys(RECORDS, comparison), prepared.value_codes)  # type: ignore[arg-type]


TEXTS = ["smith", "bob", "", " ", "o'neil", "liz ann", "1985-03-02", "ab", None, "zz top b",
         "élan"]


@pytest.mark.parametrize("transform", ["", ":soundex", ":metaphone", ":nysiis", ":nick",
                                       ":tokens", ":year", ":prefix3", ":suffix2", ":number"])
@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_one_record_gets_the_values_of_many(transform: str, dtype) -> None:
    # A few records (a record being resolved) take the value-by-value path.
    records = pd.DataFrame({"x_std": pd.Series(TEXTS * 2, dtype=dtype)})
    key = parse_key("x" + transform)
    many = key_values(records, key).tolist()
    one_by_one = [key_values(records.iloc[[k]], key)[0] for k in range(len(records))]
    assert one_by_one == many


def test_a_number_key_is_the_amount_however_written() -> None:
    values = key_values(RECORDS, parse_key("amount:number")).tolist()
    assert values == ["10", "10", "11", None, None, "10"]


def test_value_keys_read_a_date_however_written() -> None:
    keys = value_keys(RECORDS, DateComparison("posted")).tolist()
    # "25/12/2023" says the column is day first.
    assert keys == ["2023-10-02", "2023-10-02", "2023-12-25", None, "x", "2023-10-02"]


@pytest.mark.parametrize("comparison", [TextComparison("title"), ReferenceComparison("title")],
                         ids=lambda c: type(c).__name__)
def test_value_keys_partition_like_value_codes_for_texts_and_references(comparison) -> None:
    records = pd.DataFrame({"title": ["RE 2024-0585 danke", "danke re 2024/0585", "2024-0585",
                                      "MIETE", None, "Sony KDL-40", "sony kdl40"]})
    _same_partition(value_keys(records, comparison), comparison.prepare(records).value_codes)
