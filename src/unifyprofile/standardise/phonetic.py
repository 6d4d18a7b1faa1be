"""Phonetic keys over standardised ASCII names: Soundex, Metaphone and NYSIIS.

The codes are jellyfish's (MIT); this module only decides what they are given: the
letters of the value, so a multi-word value (``"van der berg"``) is coded as one word,
and a value without letters, or one whose code is empty, gives None.

The three group different spellings.  Soundex keeps the first letter and three digits,
so it forgives most typing errors after the first letter (``smith``/``smyht``) but never a
different first letter (``catherine`` C365, ``katherine`` K365).  Metaphone and NYSIIS
code how the name sounds from its first letter on (``catherine`` and ``katherine`` are
both ``K0RN`` in Metaphone, ``philip`` and ``filip`` both ``FLP``), and keep the whole
name, so a typing error more often changes their code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import jellyfish
import pandas as pd

from ._common import map_text

__all__ = ["PHONETIC_CODES", "metaphone", "nysiis", "soundex"]

_NON_LETTER = re.compile("[^a-z]+")


def _letters_only(code: Callable[[str], str]) -> Callable[[str], str | None]:
    def coded(text: str) -> str | None:
        letters = _NON_LETTER.sub("", text.lower())
        return (code(letters) or None) if letters else None

    return coded


#: The phonetic codes by name, each of one value (None where it has no letters); the
#: blocking-key transforms of the same names (``last_name:metaphone``) use them.
PHONETIC_CODES: dict[str, Callable[[str], str | None]] = {
    "soundex": _letters_only(jellyfish.soundex),
    "metaphone": _letters_only(jellyfish.metaphone),
    "nysiis": _letters_only(jellyfish.nysiis),
}


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
    return map_text(values, PHONETIC_CODES["soundex"])


def metaphone(values: pd.Series) -> pd.Series:
    """Metaphone code of each value: consonant sounds from the first letter on.

    Non-letters are ignored as in :func:`soundex`; values without letters (or whose
    code is empty, such as ``"w"``) give None.

    Args:
        values: standardised ASCII strings (e.g. ``last_name_std``).

    Returns:
        An object Series of codes of any length with the index of ``values``.

    Examples:
        >>> metaphone(pd.Series(["catherine", "katherine", "philip", "filip", None])).tolist()
        ['K0RN', 'K0RN', 'FLP', 'FLP', None]
    """
    return map_text(values, PHONETIC_CODES["metaphone"])


def nysiis(values: pd.Series) -> pd.Series:
    """NYSIIS code of each value (New York State Identification and Intelligence
    System), not cut to six letters.

    Non-letters are ignored as in :func:`soundex`; values without letters give None.

    Args:
        values: standardised ASCII strings (e.g. ``last_name_std``).

    Returns:
        An object Series of codes of any length with the index of ``values``.

    Examples:
        >>> nysiis(pd.Series(["catherine", "katherine", "philip", "filip", ""])).tolist()
        ['CATARAN', 'CATARAN', 'FALAP', 'FALAP', None]
    """
    return map_text(values, PHONETIC_CODES["nysiis"])
