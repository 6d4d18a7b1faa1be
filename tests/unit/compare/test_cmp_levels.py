"""Literal cases per comparison level, in Splink's style: two records, one expected level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unifyprofile.compare import (
    COMPARISON_TYPES,
    AddressComparison,
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    PhoneComparison,
    PostcodeComparison,
    StringComparison,
    comparison_from_config,
    default_comparisons,
)
from unifyprofile.errors import DataError


def level(comparison: Comparison, left: dict, right: dict) -> str:
    """Level name of comparing two records (``"null"`` for -1)."""
    records = pd.DataFrame([left, right])
    out = comparison.prepare(records).levels(np.array([0]), np.array([1]))
    assert out.dtype == np.int8
    return "null" if out[0] == -1 else comparison.level_names[out[0]]


FIRST = NameComparison("first_name", swap_with="last_name")


def person(first, last="smith", nick=None):
    return {"first_name_std": first, "first_name_nick": nick, "last_name_std": last}


NAME_CASES = [
    ("null left", person(None), person("robert"), "null"),
    ("null right", person("robert"), person(None), "null"),
    ("exact", person("robert"), person("robert"), "exact"),
    ("nickname", person("bob", nick="robert"), person("robert"), "nickname"),
    ("both nicknames", person("bob", nick="robert"), person("rob", nick="robert"), "nickname"),
    ("nickname of a typo", person("liz", nick="elizabeth"), person("elizabeht"), "jw>=0.80"),
    ("typo of a nickname's formal name", person("elizabeht"), person("liz", nick="elizabeth"),
     "jw>=0.80"),
    ("nickname of another name", person("liz", nick="elizabeth"), person("robert"), "else"),
    # A clipped form meets each formal name it may stand for, though its key holds one:
    # at the nickname level where it is otherwise "else", at its fuzzy level if alike.
    ("nickname's other formal name", person("tina"), person("christina"), "nickname"),
    ("pat and patricia", person("pat", nick="patrick"), person("patricia"), "jw>=0.80"),
    ("two formal names of one nickname", person("william", nick="william"),
     person("robert", nick="robert"), "else"),
    ("jw >= 0.92", person("martha"), person("marhta"), "jw>=0.92"),
    ("jw >= 0.80", person("marta"), person("marla"), "jw>=0.80"),
    ("else", person("alice"), person("zoe"), "else"),
    ("swapped", person("smith", "robert"), person("robert", "smith"), "swapped"),
    ("swap only one way", person("smith", "robert"), person("robert", "jones"), "else"),
    ("initial", person("j"), person("john"), "jw>=0.80"),
    ("initial other side", person("john"), person("j"), "jw>=0.80"),
    ("different initial", person("k"), person("john"), "else"),
]


@pytest.mark.parametrize(
    ("left", "right", "expected"), [c[1:] for c in NAME_CASES], ids=[c[0] for c in NAME_CASES]
)
def test_name_levels(left, right, expected):
    assert level(FIRST, left, right) == expected


def test_a_full_names_one_word_is_not_held_against_another_lone_name():
    """"Fox" (a full name of one word, flag "unplaced") may be the surname of "Mohammed"
    who has no surname: no evidence.  Two placed first names still disagree, and an
    unplaced word still disagrees with a full first and last name it matches neither."""
    def lone(first, unplaced):
        return {**person(first, None), "first_name_flag": "unplaced" if unplaced else None}

    assert level(FIRST, lone("fox", True), lone("mohammed", False)) == "null"
    assert level(FIRST, lone("mohammed", False), lone("fox", True)) == "null"
    assert level(FIRST, lone("fox", True), lone("fox", False)) == "exact"
    assert level(FIRST, lone("fox", False), lone("mohammed", False)) == "else"
    assert level(FIRST, lone("fox", True), {**person("mohammed", "khan"),
                                            "first_name_flag": None}) == "else"
    assert level(FIRST, lone("fox", True), {**person("mohammed", "fox"),
                                            "first_name_flag": None}) == "swapped"


def test_a_swapped_pair_is_swapped_on_the_surname_too():
    """The default surname comparison takes the first name as its swap: "Smith John"
    against "John Smith" is not a surname that disagrees."""
    first, last = default_comparisons(["first_name_std", "last_name_std"])
    assert last.swap_with == "first_name"
    assert level(last, person("smith", "john"), person("john", "smith")) == "swapped"
    assert level(last, person("anna", "john"), person("john", "smith")) == "else"
    assert level(first, person("smith", "john"), person("john", "smith")) == "swapped"


def test_name_levels_without_nick_column_or_swap():
    plain = NameComparison("last_name", nicknames=False)
    assert plain.level_names == ("else", "jw>=0.80", "jw>=0.92", "exact")
    rows = ({"last_name_std": "smith"}, {"last_name_std": "smyth"})
    assert level(plain, *rows) == "jw>=0.80"
    # nicknames asked for but no <field>_nick column: the level exists but never fires
    nick = NameComparison("first_name")
    assert level(nick, {"first_name_std": "bob"}, {"first_name_std": "robert"}) == "else"


def test_name_thresholds_order_and_labels():
    c = NameComparison("first_name", thresholds=(0.7, 0.95, 0.85), nicknames=False)
    assert c.thresholds == (0.95, 0.85, 0.7)
    assert c.level_names == ("else", "jw>=0.70", "jw>=0.85", "jw>=0.95", "exact")
    assert c.exact_level == 4


EMAIL = EmailComparison()
EMAIL_CASES = [
    ("null", None, "a@x.com", "null"),
    ("exact", "ann.lee@gmail.com", "ann.lee@gmail.com", "exact"),
    ("same local part, other domain", "ann.lee@gmail.com", "ann.lee@work.org", "else"),
    ("one letter off", "ann.lee@gmail.com", "ann.le@gmail.com", "fuzzy"),
    ("same name, other digits", "annlee78@gmail.com", "annlee68@gmail.com", "else"),
    # Two people of one name: their mailboxes differ by a separator, not by a typo.
    ("other separator", "ann_lee@web.de", "ann.lee@web.de", "else"),
    ("separator left out", "ann-lee@web.de", "annlee@web.de", "else"),
    ("different", "ann.lee@gmail.com", "bob@x.io", "else"),
]


@pytest.mark.parametrize(
    ("left", "right", "expected"), [c[1:] for c in EMAIL_CASES], ids=[c[0] for c in EMAIL_CASES]
)
def test_email_levels(left, right, expected):
    assert level(EMAIL, {"email_std": left}, {"email_std": right}) == expected


PHONE = PhoneComparison()
PHONE_CASES = [
    ("null", "+14155550134", None, "null"),
    ("exact", "+14155550134", "+14155550134", "exact"),
    ("missing country code", "+14155550134", "4155550134", "close"),
    ("other country code", "+14155550134", "+444155550134", "close"),
    ("one digit off", "+14155550134", "+14155550139", "close"),
    ("different", "+14155550134", "+14155559876", "else"),
    ("short numbers differ", "112", "999", "else"),
]


@pytest.mark.parametrize(
    ("left", "right", "expected"), [c[1:] for c in PHONE_CASES], ids=[c[0] for c in PHONE_CASES]
)
def test_phone_levels(left, right, expected):
    assert level(PHONE, {"phone_std": left}, {"phone_std": right}) == expected


DATE = DateComparison(within_days=(365, 30))
DATE_CASES = [
    ("null", "1990-03-04", None, "null"),
    ("exact", "1990-03-04", "1990-03-04", "exact"),
    ("day and month transposed", "1990-03-04", "1990-04-03", "typo"),
    ("one digit of the year", "1990-03-04", "1980-03-04", "typo"),
    ("adjacent digits swapped", "1990-03-14", "1990-03-41", "typo"),
    ("within 30 days", "1990-03-04", "1990-03-20", "within 30 days"),
    ("within 365 days", "1990-03-04", "1990-11-20", "within 365 days"),
    ("far apart", "1990-03-04", "1975-11-20", "else"),
    ("unparseable but one edit", "1990-02-30", "1990-02-31", "typo"),
]


@pytest.mark.parametrize(
    ("left", "right", "expected"), [c[1:] for c in DATE_CASES], ids=[c[0] for c in DATE_CASES]
)
def test_date_levels(left, right, expected):
    assert level(DATE, {"dob_std": left}, {"dob_std": right}) == expected


def test_date_level_names_largest_window_first():
    assert DATE.level_names == ("else", "within 365 days", "within 30 days", "typo", "exact")


def test_dates_measured_from_one_source_say_which_side_the_other_falls_on():
    # A payment 5 and 40 days after its invoice, one 8 days before it, one a year off.
    paid = DateComparison("day", within_days=(7, 90), first="bank")
    assert paid.level_names == ("else", "before, within 90 days", "after, within 90 days",
                                "before, within 7 days", "after, within 7 days", "exact")
    assert not paid.ordered and DATE.ordered
    records = pd.DataFrame({
        "day_std": ["2024-03-20", "2024-03-15", "2024-02-09", "2024-03-28", "2023-03-20",
                    "2024-03-20"],
        "source": ["bank", "ledger", "ledger", "ledger", "ledger", "ledger"]})
    prepared = paid.prepare(records)
    names = [paid.level_names[k] for k in prepared.levels(np.zeros(5, np.int64),
                                                          np.arange(1, 6))]
    assert names == ["before, within 7 days", "before, within 90 days",
                     "after, within 90 days", "else", "exact"]
    # Whichever record comes first in the pair.
    np.testing.assert_array_equal(prepared.levels(np.arange(1, 6), np.zeros(5, np.int64)),
                                  prepared.levels(np.zeros(5, np.int64), np.arange(1, 6)))
    assert comparison_from_config(paid.to_config()) == paid
    # Two records of one side have no order between them: either way round, the same.
    assert prepared.levels(np.array([1]), np.array([2])).tolist() \
        == prepared.levels(np.array([2]), np.array([1])).tolist()
    with pytest.raises(DataError, match="'source' column"):
        paid.prepare(records.drop(columns="source"))


ADDRESS = AddressComparison()
ADDRESS_CASES = [
    ("null", "12 main st", None, "null"),
    ("exact", "12 main st", "12 main st", "exact"),
    ("extra token", "12 main st", "12 main st apt", "ts>=0.90"),
    ("reordered", "main st 12", "12 main st", "ts>=0.90"),
    ("different house number", "12 main st", "14 main st", "ts>=0.70"),
    ("different house number, otherwise far", "12 main st", "14 oak avenue", "else"),
    ("one side without number", "12 main st", "main st", "ts>=0.90"),
    ("different street", "12 main st", "12 elm road", "else"),
]


@pytest.mark.parametrize(
    ("left", "right", "expected"), [c[1:] for c in ADDRESS_CASES], ids=[c[0] for c in ADDRESS_CASES]
)
def test_address_levels(left, right, expected):
    assert level(ADDRESS, {"address_std": left}, {"address_std": right}) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("sw1a 1aa", "sw1a 1aa", "exact"),
        ("sw1a 1aa", "sw1a 2bb", "prefix"),
        ("sw1a 1aa", "e1 6an", "else"),
        (None, "e1 6an", "null"),
    ],
)
def test_postcode_levels(left, right, expected):
    assert level(PostcodeComparison(), {"postcode_std": left}, {"postcode_std": right}) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("100", "100", "exact"),
        ("100", "100.0", "exact"),
        ("100", "100.5", "within 1%"),
        ("100", "108", "within 10%"),
        ("100", "150", "else"),
        ("100", "n/a", "null"),
        ("-100", "-109", "within 10%"),
        ("0", "0.0", "exact"),
    ],
)
def test_numeric_levels(left, right, expected):
    assert (
        level(NumericComparison("income"), {"income_std": left}, {"income_std": right}) == expected
    )


@pytest.mark.parametrize(
    ("metric", "left", "right", "expected"),
    [
        ("jaro_winkler", "acme corp", "acme corp.", "jw>=0.90"),
        ("levenshtein", "acme", "acne", "lev>=0.70"),
        ("token_set", "acme corp ltd", "acme corp", "ts>=0.90"),
        ("token_sort", "corp acme", "acme corp", "tsort>=0.90"),
        ("jaccard", "a b c", "a b d", "else"),
        ("jaccard", "a b c d", "a b c e", "else"),
        ("jaccard", "a b c d e f g h i", "a b c d e f g h i j", "jaccard>=0.90"),
        ("jaccard", "big blue", "blue big", "jaccard>=0.90"),
        ("jaccard", "a b c", "a b c d", "jaccard>=0.70"),
    ],
)
def test_string_levels(metric, left, right, expected):
    c = StringComparison("company", metric=metric)
    assert level(c, {"company_std": left}, {"company_std": right}) == expected


def test_exact_match_levels_and_raw_field_fallback():
    c = ExactMatch("customer_id")
    assert level(c, {"customer_id": "c1"}, {"customer_id": "c1"}) == "exact"
    assert level(c, {"customer_id": "c1"}, {"customer_id": "c2"}) == "else"
    assert level(c, {"customer_id": ""}, {"customer_id": "c2"}) == "null"
    # the standardised column wins over the raw one
    rows = (
        {"customer_id": "X", "customer_id_std": "c1"},
        {"customer_id": "Y", "customer_id_std": "c1"},
    )
    assert level(c, *rows) == "exact"


def test_value_codes_and_frequency_for_term_frequency():
    records = pd.DataFrame({"city_std": ["paris", "paris", "lyon", None]})
    p = ExactMatch("city", tf_adjust=True).prepare(records)
    assert p.value_codes.tolist() == [0, 0, 1, -1]
    np.testing.assert_allclose(p.value_frequency, [2 / 3, 2 / 3, 1 / 3, np.nan])


def test_pandas_string_dtype_with_na():
    records = pd.DataFrame(
        {
            "first_name_std": pd.array(["ann", pd.NA, "anne"], dtype="string"),
            "last_name_std": pd.array(["lee", "lee", pd.NA], dtype="string"),
        }
    )
    p = NameComparison("first_name", swap_with="last_name").prepare(records)
    assert p.levels(np.array([0, 0]), np.array([1, 2])).tolist() == [-1, 2]


# A column of near and exact duplicates per comparison type, for the property below.
_EXACT_SAMPLES = {
    "exact": ("city", ["paris", "Paris", "paris", "oslo", None, "par1s"]),
    "name": ("first_name", ["ann", "anne", "ann", "annie", "nan", None, "bob", "robert"]),
    "email": ("email", ["ann.lee@x.org", "ann.le@x.org", "ann.lee@x.org", "annlee@x.org",
                        "ann.lee@y.org", None]),
    "phone": ("phone", ["+14155550134", "4155550134", "+14155550134", "+14155550135",
                        "+442079460958", None]),
    "date": ("dob", ["1980-01-02", "1980-02-01", "1980-01-02", "1980-01-03", "1981-01-02",
                     None]),
    "address": ("address", ["12 main st", "12 main street", "12 main st", "21 main st",
                            "12 mian st", None]),
    "postcode": ("postcode", ["sw1a 1aa", "sw1a 1ab", "sw1a 1aa", "sw1a", "sw1a1aa", None]),
    "string": ("title", ["data matching", "data-matching", "data matching", "matching data",
                         None]),
    "numeric": ("amount", ["100", "100.0", "105", "99.5", "x", "100"]),
    "text": ("title", ["Sony TV KDL-40", "sony tv kdl-40", "Sony TV KDL-40", "TV Sony",
                       "Canon camera", None]),
    "reference": ("ref", ["RE 2024-0585", "2024/0585", "RECHN 0585", "RE 2023-3048",
                          "MIETE", None]),
}


@pytest.mark.parametrize("kind", sorted(COMPARISON_TYPES))
def test_the_exact_level_is_equal_value_codes_and_nothing_else(kind):
    """The model counts exact agreement from value codes (``agreement_counts``): a pair
    is at the exact level exactly when its two records hold the same value code."""
    field, values = _EXACT_SAMPLES[kind]
    comparison = COMPARISON_TYPES[kind](field)
    records = pd.DataFrame({f"{field}_std": values})
    prepared = comparison.prepare(records)
    i, j = np.triu_indices(len(values), k=1)
    levels = prepared.levels(i, j)
    codes = prepared.value_codes
    same = (codes[i] == codes[j]) & (codes[i] >= 0)
    np.testing.assert_array_equal(levels == comparison.exact_level, same)
    assert same.any() and (~same & (levels >= 0)).any()


def test_a_nickname_of_the_other_sex_stays_apart_where_sexes_are_told():
    """fred and winnifred are linked in the nicknames package; a comparison that tells
    sexes apart keeps them apart, one that does not lets them meet as a nickname."""
    a, b = person("fred"), person("winnifred")
    assert level(NameComparison("first_name", sexes=True), a, b) == "else"
    assert level(NameComparison("first_name"), a, b) == "nickname"
