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
