"""Numbers as people type them: amounts, counts and years in free formatting.

Read by numeric comparisons and by the ``number`` blocking transform, so both see one
value for ``"$1,299.00"``, ``"1299"`` and ``"EUR 1.299,00"``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["parse_numbers"]

_AMOUNT_NOISE = re.compile(r"[^\d.,\-]|(?<!\d)[.,]|[.,](?!\d)")
_THOUSANDS = re.compile(r",(?=\d{3}(?:\D|$))")


def _amount_text(text: str) -> str:
    """``"$1,299.00"`` -> ``"1299.00"``, ``"EUR 12,50"`` -> ``"12.50"``,
    ``"1.354,57"`` -> ``"1354.57"``: where both a point and a comma are written, the last
    of them is the decimal separator and the other separates thousands."""
    kept = _AMOUNT_NOISE.sub("", text)
    if "," in kept and "." in kept:
        decimal = "," if kept.rfind(",") > kept.rfind(".") else "."
        return kept.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    if kept.count(".") > 1:  # 1.234.567
        return kept.replace(".", "")
    kept = _THOUSANDS.sub("", kept)
    return kept.replace(",", ".") if kept.count(",") == 1 else kept


def parse_numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    """The number each value holds, NaN where none.

    Currency signs, letters, spaces, brackets and thousands separators are dropped
    before parsing; a lone comma with no point is a decimal comma.

    Examples:
        >>> parse_numbers(pd.Series(["$1,299.00", "EUR 12,50", "(1990).", "12", "x", None]))
        array([1299. ,   12.5, 1990. ,   12. ,    nan,    nan])
        >>> parse_numbers(pd.Series(["1.354,57", "-1.234.567,8", "1,234,567.25", "1.234.567"]))
        array([    1354.57, -1234567.8 ,  1234567.25,  1234567.  ])
    """
    series = pd.Series(values, dtype=object)
    parsed = pd.to_numeric(series, errors="coerce")
    # Numbers always parse, so what is left unparsed is text worth cleaning.
    retry = parsed.isna().to_numpy() & series.notna().to_numpy()
    if retry.any():
        cleaned = series[retry].astype(str).map(_amount_text)
        parsed[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy()
    numbers = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers
