"""Literal cases for soundex."""

import pandas as pd
import pytest

from unifyprofile.standardise import soundex


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
