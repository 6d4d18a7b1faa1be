"""NumericComparison reads amounts as people type them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unifyprofile.compare import NumericComparison


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("$1,299.00", "1299", 3),       # exact
        ("EUR 12,50", "12.5", 3),       # decimal comma
        ("12 000", "12,000", 3),        # thousands separators
        ("$100.00", "£105", 1),         # within 10 %
        ("$100.00", "n/a", -1),         # not a number: null
    ],
)
def test_amount_levels(a, b, level):
    prepared = NumericComparison("price").prepare(pd.DataFrame({"price": [a, b]}))
    assert prepared.levels(np.array([0]), np.array([1])).tolist() == [level]


def test_dates_no_stage_standardised_are_read_however_written():
    from unifyprofile.compare import DateComparison

    records = pd.DataFrame({"posted": ["2023-10-02", "02/10/2023", "25/12/2023",
                                       "2023-10-03", "2 Oct 2023", "soon"]})
    comparison = DateComparison("posted", within_days=(7,))
    levels = comparison.prepare(records).levels(np.zeros(5, dtype=np.int64), np.arange(1, 6))
    names = [comparison.level_names[x] if x >= 0 else None for x in levels.tolist()]
    # Day first (a first part above 12 says so), a typo, the same day in words, no date.
    assert names == ["exact", "else", "typo", "exact", "else"]
