"""Phonetic keys: American Soundex over standardised ASCII names."""

from __future__ import annotations

import re

import pandas as pd

from ._common import map_text

__all__ = ["soundex", "soundex_code"]

_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
    **dict.fromkeys("aeiouy", ""),  # vowels separate equal codes
    **dict.fromkeys("hw", None),  # h and w do not
}
_NON_LETTER = re.compile("[^a-z]+")


def soundex_code(text: str) -> str | None:
    """The Soundex code of one value (see :func:`soundex`).

    >>> soundex_code("tymczak")
    'T522'
    """
    letters = _NON_LETTER.sub("", text.lower())
    if not letters:
        return None
    key = letters[0].upper()
    previous = _CODES[letters[0]]
    for letter in letters[1:]:
        code = _CODES[letter]
        if code is None:
            continue
        if code and code != previous:
            key += code
            if len(key) == 4:
                break
        previous = code
    return key.ljust(4, "0")


def soundex(values: pd.Series) -> pd.Series:
    """American Soundex code (letter and three digits) of each value.

    Non-letters, spaces included, are ignored, so a multi-word value is coded as one
    word.  Values without letters give None.

    Args:
        values: standardised ASCII strings (e.g. ``last_name_std``).

    Returns:
        An object Series of 4-character codes with the index of ``values``.

    Examples:
        >>> soundex(pd.Series(["robert", "rupert", "ashcraft", "tymczak", "", None])).tolist()
        ['R163', 'R163', 'A261', 'T522', None, None]
    """
    return map_text(values, soundex_code)
