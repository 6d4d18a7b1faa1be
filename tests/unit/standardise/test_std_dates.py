"""Literal cases for standardise_date and standardise_timestamp."""

import datetime as dt

import pandas as pd
import pytest

from unifyprofile.standardise import standardise_date, standardise_timestamp

NEXT_YEAR = dt.date.today().year + 1


@pytest.mark.parametrize(
    ("raw", "dayfirst", "std"),
    [
        ("1985-03-12", False, "1985-03-12"),
        ("1985-3-2", False, "1985-03-02"),
        ("1985-03-12T10:30:00Z", False, "1985-03-12"),
        ("1985-03-12 10:30:00+02:00", False, "1985-03-12"),
        ("19850312", False, "1985-03-12"),
        ("1985/03/12", False, "1985-03-12"),
        ("1985.03.12", False, "1985-03-12"),
        # numeric day/month order follows dayfirst ...
        ("03/04/1985", False, "1985-03-04"),
        ("03/04/1985", True, "1985-04-03"),
        ("03-04-1985", True, "1985-04-03"),
        # ... unless one part is above 12
        ("13/03/1985", False, "1985-03-13"),
        ("03/13/1985", True, "1985-03-13"),
        # dotted dates are day first
        ("12.03.1985", False, "1985-03-12"),
        ("12-03-1985", True, "1985-03-12"),
        # month names
        ("12 Mar 1985", False, "1985-03-12"),
        ("12 March 1985", False, "1985-03-12"),
        ("12-Mar-1985", False, "1985-03-12"),
        ("March 12, 1985", False, "1985-03-12"),
        ("Mar 12 1985", False, "1985-03-12"),
        ("Mar. 12th, 1985", False, "1985-03-12"),
        ("Tue, 12 Mar 1985", False, "1985-03-12"),
        ("1985 Mar 12", False, "1985-03-12"),
        ("Sept 1, 1985", False, "1985-09-01"),
        # two-digit years pivot on the current year
        ("12/03/85", True, "1985-03-12"),
        ("12 Mar 85", False, "1985-03-12"),
        ("01/02/03", False, "2003-01-02"),
        # non-string inputs
        (dt.date(1985, 3, 12), False, "1985-03-12"),
        (pd.Timestamp("1985-03-12 23:00"), False, "1985-03-12"),
        (19850312, False, "1985-03-12"),
    ],
)
def test_valid_dates(raw, dayfirst, std):
    out = standardise_date(pd.Series([raw], dtype=object), dayfirst=dayfirst)
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (std, None)


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("1985-02-30", "invalid"),
        ("30/02/1985", "invalid"),
        ("1985-13-01", "invalid"),
        ("13/13/1985", "invalid"),
        ("1899-12-31", "invalid"),
        (f"{NEXT_YEAR}-01-01", "invalid"),
        ("garbage", "invalid"),
        ("12/03", "invalid"),
        ("1985", "invalid"),
        ("1900-01-01", "placeholder"),
        ("01/01/1900", "placeholder"),
        ("0001-01-01", "placeholder"),
        ("9999-12-31", "placeholder"),
        ("0000-00-00", "placeholder"),
        ("n/a", "placeholder"),
        ("unknown", "placeholder"),
    ],
)
def test_rejected_dates(raw, flag):
    out = standardise_date(pd.Series([raw]))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (None, flag)


def test_dayfirst_per_row():
    values = pd.Series(["03/04/1985", "03/04/1985", "03/04/1985"], index=[9, 8, 7])
    out = standardise_date(values, dayfirst=pd.Series([True, False, None], index=[9, 8, 7]))
    assert out["std"].tolist() == ["1985-04-03", "1985-03-04", "1985-03-04"]
    assert out.index.tolist() == [9, 8, 7]


def test_blank_dates_are_null():
    out = standardise_date(pd.Series([None, "", pd.NaT], dtype=object))
    assert out["std"].tolist() == [None, None, None]
    assert out["flag"].tolist() == [None, None, None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01T12:30:00Z", "2024-05-01 12:30:00"),
        ("2024-05-01T12:30:00+02:00", "2024-05-01 10:30:00"),
        ("2024-05-01T12:30:00-0500", "2024-05-01 17:30:00"),
        ("2024-05-01 12:30:00.250", "2024-05-01 12:30:00.250"),
        ("2024-05-01 12:30", "2024-05-01 12:30:00"),
        ("2024-05-01", "2024-05-01 00:00:00"),
        ("05/01/2024 9:15 pm", "2024-05-01 21:15:00"),
        ("05/01/2024 12:05 am", "2024-05-01 00:05:00"),
        ("1 May 2024 08:00", "2024-05-01 08:00:00"),
        ("20240501T101010Z", "2024-05-01 10:10:10"),
        ("1714557000", "2024-05-01 09:50:00"),
        ("1714557000000", "2024-05-01 09:50:00"),
        (pd.Timestamp("2024-05-01 12:00", tz="Europe/London"), "2024-05-01 11:00:00"),
        (dt.datetime(2024, 5, 1, 12, 0), "2024-05-01 12:00:00"),
    ],
)
def test_standardise_timestamp(raw, expected):
    out = standardise_timestamp(pd.Series([raw], dtype=object))
    assert str(out.dtype) == "datetime64[ns, UTC]"
    assert out.iloc[0] == pd.Timestamp(expected, tz="UTC")


@pytest.mark.parametrize("raw", ["soon", "2024-02-30 10:00", "25:00", None, "", "1900-01-01"])
def test_bad_timestamps_are_nat(raw):
    out = standardise_timestamp(pd.Series([raw], dtype=object))
    assert pd.isna(out.iloc[0])
    assert str(out.dtype) == "datetime64[ns, UTC]"
