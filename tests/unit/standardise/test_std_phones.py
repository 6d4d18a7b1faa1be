"""Literal cases for standardise_phone."""

import numpy as np
import pandas as pd
import pytest

from unifyprofile.errors import DataError
from unifyprofile.standardise import standardise_phone


@pytest.mark.parametrize(
    ("raw", "region", "std", "flag"),
    [
        ("(415) 555-0134", "US", "+14155550134", None),
        ("415.555.0134", "US", "+14155550134", None),
        ("415-555-0134", "US", "+14155550134", None),
        ("1 415 555 0134", "US", "+14155550134", None),
        ("+1 (415) 555-0134", "GB", "+14155550134", None),
        # extensions dropped
        ("(415) 555-0134 x123", "US", "+14155550134", None),
        ("415-555-0134 ext. 12", "US", "+14155550134", None),
        # UK: international, 00-prefixed and national with region
        ("+44 20 7946 0958", "US", "+442079460958", None),
        ("0044 20 7946 0958", "US", "+442079460958", None),
        ("0044 20 7946 0958", "GB", "+442079460958", None),
        ("011 44 20 7946 0958", "US", "+442079460958", None),
        ("020 7946 0958", "GB", "+442079460958", None),
        ("07700 900123", "GB", "+447700900123", None),
        # China
        ("+86 138 0013 8000", "US", "+8613800138000", None),
        ("138 0013 8000", "CN", "+8613800138000", None),
        ("138-0013-8000", "cn", "+8613800138000", None),
        # placeholders
        ("000-000-0000", "US", None, "placeholder"),
        ("1111111", "US", None, "placeholder"),
        ("999 999 9999", "US", None, "placeholder"),
        ("1234567890", "US", None, "placeholder"),
        ("0123456789", "GB", None, "placeholder"),
        ("9876543210", "US", None, "placeholder"),
        ("12345", "US", None, "placeholder"),
        ("n/a", "US", None, "placeholder"),
        ("none", "US", None, "placeholder"),
        ("unknown", "US", None, "placeholder"),
        # invalid: not a possible number or unparseable
        # (the digits are kept: a number of another country, written as at home)
        ("415 555 01345 6789", "US", "415555013456789", "invalid"),
        ("+999 123 456 789", "US", "999123456789", "invalid"),
        # ... unless they alone would read otherwise: no digits then
        ("phone: 4155abc0134zz99", "US", None, "invalid"),
        ("606 123 456", "US", "606123456", "invalid"),
    ],
)
def test_standardise_phone(raw, region, std, flag):
    out = standardise_phone(pd.Series([raw]), region=region)
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (std, flag)


def test_region_per_row():
    values = pd.Series(["020 7946 0958", "020 7946 0958", "(415) 555-0134", None])
    region = pd.Series(["GB", "US", "US", "GB"])
    out = standardise_phone(values, region=region)
    assert out["std"].tolist() == ["+442079460958", "02079460958", "+14155550134", None]
    assert out["flag"].tolist() == [None, "invalid", None, None]


def test_null_region_accepts_international_only():
    values = pd.Series(["+44 20 7946 0958", "020 7946 0958"])
    out = standardise_phone(values, region=pd.Series([None, None], dtype=object))
    assert out["std"].tolist() == ["+442079460958", "02079460958"]
    assert out["flag"].tolist() == [None, "invalid"]


def test_region_series_must_share_index():
    values = pd.Series(["020 7946 0958"], index=[3])
    with pytest.raises(DataError, match="same index"):
        standardise_phone(values, region=pd.Series(["GB"], index=[0]))


def test_index_preserved():
    values = pd.Series(["(415) 555-0134", None], index=["a", "b"])
    out = standardise_phone(values)
    assert out.index.tolist() == ["a", "b"]
    assert out.loc["b"].tolist() == [None, None]


def _numbers(seed, extra=()):
    """3,000 phone numbers in common layouts (most North American), with regions."""
    import random

    rng = random.Random(seed)
    texts = []
    for _ in range(3000):
        a, e, line = rng.randint(100, 999), rng.randint(100, 999), rng.randint(0, 9999)
        texts.append(rng.choice([
            f"({a}) {e}-{line:04d}", f"{a}.{e}.{line:04d}", f"+1 {a} {e} {line:04d}",
            f"{a}{e}{line:04d}", f"1-{a}-{e}-{line:04d}", f"+1 ({a}) {e}-{line:04d} x12",
            f"{a}-{e}-{line:04d} ext. 9", f"{a}-{e}-{line:04d} EXT. 9", f"+{a}{e}{line:04d}",
            f"+44 20 {e} {line:04d}", *extra,
        ]))
    return texts, [rng.choice(["US", "CA", "GB", None]) for _ in texts]


def test_north_american_fast_path_equals_phonenumbers(monkeypatch):
    """The regex fast path for +1 numbers gives what phonenumbers gives."""

    from unifyprofile.standardise import phones

    texts, regions = _numbers(7)
    phones._parse_phone.cache_clear()
    fast = [phones._parse_phone(t, r) for t, r in zip(texts, regions, strict=True)]
    monkeypatch.setattr(phones, "_nanp", lambda text, region: None)
    phones._parse_phone.cache_clear()
    slow = [phones._parse_phone(t, r) for t, r in zip(texts, regions, strict=True)]
    phones._parse_phone.cache_clear()
    assert fast == slow


def test_numbers_written_with_a_country_code_read_without_the_parser_as_with_it(monkeypatch):
    """Every country code, national numbers of 1 to 15 digits with and without a
    leading 0, in several layouts: the direct reading gives what phonenumbers gives."""
    import random

    import phonenumbers

    from unifyprofile.standardise import phones

    rng = random.Random(3)
    texts = []
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        for _ in range(12):
            n = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 15)))
            texts.append(rng.choice([f"+{code}{n}", f"+{code} {n[:3]} {n[3:]}",
                                     f"+{code} ({n[:2]}) {n[2:]}", f" +{code}-{n}",
                                     f"+{code} (0){n}", f"+{code}.{n[:4]}.{n[4:]}"]))
    phones._parse_phone.cache_clear()
    direct = [phones._parse_phone(t, "DE") for t in texts]
    assert sum(phones._international(t, phones._NON_DIGIT.sub("", t)) is not None
               for t in texts) > len(texts) // 2
    monkeypatch.setattr(phones, "_international", lambda text, digits: None)
    phones._parse_phone.cache_clear()
    parsed = [phones._parse_phone(t, "DE") for t in texts]
    phones._parse_phone.cache_clear()
    assert direct == parsed
    e164 = phonenumbers.PhoneNumberFormat.E164
    assert all(std == phonenumbers.format_number(phonenumbers.parse(t, "DE"), e164)
               for t, (std, flag) in zip(texts, parsed, strict=True) if flag is None)


def test_arrow_fast_path_equals_the_parser():
    """Numbers the vectorised path decides get exactly what the one-by-one parser gives."""

    import pyarrow as pa

    from unifyprofile.standardise import phones

    texts, regions = _numbers(11, extra=(
        "(234) 567-8901", "222-222-2222", "1 (987) 654-3210", " 212 555 0134 "))
    done, std, flag = phones._parse_fast(pa.array(texts), pa.array(regions, pa.string()))
    assert done.sum() > 1000
    for k in done.nonzero()[0]:
        assert (std[k].as_py(), flag[k].as_py()) == phones._parse_phone(
            texts[k].strip(), regions[k]), (texts[k], regions[k])


def test_a_number_its_region_cannot_read_still_matches_itself_and_its_international_form():
    from unifyprofile.compare import PhoneComparison

    raw = pd.Series(["606 123 456", "606-123-456", "+48 606 123 456", "607 123 456"])
    records = pd.DataFrame({"phone_std": standardise_phone(raw, "US")["std"]})
    levels = PhoneComparison().prepare(records).levels(np.zeros(3, dtype=np.int64),
                                                      np.arange(1, 4))
    assert levels.tolist() == [2, 1, 1]  # exact, the same last 8 digits, one digit off
