"""Invariants of the standardisers: idempotent, index-preserving, null in -> null out."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unifyprofile.standardise import (
    nickname_key,
    soundex,
    split_full_name,
    standardise,
    standardise_address,
    standardise_bool,
    standardise_city,
    standardise_company,
    standardise_country,
    standardise_date,
    standardise_email,
    standardise_gender,
    standardise_id,
    standardise_name,
    standardise_phone,
    standardise_postcode,
    standardise_state,
    standardise_timestamp,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NULLS = st.sampled_from([None, float("nan"), pd.NA, "", "   ", "\t"])

# Text that looks like the field plus arbitrary unicode, so both the happy path and the
# odd corners are exercised.
EMAILISH = st.one_of(
    st.text(),
    st.builds(
        lambda a, b, c: f"{a}@{b}.{c}",
        st.text(st.sampled_from("abcXYZ.+-_1 "), min_size=0, max_size=8),
        st.sampled_from(["gmail", "googlemail", "outlook", "example", "acme", "a", "x"]),
        st.sampled_from(["com", "co.uk", "net", "me"]),
    ),
)
PHONEISH = st.one_of(
    st.text(st.sampled_from("0123456789+-() .x"), max_size=20),
    st.text(max_size=12),
)
NAMEISH = st.one_of(
    st.text(),
    st.text(st.sampled_from("abcdeJMS .,'-张伟欧阳娜小明曾单é"), max_size=16),
    st.sampled_from(["Dr. John Smith Jr.", "Mr", "Md", "O'Brien", "n/a", "Smith, John"]),
)
DATEISH = st.one_of(
    st.text(max_size=12),
    st.text(st.sampled_from("0123456789/-. :TZ"), max_size=20),
    st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2100, 1, 1)).map(str),
    st.builds(
        lambda d, m, y: f"{d}/{m}/{y}",
        st.integers(0, 40),
        st.integers(0, 14),
        st.integers(0, 2100),
    ),
    st.sampled_from(["12 Mar 1985", "March 12, 1985", "Mar 12 85", "1900-01-01"]),
)
ANY_TEXT = st.one_of(st.text(), st.text(st.sampled_from("abc ST.#12-,&'Ü中国"), max_size=20))


def _series(draw_values, index):
    return pd.Series(draw_values, index=index, dtype=object)


@st.composite
def series_of(draw, elements):
    values = draw(st.lists(st.one_of(elements, NULLS), max_size=12))
    index = draw(st.lists(st.integers(-5, 50), min_size=len(values), max_size=len(values)))
    return _series(values, index)


#: (function, values, whether an invalid value keeps its digits as its std: a phone
#: number its region cannot read)
STD_FLAG_FUNCS = [
    (standardise_email, EMAILISH, False),
    (standardise_phone, PHONEISH, True),
    (lambda s: standardise_phone(s, region="GB"), PHONEISH, True),
    (standardise_name, NAMEISH, False),
    (lambda s: standardise_name(s, surname=True), NAMEISH, False),
    (standardise_date, DATEISH, False),
    (lambda s: standardise_date(s, dayfirst=True), DATEISH, False),
    (standardise_id, ANY_TEXT, False),
]
SERIES_FUNCS = [
    (standardise_address, ANY_TEXT),
    (standardise_city, ANY_TEXT),
    (standardise_state, ANY_TEXT),
    (standardise_postcode, ANY_TEXT),
    (standardise_country, ANY_TEXT),
    (standardise_company, ANY_TEXT),
    (standardise_gender, ANY_TEXT),
]


def _is_null(value):
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _blank(value):
    return _is_null(value) or (isinstance(value, str) and not value.strip())


@pytest.mark.parametrize(("func", "elements", "keeps_digits"), STD_FLAG_FUNCS)
@SETTINGS
@given(data=st.data())
def test_std_flag_functions(func, elements, keeps_digits, data):
    values = data.draw(series_of(elements))
    out = func(values)
    assert list(out.columns) == ["std", "flag"]
    assert out.index.equals(values.index)
    assert len(out) == len(values)
    for raw, std, flag in zip(values, out["std"], out["flag"], strict=True):
        assert std is None or isinstance(std, str)
        assert flag in (None, "invalid", "placeholder")
        if _blank(raw):
            assert std is None and flag is None
        if flag == "invalid" and keeps_digits:
            assert std is None or std.isdigit()
        elif flag is not None:
            assert std is None
    again = func(out["std"])
    assert again["std"].tolist() == out["std"].tolist()
    accepted = (out["std"].notna() & out["flag"].isna()).to_numpy()
    assert again["flag"][accepted].isna().all()
    assert again["flag"][~accepted & out["std"].notna().to_numpy()].eq("invalid").all()


@pytest.mark.parametrize(("func", "elements"), SERIES_FUNCS)
@SETTINGS
@given(data=st.data())
def test_series_functions(func, elements, data):
    values = data.draw(series_of(elements))
    out = func(values)
    assert out.index.equals(values.index)
    assert out.dtype == object
    for raw, std in zip(values, out, strict=True):
        assert std is None or isinstance(std, str)
        if _blank(raw):
            assert std is None
    assert func(out).tolist() == out.tolist()


@SETTINGS
@given(values=series_of(st.one_of(ANY_TEXT, st.booleans(), st.integers(-1, 2))))
def test_standardise_bool(values):
    out = standardise_bool(values)
    assert str(out.dtype) == "boolean"
    assert out.index.equals(values.index)
    assert out[[_blank(v) for v in values]].isna().all()
    pd.testing.assert_series_equal(standardise_bool(out), out)


@SETTINGS
@given(values=series_of(DATEISH))
def test_standardise_timestamp(values):
    out = standardise_timestamp(values)
    assert str(out.dtype) == "datetime64[ns, UTC]"
    assert out.index.equals(values.index)
    assert out[[_blank(v) for v in values]].isna().all()
    pd.testing.assert_series_equal(standardise_timestamp(out), out)


@SETTINGS
@given(values=series_of(NAMEISH))
def test_split_full_name(values):
    out = split_full_name(values)
    assert out.index.equals(values.index)
    assert list(out.columns) == ["first", "last"]
    blank = [_blank(v) for v in values]
    assert out["first"][blank].isna().all() and out["last"][blank].isna().all()


@SETTINGS
@given(values=series_of(NAMEISH))
def test_nickname_key_idempotent_on_std_names(values):
    first = standardise_name(values)["std"]
    key = nickname_key(first)
    assert key.index.equals(values.index)
    assert key.isna().tolist() == first.isna().tolist()
    assert nickname_key(key).tolist() == key.tolist()


@SETTINGS
@given(values=series_of(NAMEISH))
def test_soundex_shape(values):
    codes = soundex(standardise_name(values)["std"])
    assert codes.index.equals(values.index)
    for code in codes:
        assert code is None or (len(code) == 4 and code[0].isupper() and code[1:].isdigit())


@st.composite
def records(draw):
    n = draw(st.integers(0, 8))
    column = lambda elements: draw(  # noqa: E731
        st.lists(st.one_of(elements, NULLS), min_size=n, max_size=n)
    )
    frame = pd.DataFrame(
        {
            "first_name": column(NAMEISH),
            "last_name": column(NAMEISH),
            "full_name": column(NAMEISH),
            "email": column(EMAILISH),
            "phone": column(PHONEISH),
            "dob": column(DATEISH),
            "city": column(ANY_TEXT),
            "customer_id": column(ANY_TEXT),
            "marketing_opt_in": column(ANY_TEXT),
            "other": column(ANY_TEXT),
        },
        dtype=object,
    )
    frame.index = draw(st.permutations(range(100, 100 + n)))
    return frame


@SETTINGS
@given(frame=records())
def test_stage_does_not_mutate_and_keeps_order(frame):
    before = frame.copy(deep=True)
    out = standardise(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out.index.equals(frame.index)
    pd.testing.assert_frame_equal(out[frame.columns], frame)
    # row order: standardising the reversed frame gives the reversed result
    reversed_out = standardise(frame.iloc[::-1])
    pd.testing.assert_frame_equal(reversed_out, out.iloc[::-1])
