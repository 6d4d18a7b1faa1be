"""Whole numbers written as floats ("94105.0": a column of integers with a gap, written out
by pandas or a spreadsheet) are read as the whole numbers they are, in every field."""

import pandas as pd
import pytest

from unifyprofile.schema import TEXT
from unifyprofile.sources import infer_roles
from unifyprofile.standardise import (
    standardise,
    standardise_date,
    standardise_id,
    standardise_phone,
    standardise_postcode,
)


@pytest.mark.parametrize(("func", "written", "plain"), [
    (standardise_postcode, "94105.0", "94105"),
    (standardise_id, "123456.0", "123456"),
    (standardise_date, "19850307.0", "19850307"),
])
def test_standardisers_read_a_float_written_whole_number_as_the_number(func, written, plain):
    out = func(pd.Series([written, plain]))
    std = out["std"] if isinstance(out, pd.DataFrame) else out
    assert std[0] == std[1] is not None


def test_phone_numbers_written_as_floats_are_read():
    out = standardise_phone(pd.Series(["447911123456.0", "+44 7911 123456"]), region="GB")
    assert out["std"].tolist() == ["+447911123456", "+447911123456"]
    assert out["flag"].isna().all()


def test_other_columns_hold_whole_numbers_not_floats():
    records = pd.DataFrame({
        "record_id": ["1", "2", "3", "4"],
        "episode": pd.Series(["5.0", "5", None, "3.5"], dtype=TEXT),
        "year": ["1996.0", "1996", None, "n/a"],
        "first_name": ["Ann", "Bo", "Cy", "Di"],
    })
    out = standardise(records)
    assert list(out.columns[:4]) == ["record_id", "episode", "year", "first_name"]
    assert out["episode"].tolist()[:2] == ["5", "5"] and out["episode"][3] == "3.5"
    assert out["year"].tolist()[:2] == ["1996", "1996"] and out["year"][3] == "n/a"
    assert out["episode"].dtype == TEXT


def test_a_column_of_years_written_as_floats_is_a_column_of_years():
    years = [f"{1960 + k % 40}.0" for k in range(60)]
    table = pd.DataFrame({"record_id": [str(k) for k in range(60)], "released": years})
    assert infer_roles(table)["released"].role == "year"
