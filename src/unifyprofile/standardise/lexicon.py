"""Given names and surnames of many languages, with the sex of given names.

Two questions use them.  Role inference asks "is this column first names, surnames,
cities or something else?" of columns whose header says nothing (``col_3``, ``vn``,
``fname_c1``): a column of first names hits the given-name list far more often than the
surname list, a column of surnames the other way round, and towns, products or titles
hit neither much.  Name comparison asks whether two similar spellings are one name with
a typo or two names: ``michael`` and ``michelle``, ``mario`` and ``maria`` are a brother
and a sister, not a typo.

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

__all__ = ["Lexicon", "fold", "lexicon", "name_sex"]


def fold(text: str) -> str:
    """ASCII-folded, lower-cased ``text`` (``"Jürgen"`` -> ``"jurgen"``).

    >>> fold("JÜRGEN"), fold("García")
    ('jurgen', 'garcia')
    """
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class Lexicon:
    """Known given names and surnames, folded (see :func:`fold`).

    Attributes:
        given: given names.
        surnames: surnames.
        male: given names that only men carry (in every locale that lists them).
        female: given names that only women carry.
    """

    def __init__(self, given: Iterable[str], surnames: Iterable[str],
                 male: Iterable[str] = (), female: Iterable[str] = ()) -> None:
        # Single letters and two-letter words ("de", "la", "us") say nothing.
        self.given = frozenset(g for g in given if len(g) >= 3 and g.isalpha())
        self.surnames = frozenset(s for s in surnames if len(s) >= 2 and s.isalpha())
        men, women = set(male), set(female)
        self.male = frozenset(men - women)
        self.female = frozenset(women - men)

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
    male: set[str] = set()
    female: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = importlib.import_module(f"{people.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            into = (given if "first_name" in attribute else
                    surnames if "last_name" in attribute else None)
            if into is None or attribute.startswith("_"):
                continue
            sex = (female if "female" in attribute else male if "male" in attribute
                   else None) if into is given else None
            for name in _strings(getattr(provider, attribute, None)):
                forms = [fold(name).replace(" ", "").replace("-", "")]
                if any("\u4e00" <= ch <= "\u9fff" for ch in name):
                    forms.append("".join(lazy_pinyin(name)))
                into.update(forms)
                if sex is not None:
                    sex.update(forms)
    return Lexicon(given, surnames, male, female)


def name_sex(names: Iterable[str]) -> list[str | None]:
    """``"m"`` or ``"f"`` for a given name only men or only women carry, else None.

    >>> name_sex(["michael", "michelle", "ANDREA", "zzq"])
    ['m', 'f', None, None]
    """
    words = lexicon()
    out: list[str | None] = []
    for name in names:
        key = fold(str(name))
        out.append("m" if key in words.male else "f" if key in words.female else None)
    return out
