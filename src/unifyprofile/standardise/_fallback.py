"""Dates in other languages, read by ``dateparser`` where the built-in parser gives up.

The built-in parser of :mod:`.dates` knows English month names only.  The date part of a
value it rejects (a time and its offset are read by :mod:`.dates` itself) goes on here
when it may be a whole date in another language: at most :data:`MAX_LENGTH` characters,
two to four numbers (a day and a year; a month too in CJK writing), no letters between
two digits (``3b9``) outside CJK writing, a month name of one
of :data:`LANGUAGES` (``märz``, ``marzo``, ``марта``, ``月``) and no word a date of
theirs does not hold (weekdays, ``de``, ``le``, ``г.``, ``年`` and the like).  Most junk
is rejected by the first test, before dateparser is imported, and the rest by the
second, before dateparser runs; a column that the built-in parser reads whole never
imports dateparser at all.

dateparser is held to whole, absolute dates: no relative dates (``"yesterday"``, ``"in 2
days"``), no day, month or year taken from today (``REQUIRE_PARTS``), a fixed relative
base and time zone, and a fixed language order, so that a value reads the same on every
run and in every batch.  What it finds is also checked against the text: the day and
the year must be numbers written in it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import unicodedata
from typing import Any, NamedTuple

__all__ = ["LANGUAGES", "MAX_LENGTH", "ForeignDate", "foreign_date"]

#: Languages dateparser tries, in this order (the first that reads a value wins).
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl",
             "cs", "ro", "hu", "tr", "el", "ru", "uk", "ja", "zh", "ko")
#: Longer values are not dates (a sentence, a note) and are not tried.
MAX_LENGTH = 48

_NUMBERS = re.compile(r"\d+")
_WORDS = re.compile(r"[^\W\d_]+")
#: Letters between two digits (``3b9``, a code, not a date), other than CJK and Hangul
#: writing, whose dates glue units to numbers (``3月12日``, ``3월12일``).
_GLUED = re.compile(r"\d[^\W\d_\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+\d")
#: dateparser's parsers are shared; it does not say they may be used from two threads at
#: once (the service resolves records in several).
_LOCK = threading.Lock()
_SETTINGS: dict[str, Any] = {
    # A value without a day, a month or a year is no whole date: never filled from today.
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_LOCALE_DATE_ORDER": False,
    # Absolute dates only ("yesterday", "in 2 days" stay unread); epochs are read before.
    "PARSERS": ["absolute-time"],
    # Nothing depends on where or when this runs.
    "RELATIVE_BASE": dt.datetime(2000, 1, 1),
    "TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


class ForeignDate(NamedTuple):
    """A date as written: ``year`` is the text of the year (``"85"`` or ``"1985"``), so
    that the caller applies its own two-digit-year pivot."""

    year: str
    month: int
    day: int


def _could_be_date(text: str) -> bool:
    """The cheap test every value takes first: its shape, without dateparser."""
    if len(text) > MAX_LENGTH or _GLUED.search(text) or not _WORDS.search(text):
        return False
    return 2 <= len(_NUMBERS.findall(text)) <= 4


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
#: The other words a date may hold: weekdays, filler (``de``, ``le``, ``um``), units
#: (``г.``, ``年``, ``日``) and am/pm; no relative words (``ago``, ``in``).
_DATE_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
               "sunday", "skip", "pertain", "year", "month", "day", "am", "pm")


def _words(text: str) -> list[str]:
    """The words of ``text``, lower case and without accents (as dateparser compares them:
    ``marco`` is ``março``)."""
    text = text.lower()
    if not text.isascii():
        folded = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORDS.findall(text)


class _Language(NamedTuple):
    name: str
    months: frozenset[str]
    words: frozenset[str]


@functools.cache
def _vocabulary() -> tuple[_Language, tuple[_Language, ...]]:
    """All of :data:`LANGUAGES` together, and each: its month names and every word a date
    of it may hold, as :func:`_words` splits them (``marz``, ``mrz``; ``月`` of ``3月``)."""
    from dateparser.languages.loader import LocaleDataLoader

    out = []
    for locale in LocaleDataLoader().get_locales(languages=list(LANGUAGES),
                                                 allow_conflicting_locales=True):
        info = locale.info
        months = {w for key in _MONTHS for name in info.get(key, ()) for w in _words(name)}
        words = {w for key in _DATE_WORDS for name in info.get(key, ()) for w in _words(name)}
        out.append(_Language(locale.shortname, frozenset(months), frozenset(months | words)))
    every = _Language("", frozenset().union(*(lang.months for lang in out)),
                      frozenset().union(*(lang.words for lang in out)))
    return every, tuple(out)


def _languages(text: str) -> tuple[str, ...]:
    """The languages in which ``text`` names a month and holds no word a date does not
    hold: dateparser tries only those (each language it tries costs about a millisecond on
    a value it rejects)."""
    words = set(_words(text))
    every, each = _vocabulary()
    if every.months.isdisjoint(words) or not every.words.issuperset(words):
        return ()
    return tuple(lang.name for lang in each
                 if not lang.months.isdisjoint(words) and lang.words.issuperset(words))


@functools.lru_cache(maxsize=256)
def _parser(languages: tuple[str, ...], dayfirst: bool) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(languages), use_given_order=True,
                          try_previous_locales=False,
                          settings={**_SETTINGS, "DATE_ORDER": "DMY" if dayfirst else "MDY"})


def foreign_date(text: str, dayfirst: bool) -> ForeignDate | None:
    """The whole date of ``text`` written in another language, or None.

    What dateparser reads is kept (the last 65,536 values it was given), so a value seen
    again, in this column or in a later batch, costs a look-up; what the tests before it
    reject is not kept (junk would crowd the dates out).

    Examples:
        >>> foreign_date("12 de marzo de 1985", dayfirst=False)
        ForeignDate(year='1985', month=3, day=12)
        >>> foreign_date("yesterday", dayfirst=False) is None
        True
    """
    languages = _languages(text) if _could_be_date(text) else ()
    return _read(text, languages, bool(dayfirst)) if languages else None


@functools.lru_cache(maxsize=1 << 16)
def _read(text: str, languages: tuple[str, ...], dayfirst: bool) -> ForeignDate | None:
    """What dateparser reads in ``text`` in one of ``languages``, checked against it."""
    try:
        with _LOCK:
            found = _parser(languages, dayfirst).get_date_data(text).date_obj
    except Exception:  # noqa: BLE001 - a third-party parser on any text: unread is the answer
        return None
    if found is None:
        return None
    numbers = {n.lstrip("0") or "0" for n in _NUMBERS.findall(text)}
    # The day and the year come from the text, never from today.
    if str(found.day) not in numbers:
        return None
    if str(found.year) in numbers:
        year = str(found.year)
    elif f"{found.year % 100:02d}" in _NUMBERS.findall(text):
        year = f"{found.year % 100:02d}"
    else:
        return None
    return ForeignDate(year, found.month, found.day)
