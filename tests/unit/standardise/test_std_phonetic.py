"""Literal cases for the phonetic codes."""

import pandas as pd
import pytest

from unifyprofile.standardise import metaphone, nysiis, soundex


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("robert", "R163"),
        ("rupert", "R163"),
        ("rubin", "R150"),
        ("ashcraft", "A261"),
        ("ashcroft", "A261"),
        ("tymczak", "T522"),
        ("pfister", "P236"),
        ("honeyman", "H555"),
        ("lee", "L000"),
        ("gutierrez", "G362"),
        ("jackson", "J250"),
        ("van der berg", "V536"),
        ("o connor", "O256"),
        ("", None),
        ("123", None),
    ],
)
def test_soundex(name, code):
    assert soundex(pd.Series([name])).iloc[0] == code


def test_soundex_keeps_index_and_nulls():
    out = soundex(pd.Series(["smith", None, "smyth"], index=[7, 8, 9]))
    assert out.index.tolist() == [7, 8, 9]
    assert out.tolist() == ["S530", None, "S530"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("catherine", "K0RN"),
        ("katherine", "K0RN"),
        ("kathryn", "K0RN"),
        ("philip", "FLP"),
        ("filip", "FLP"),
        ("phillips", "FLPS"),
        ("smith", "SM0"),
        ("smyth", "SM0"),
        ("knight", "NT"),
        ("o connor", "OKNR"),
        ("w", None),  # a code without a sound
        ("", None),
        ("123", None),
    ],
)
def test_metaphone(name, code):
    assert metaphone(pd.Series([name])).iloc[0] == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("catherine", "CATARAN"),
        ("katherine", "CATARAN"),
        ("philip", "FALAP"),
        ("filip", "FALAP"),
        ("macdonald", "MCDANALD"),
        ("mcdonald", "MCDANALD"),
        ("schmidt", "SNAD"),
        ("van der berg", "VANDARBARG"),
        ("", None),
        ("123", None),
    ],
)
def test_nysiis(name, code):
    assert nysiis(pd.Series([name])).iloc[0] == code


@pytest.mark.parametrize("code", [soundex, metaphone, nysiis])
def test_codes_keep_index_and_nulls(code):
    out = code(pd.Series(["smith", None, "smith"], index=[7, 8, 9]))
    assert out.index.tolist() == [7, 8, 9]
    assert out.iloc[1] is None and out.iloc[0] == out.iloc[2]
