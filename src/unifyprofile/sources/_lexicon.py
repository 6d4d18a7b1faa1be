"""Given names and surnames of many languages, for telling what a column of words holds.

Role inference asks "is this column first names, surnames, cities or something else?"
of columns whose header says nothing (``col_3``, ``vn``, ``fname_c1``).  The share of a
column's values that are known given names or known surnames answers it: a column of
first names hits the given-name list far more often than the surname list, a column of
surnames the other way round, and towns, products or titles hit neither much.

The lists come from Faker's person providers (MIT licence; about 80 locales, Latin,
Cyrillic, Greek, Arabic, Hanzi, Hangul and Kana scripts), ASCII-folded and lower-cased;
Hanzi names are added in pinyin too.  They are loaded once, on first use, and only by
zero-config inference.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import unicodedata
from collections.abc import Iterable

__all__ = ["Lexicon", "fold", "lexicon"]


def fold(text: str) -> str:
    """ASCII-folded, lower-cased ``text`` (``"Jürgen"`` -> ``"jurgen"``).

    >>> fold("JÜRGEN"), fold("García")
    ('jurgen', 'garcia')
    """
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class Lexicon:
    """Known given names and surnames, folded (see :func:`fold`)."""

    def __init__(self, given: Iterable[str], surnames: Iterable[str]) -> None:
        # Single letters and two-letter words ("de", "la", "us") say nothing.
        self.given = frozenset(g for g in given if len(g) >= 3 and g.isalpha())
        self.surnames = frozenset(s for s in surnames if len(s) >= 2 and s.isalpha())

    def __repr__(self) -> str:
        return f"<Lexicon {len(self.given)} given names, {len(self.surnames)} surnames>"


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        value = value.keys()
    if isinstance(value, (list, tuple, set, frozenset, type({}.keys()))):
        return (v for v in value if isinstance(v, str))
    return ()


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, built once from Faker's person providers.

    >>> words = lexicon()
    >>> "jurgen" in words.given, "muller" in words.surnames, "zhang" in words.surnames
    (True, True, True)
    """
    import faker.providers.person as people
    from pypinyin import lazy_pinyin

    given: set[str] = set()
    surnames: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = importlib.import_module(f"{people.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            into = (given if "first_name" in attribute else
                    surnames if "last_name" in attribute else None)
            if into is None or attribute.startswith("_"):
                continue
            for name in _strings(getattr(provider, attribute, None)):
                into.add(fold(name).replace(" ", "").replace("-", ""))
                if any("\u4e00" <= ch <= "\u9fff" for ch in name):
                    into.add("".join(lazy_pinyin(name)))
    return Lexicon(given, surnames)
