"""Literal cases for standardise_date and standardise_timestamp."""

import datetime as dt
import os
import subprocess
import sys

import pandas as pd
import pytest

from unifyprofile.engines import year_pivots
from unifyprofile.errors import ConfigError
from unifyprofile.standardise import (
    _fallback,
    parse_dates,
    standardise,
    standardise_date,
    standardise_timestamp,
)

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


# --- dates in other languages (the dateparser fallback) ----------------------------------

@pytest.mark.parametrize(
    "raw",
    [
        "12 März 1985",
        "12. März 1985",
        "12 mars 1985",
        "vendredi 12 mars 1985",
        "12 de marzo de 1985",
        "12 marzo 1985",
        "12 de março de 1985",
        "12 марта 1985",
        "12 марта 1985 г.",
        "1985年3月12日",
        "1985년 3월 12일",
    ],
)
def test_dates_in_other_languages(raw):
    out = standardise_date(pd.Series([raw]))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == ("1985-03-12", None)


@pytest.mark.parametrize(
    "raw",
    [
        # relative dates: never today's date or one counted from it
        "yesterday", "today", "now", "in 2 days", "2 days ago", "hier", "vor 2 Tagen",
        "il y a 2 jours", "вчера",
        # no day or no year: not a whole date, as "12/03" and "1985" are not
        "März 1985", "12 März", "marzo de 1985", "3月12日", "1985年3月",
        # no calendar date, or not a plausible birth date
        "30 februar 1985", "30 февраля 1985", "12 mars 1850", f"12 mars {NEXT_YEAR}",
        # junk with a month name or with numbers
        "12 mars street 1985", "mars 12 attack 1985 x", "ref 12-3 item 9", "a3b9k2pq 1985",
    ],
)
def test_what_no_language_reads_as_a_whole_date_stays_invalid(raw):
    out = standardise_date(pd.Series([raw]))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (None, "invalid")


def test_a_foreign_placeholder_date_is_a_placeholder():
    out = standardise_date(pd.Series(["1 janvier 1900"]))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (None, "placeholder")


def test_foreign_two_digit_years_follow_the_pivot():
    values = pd.Series(["12. März 20", "12. März 20"])
    out = standardise_date(values, year_pivot=pd.Series([10, 50]))
    assert out["std"].tolist() == ["1920-03-12", "2020-03-12"]


def test_foreign_timestamps_keep_their_time_and_offset():
    raw = pd.Series(["12 mars 1985 23:30 -05:00", "12 de marzo de 1985 10:30", "hier"])
    out = standardise_timestamp(raw)
    assert out.tolist()[:2] == [pd.Timestamp("1985-03-13 04:30", tz="UTC"),
                                pd.Timestamp("1985-03-12 10:30", tz="UTC")]
    assert pd.isna(out.iloc[2])
    # the birth date of the same value is the date as written, as for English dates
    assert standardise_date(raw).loc[0, "std"] == "1985-03-12"


def test_parse_dates_reads_other_languages_too():
    out = parse_dates(pd.Series(["12 mars 2031", "12 März 2031", "März 2031", "yesterday"]))
    assert out.tolist() == ["2031-03-12", "2031-03-12", None, None]


def test_english_numeric_and_junk_values_never_reach_dateparser(monkeypatch):
    def fail(*args):
        raise AssertionError(f"dateparser asked to read {args}")

    monkeypatch.setattr(_fallback, "_read", fail)
    raw = pd.Series(["1985-03-12", "12/03/1985", "12 March 1985", "March 12, 1985",
                     "12.03.85", "19850312", "1985-03-12T10:30:00Z", "n/a", "1985-02-30",
                     "garbage", "12/03", "1985", "9999", "13/13/1985"])
    assert standardise_date(raw)["std"].notna().sum() == 7
    assert standardise_timestamp(raw).notna().sum() == 7
    assert parse_dates(raw).notna().sum() == 7


def test_a_column_the_fast_parser_reads_does_not_import_dateparser():
    code = (
        "import sys, pandas as pd\n"
        "from unifyprofile.standardise import standardise, standardise_date\n"
        "raw = pd.Series(['1985-03-12', '12/03/1985', '12 Mar 1985', 'n/a', 'junk', None])\n"
        "standardise_date(raw)\n"
        "standardise(pd.DataFrame({'dob': raw, 'updated_at': raw}))\n"
        "assert 'dateparser' not in sys.modules, 'imported'\n"
        "standardise_date(pd.Series(['12 März 1985']))\n"
        "assert 'dateparser' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr


# --- the two-digit-year pivot ------------------------------------------------------------

def test_two_digit_years_pivot_on_this_year_by_default():
    this = dt.date.today().year % 100
    values = pd.Series([f"01/02/{this:02d}", f"01/02/{(this + 1) % 100:02d}"])
    assert standardise_date(values)["std"].tolist() == [
        f"{2000 + this}-01-02", f"{1900 + (this + 1) % 100}-01-02"]


@pytest.mark.parametrize(("raw", "pivot", "std"), [
    ("01/02/00", 0, "2000-01-02"), ("01/02/01", 0, "1901-01-02"),
    ("01/02/20", 20, "2020-01-02"), ("01/02/20", 19, "1920-01-02"),
    ("01/02/20", 99, "2020-01-02"), ("2 Jan 20", 19, "1920-01-02"),
])
def test_year_pivot_decides_the_century(raw, pivot, std):
    out = standardise_date(pd.Series([raw]), year_pivot=pivot)
    assert out.loc[0, "std"] == std


def test_year_pivot_per_row_with_nulls_taking_the_default():
    values = pd.Series(["01/02/20"] * 3, index=[7, 8, 9])
    pivots = pd.Series([10, None, 30], index=[7, 8, 9])  # float with NaN, as a map gives
    out = standardise_date(values, dayfirst=pd.Series([True, False, True], index=[7, 8, 9]),
                           year_pivot=pivots)
    default = standardise_date(pd.Series(["01/02/20"]))["std"].iloc[0]
    assert out["std"].tolist() == ["1920-02-01", default, "2020-02-01"]
    stamps = standardise_timestamp(values, year_pivot=pivots)
    assert stamps.dt.year.tolist()[0::2] == [1920, 2020]


@pytest.mark.parametrize("bad", [100, -1, 1950, 30.5, "30", True])
def test_a_bad_year_pivot_is_a_config_error_naming_it(bad):
    for func in (standardise_date, standardise_timestamp):
        with pytest.raises(ConfigError, match=r"year_pivot must be an integer from 0 to 99"):
            func(pd.Series(["01/02/20"]), year_pivot=bad)
    with pytest.raises(ConfigError, match="year_pivot"):
        parse_dates(pd.Series(["01/02/20"]), year_pivot=bad)
    with pytest.raises(ConfigError, match="year_pivot"):
        standardise(pd.DataFrame({"email": ["a@b.com"]}), year_pivot=bad)


def test_year_pivot_reaches_the_stage_from_each_source():
    records = pd.DataFrame({"source": ["old", "new", "other"],
                            "dob": ["01/02/20"] * 3, "updated_at": ["01/02/20 10:00"] * 3})
    pivots = year_pivots(records["source"], {"old": 10, "new": 30, "other": None})
    out = standardise(records, year_pivot=pivots)
    default = standardise_date(pd.Series(["01/02/20"]))["std"].iloc[0]
    assert out["dob_std"].tolist() == ["1920-01-02", "2020-01-02", default]
    assert year_pivots(records["source"], {"old": None}) is None


def test_a_per_row_dayfirst_reads_day_first_only_where_it_is_true():
    values = pd.Series(["03/04/1985"] * 4)
    nullable = pd.Series([True, pd.NA, False, True], dtype="boolean")
    assert standardise_date(values, dayfirst=nullable)["std"].tolist() == [
        "1985-04-03", "1985-03-04", "1985-03-04", "1985-04-03"]
    loose = pd.Series(["no", 1, None, True], dtype=object)
    assert standardise_date(values, dayfirst=loose)["std"].tolist() == [
        "1985-03-04", "1985-03-04", "1985-03-04", "1985-04-03"]
