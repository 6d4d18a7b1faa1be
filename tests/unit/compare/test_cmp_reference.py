"""The vectorised kernels agree with a naive per-pair reference on a big random chunk."""

from __future__ import annotations

import re
import string
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, Indel, JaroWinkler, Levenshtein

from unifyprofile.compare import (
    AddressComparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    PhoneComparison,
    PostcodeComparison,
    StringComparison,
    compare,
)

N_RECORDS = 400
N_PAIRS = 20_000


def _top(level_names, *checks):
    """Highest level whose check holds (checks given as (level name, bool))."""
    best = 0
    for name, ok in checks:
        if ok:
            best = max(best, level_names.index(name))
    return best


def ref_name(c, a, b):
    if a["first_name_std"] is None or b["first_name_std"] is None:
        return -1
    x, y = a["first_name_std"], b["first_name_std"]
    if x == y:
        return c.exact_level
    nx = a["first_name_nick"] or x
    ny = b["first_name_nick"] or y
    jw = JaroWinkler.normalized_similarity(x, y)
    initial = (len(x) == 1 or len(y) == 1) and x[0] == y[0]
    def scrambles(p, q):
        return min(len(p), len(q)) >= 3 and max(
            Indel.normalized_similarity(p, q),
            Indel.normalized_similarity("".join(sorted(p)), "".join(sorted(q)))) >= 0.8

    scrambled = scrambles(x, y)

    def alike(p, q):
        return p is not None and q is not None and (
            p == q or JaroWinkler.normalized_similarity(p, q) >= 0.80 or scrambles(p, q)
            or ((len(p) == 1 or len(q) == 1) and p[0] == q[0]))

    la, lb = a["last_name_std"], b["last_name_std"]
    swapped = (alike(x, lb) and (alike(y, la) or la is None)) or (alike(y, la) and lb is None)
    return _top(
        c.level_names,
        ("nickname", nx == ny),
        ("swapped", swapped),
        ("jw>=0.80", jw >= 0.80 or initial or scrambled),
        ("jw>=0.92", jw >= 0.92),
    )


def ref_email(c, x, y):
    if x is None or y is None:
        return -1
    if x == y:
        return 2
    digits = [ch for ch in x if ch.isdigit()] == [ch for ch in y if ch.isdigit()]
    return int(digits and Levenshtein.distance(x, y) <= c.max_edits)


def ref_phone(c, x, y):
    if x is None or y is None:
        return -1
    if x == y:
        return 2
    dx, dy = re.sub(r"\D", "", x), re.sub(r"\D", "", y)
    last8 = len(dx) >= 8 and len(dy) >= 8 and dx[-8:] == dy[-8:]
    return int(last8 or Levenshtein.distance(dx, dy) <= 1)


def _iso(text):
    """A compact ``YYYYMMDD`` calendar date written ``YYYY-MM-DD`` (dates are read
    however written); anything else as it is."""
    try:
        return datetime.strptime(text, "%Y%m%d").strftime("%Y-%m-%d") \
            if len(text) == 8 and text.isdigit() else text
    except ValueError:
        return text


def ref_date(c, x, y):
    if x is None or y is None:
        return -1
    x, y = _iso(x), _iso(y)
    if x == y:
        return c.exact_level
    dx, dy = x.replace("-", ""), y.replace("-", "")
    try:
        a = datetime.strptime(x, "%Y-%m-%d")
        b = datetime.strptime(y, "%Y-%m-%d")
    except ValueError:
        a = b = None
    transposed = a is not None and (a.year, a.month, a.day) == (b.year, b.day, b.month)
    if transposed or DamerauLevenshtein.distance(dx, dy) <= 1:
        return c.exact_level - 1
    if a is None:
        return 0
    gap = abs((a - b).days)
    return sum(gap <= w for w in c.within_days)


def ref_address(c, x, y):
    if x is None or y is None:
        return -1
    if x == y:
        return c.exact_level
    score = fuzz.token_set_ratio(x, y) / 100
    out = sum(score >= t for t in c.thresholds)
    nx, ny = set(re.findall(r"\d+", x)), set(re.findall(r"\d+", y))
    if nx and ny and nx != ny:
        out = min(out, 1)
    return out


def ref_postcode(c, x, y):
    if x is None or y is None:
        return -1
    return 2 if x == y else int(x[: c.prefix] == y[: c.prefix])


def ref_jaccard(c, x, y):
    if x is None or y is None:
        return -1
    if x == y:
        return c.exact_level
    a, b = set(x.split()), set(y.split())
    return sum(len(a & b) / len(a | b) >= t for t in c.thresholds)


def ref_numeric(c, x, y):
    try:
        a, b = float(x), float(y)
    except (TypeError, ValueError):
        return -1
    if a == b:
        return c.exact_level
    gap = abs(a - b) / max(abs(a), abs(b))
    return sum(gap <= r for r in c.relative)


def ref_exact(c, x, y):
    if x is None or y is None:
        return -1
    return int(x == y)


def _records(rng: np.random.Generator) -> pd.DataFrame:
    def pick(pool, null=0.1):
        values = np.array(pool, dtype=object)[rng.integers(0, len(pool), N_RECORDS)]
        values[rng.random(N_RECORDS) < null] = None
        return values

    letters = list("abcdeor")
    names = ["".join(rng.choice(letters, rng.integers(1, 7))) for _ in range(60)]
    nick_of = {n: (names[0] if k % 7 == 0 else None) for k, n in enumerate(names)}
    first = pick(names)
    locals_ = ["".join(rng.choice(letters, 5)) for _ in range(15)]
    emails = [f"{loc}@{d}" for loc in locals_ for d in ("x.io", "y.com")]
    phones = [
        f"+{cc}415555{rng.integers(0, 10000):04d}" for cc in (1, 44, 1, 1) for _ in range(10)
    ] + ["4155550000", "12345"]
    days = pd.date_range("1990-01-01", periods=40, freq="37D").strftime("%Y-%m-%d").tolist()
    dates = days + ["1990-03-04", "1990-04-03", "1990-02-30", "1990-02-31", "19900101"]
    streets = ["main st", "main street", "elm rd", "oak avenue apt"]
    addresses = [f"{n} {s}" for n in (1, 12, 14) for s in streets] + streets
    digits = list(string.digits)
    return pd.DataFrame(
        {
            "first_name_std": first,
            "first_name_nick": np.array(
                [nick_of.get(f) if f else None for f in first], dtype=object
            ),
            "last_name_std": pick(names[:20] + names[::3]),
            "email_std": pick(emails),
            "phone_std": pick(phones),
            "dob_std": pick(dates),
            "address_std": pick(addresses),
            "postcode_std": pick(
                ["".join(rng.choice(digits, 5)) for _ in range(10)] + ["123", "12345", "12399"]
            ),
            "company_std": pick(["a b c", "a b", "b c d", "a b c d", "c"]),
            "income_std": pick(["100", "101", "105", "120", "100.0", "x", "-100", "0"]),
            "loyalty_id_std": pick(["L1", "L2", "L3"]),
        }
    )


CASES = [
    (NameComparison("first_name", swap_with="last_name"), ref_name, None),
    (EmailComparison(), ref_email, "email_std"),
    (PhoneComparison(), ref_phone, "phone_std"),
    (DateComparison(within_days=(30, 365, 3650)), ref_date, "dob_std"),
    (AddressComparison(), ref_address, "address_std"),
    (PostcodeComparison(prefix=3), ref_postcode, "postcode_std"),
    (
        StringComparison("company", metric="jaccard", thresholds=(0.5, 0.7)),
        ref_jaccard,
        "company_std",
    ),
    (NumericComparison("income"), ref_numeric, "income_std"),
    (ExactMatch("loyalty_id"), ref_exact, "loyalty_id_std"),
]


@pytest.mark.parametrize(
    ("comparison", "reference", "column"), CASES, ids=[type(c[0]).__name__ for c in CASES]
)
def test_levels_equal_naive_reference(comparison, reference, column):
    rng = np.random.default_rng(7)
    records = _records(rng)
    i = rng.integers(0, N_RECORDS, N_PAIRS)
    j = rng.integers(0, N_RECORDS, N_PAIRS)
    i, j = np.minimum(i, j), np.maximum(i, j)
    got = comparison.prepare(records).levels(i, j)
    rows = records.to_dict("records")
    if column is None:
        expected = [reference(comparison, rows[a], rows[b]) for a, b in zip(i, j, strict=True)]
    else:
        expected = [
            reference(comparison, rows[a][column], rows[b][column])
            for a, b in zip(i, j, strict=True)
        ]
    assert got.tolist() == expected
    # every level the spec names is reachable in this data, except where noted
    seen = set(got.tolist())
    assert -1 in seen and 0 in seen and comparison.exact_level in seen


@pytest.mark.parametrize("metric", ["jaro_winkler", "levenshtein", "token_set", "token_sort"])
def test_string_metrics_equal_reference(metric):
    scorer = {
        "jaro_winkler": JaroWinkler.normalized_similarity,
        "levenshtein": Levenshtein.normalized_similarity,
        "token_set": lambda a, b: fuzz.token_set_ratio(a, b) / 100,
        "token_sort": lambda a, b: fuzz.token_sort_ratio(a, b) / 100,
    }[metric]
    rng = np.random.default_rng(3)
    words = ["acme", "acne", "corp", "ltd", "co", "acme corp", "corp acme", "acmes"]
    values = [" ".join(rng.choice(words, rng.integers(1, 4))) for _ in range(300)]
    records = pd.DataFrame({"company_std": values})
    c = StringComparison("company", metric=metric, thresholds=(0.95, 0.8, 0.6))
    i = rng.integers(0, 300, 5000)
    j = rng.integers(0, 300, 5000)
    got = compare(records, i, j, [c])["company"].tolist()
    expected = [
        c.exact_level
        if values[a] == values[b]
        else sum(scorer(values[a], values[b]) >= t for t in c.thresholds)
        for a, b in zip(i, j, strict=True)
    ]
    assert got == expected
