"""Literal cases for identifiers, company names, booleans and gender."""

import numpy as np
import pandas as pd
import pytest

from unifyprofile.standardise import (
    standardise_bool,
    standardise_company,
    standardise_gender,
    standardise_id,
)


@pytest.mark.parametrize(
    ("raw", "std", "flag"),
    [
        ("abc-123", "ABC123", None),
        ("  abc 123  ", "ABC123", None),
        ("a.b_c-1 2", "ABC12", None),
        ("00123", "00123", None),
        (12345, "12345", None),
        (12345.0, "12345", None),
        ("000-00-0000", None, "placeholder"),
        ("0", None, "placeholder"),
        ("N/A", None, "placeholder"),
        ("na", None, "placeholder"),
        ("NONE", None, "placeholder"),
        ("null", None, "placeholder"),
        ("Unknown", None, "placeholder"),
        ("-", None, "placeholder"),
        ("---", None, "placeholder"),
        ("test", None, "placeholder"),
    ],
)
def test_standardise_id(raw, std, flag):
    out = standardise_id(pd.Series([raw], dtype=object))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (std, flag)


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("Acme Inc.", "acme"),
        ("ACME, Incorporated", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Limited", "acme"),
        ("Acme LLC", "acme"),
        ("Acme plc", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme AG", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme & Co.", "acme"),
        ("Acme Company", "acme"),
        ("The Acme Company", "acme"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("Nestlé S.A.", "nestle"),
        ("McDonald's Corp", "mcdonalds"),
        ("Inc", "inc"),
        ("n/a", None),
    ],
)
def test_standardise_company(raw, std):
    assert standardise_company(pd.Series([raw])).iloc[0] == std


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("t", True),
        ("1", True),
        (1, True),
        (1.0, True),
        (True, True),
        (np.True_, True),
        ("subscribed", True),
        ("opted in", True),
        ("Opt-In", True),
        ("no", False),
        ("N", False),
        ("false", False),
        ("f", False),
        ("0", False),
        (0, False),
        (False, False),
        ("unsubscribed", False),
        ("opted out", False),
        ("opted-out", False),
        ("maybe", None),
        ("", None),
        (None, None),
    ],
)
def test_standardise_bool(raw, value):
    out = standardise_bool(pd.Series([raw], dtype=object))
    assert str(out.dtype) == "boolean"
    result = out.iloc[0]
    assert (result is pd.NA) if value is None else (result == value)


def test_bool_index_preserved():
    out = standardise_bool(pd.Series(["yes", None], index=[5, 6]))
    assert out.index.tolist() == [5, 6]


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("M", "m"),
        ("male", "m"),
        ("Man", "m"),
        ("F", "f"),
        ("Female", "f"),
        ("woman", "f"),
        ("W", "f"),
        ("x", None),
        ("other", None),
        ("unknown", None),
        (None, None),
    ],
)
def test_standardise_gender(raw, std):
    assert standardise_gender(pd.Series([raw], dtype=object)).iloc[0] == std


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("SIEMENS AKTIENGESELLSCHAFT", "siemens"),
        ("Toyota Jidosha Kabushiki Kaisha", "toyota jidosha"),
        ("PHILIPS ELECTRONICS N V", "philips electronics"),
        ("Philips Electronics N.V., Eindhoven", "philips electronics"),
        ("MATSUSHITA ELECTRIC INDUSTRIAL CO., LTD.", "matsushita electric industrial"),
        ("Engel Maschinenbau Gesellschaft mit beschränkter Haftung", "engel maschinenbau"),
        ("Polska Sp. z o.o.", "polska"),
        ("Dörschner, Société Anonyme", "dorschner"),
        ("Hitachi, Ltd.; Hitachi Koki Co., Ltd.", "hitachi hitachi koki"),
        ("Co", "co"),
    ],
)
def test_standardise_company_legal_forms_spelled_out_and_places(raw, std):
    assert standardise_company(pd.Series([raw])).iloc[0] == std
