"""A national id with a check digit, as a field type in one module: Canada's social
insurance number (field ``sin``), nine digits of which the last is a Luhn check digit
(ISO/IEC 7812-1).  The stages pick it up from the registry; no other file names it.

A source maps a column onto ``sin``; the standardise stage strips its separators and
flags a number that is not nine digits or whose check digit fails ``"invalid"`` (a null
``sin_std``, so it is neither compared, blocked on nor kept in a golden profile); it is
compared exactly, blocked on alone, the most recent one survives, and its agreement
lifts an inferred config's first-name veto.

The field is not called ``national_id``: that name is free for a code of any country's
scheme (compared as codes, ``ExactMatch(codes=True)``), which a Luhn check would reject.

Examples:
    >>> standardise_sin(pd.Series(["046 454 286", "046-454-287", "N/A", None]))
             std         flag
    0  046454286         None
    1       None      invalid
    2       None  placeholder
    3       None         None
"""

from __future__ import annotations

import pandas as pd

from unifyprofile._fields import register
from unifyprofile.fields.builtin import identifier
from unifyprofile.golden import Survivorship
from unifyprofile.schema import INVALID
from unifyprofile.standardise import standardise_id

__all__ = ["SIN_DIGITS", "luhn_valid", "standardise_sin"]

#: Digits of a social insurance number, its check digit included.
SIN_DIGITS = 9


def luhn_valid(number: str) -> bool:
    """Whether ``number`` (ASCII digits, at least two) ends in its Luhn check digit.

    From the right, every second digit is doubled (less 9 when that exceeds 9); the sum
    of all digits is then a multiple of 10.

    Examples:
        >>> luhn_valid("79927398713"), luhn_valid("79927398710"), luhn_valid("7a")
        (True, False, False)
    """
    if len(number) < 2 or not (number.isascii() and number.isdigit()):
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = ord(char) - ord("0")
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def standardise_sin(values: pd.Series) -> pd.DataFrame:
    """Standardise social insurance numbers.

    Args:
        values: raw numbers, with or without spaces, dashes, dots or underscores.

    Returns:
        A frame with the index of ``values``: ``std`` (the nine digits, or None) and
        ``flag`` (None; ``"placeholder"`` for junk, as
        :func:`~unifyprofile.standardise.standardise_id` finds it; ``"invalid"`` for a
        value that is not nine digits or whose check digit fails).  The check runs once
        per distinct value.
    """
    frame = standardise_id(values)
    std = frame["std"]
    bad = [value for value in pd.unique(std.dropna())
           if len(value) != SIN_DIGITS or not luhn_valid(value)]
    if bad:
        hit = std.isin(bad).to_numpy()
        frame.loc[hit, "std"] = None
        frame.loc[hit, "flag"] = INVALID
    return frame


register(identifier("sin", standardise_sin, survivorship=Survivorship("most_recent"),
                    veto_unless=True))
