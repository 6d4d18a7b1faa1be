"""Korean surnames in Hangul, spelled as their holders spell them in Latin script.

The Revised Romanisation (what :func:`~unifyprofile.standardise._common.transliterate`
gives, and every permissively licensed Korean romaniser) spells 김, 이 and 박 ``gim``,
``i`` and ``bak``; the people write Kim, Lee and Park.  The shipped table
``unifyprofile/data/korean_surnames.csv`` holds the usual spelling of about ninety
surnames (its header names the source); a Hangul surname in it takes that spelling, other
Hangul keeps the Revised Romanisation.
"""

from __future__ import annotations

import functools
import io
from importlib.resources import files

#: Hangul syllables (U+AC00 to U+D7A3).
HANGUL_SYLLABLES = "\uac00-\ud7a3"


@functools.cache
def _surnames() -> dict[str, str]:
    text = files("unifyprofile.data").joinpath("korean_surnames.csv").read_text(encoding="utf-8")
    rows = [line for line in io.StringIO(text) if line.strip() and not line.startswith("#")]
    header, *body = (line.rstrip("\n").split(",") for line in rows)
    hangul, latin = header.index("hangul"), header.index("latin")
    return {row[hangul]: row[latin] for row in body}


def surname_latin(word: str, *, compound: bool = True) -> str | None:
    """The usual Latin spelling of a Korean surname written in Hangul, or None.

    Args:
        word: one word in Hangul.
        compound: two-syllable surnames (남궁, 선우) count too; off where ``word`` may
            as well be a given name (선우 is both).

    Examples:
        >>> surname_latin("김"), surname_latin("이"), surname_latin("남궁"), surname_latin("민준")
        ('kim', 'lee', 'namgoong', None)
        >>> surname_latin("선우", compound=False) is None
        True
    """
    if len(word) > 2 or (len(word) == 2 and not compound):
        return None
    return _surnames().get(word)


@functools.cache
def compound_surnames() -> frozenset[str]:
    """The two-syllable surnames of the table (남궁, 선우, 제갈, ...).

    >>> "남궁" in compound_surnames(), "김" in compound_surnames()
    (True, False)
    """
    return frozenset(word for word in _surnames() if len(word) == 2)
