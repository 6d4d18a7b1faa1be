"""Dates of birth and record timestamps.

One small hand-written parser covers the formats exports use (ISO with or without a
time, ``YYYYMMDD``, ``YYYY/MM/DD``, ``YYYY MM DD`` (a date joined from year, month and
day columns), ``DD/MM/YYYY`` or ``MM/DD/YYYY``, ``DD.MM.YYYY``,
English month names, two-digit years) and runs once per distinct value.  Numeric
day-month order follows ``dayfirst`` unless one part is above 12; dotted dates are always
day first.  Two-digit years above ``year_pivot`` (by default this year's two digits) are
19xx, the others 20xx.

What that parser rejects and could be a date in another language (a month name and at
least two numbers: ``12 März 1985``, ``1985年3月12日``) goes to ``dateparser``, imported
only then (see :mod:`._fallback`).  It reads whole dates only: no relative dates, no day
or month taken from today.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from unifyprofile.errors import ConfigError

from ._common import (
    INVALID,
    PLACEHOLDER,
    StdFlag,
    align_param,
    check_series,
    distinct_with,
    std_flag_frame,
    text_func_with,
    to_text,
)
from ._fallback import foreign_date

__all__ = ["check_year_pivot", "parse_dates", "standardise_date", "standardise_timestamp"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = frozenset(
    {
        "mon",
        "monday",
        "tue",
        "tues",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thur",
        "thurs",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
    }
)
_PLACEHOLDER_WORDS = frozenset({"n/a", "na", "none", "null", "nil", "unknown", "tbd", "-"})
_PLACEHOLDER_DATES = frozenset({(1900, 1, 1), (1, 1, 1), (9999, 12, 31), (0, 0, 0)})
_MIN_YEAR = 1900

_TIME_TAIL = re.compile(
    r"(?:t|\s+|(?<=\d)t)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(am|pm)?\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$"
)
_COMPACT_TIME = re.compile(r"(\d{8})t(\d{2})(\d{2})(\d{2})?(z)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YMD = re.compile(r"(\d{4})([/. ])(\d{1,2})\2(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.\- ])(\d{1,2})\2(\d{2}|\d{4})")
_TEXT_SEPARATORS = re.compile(r"[\s,./\-]+")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_EPOCH = re.compile(r"\d{10}|\d{13}")


class _Parsed(NamedTuple):
    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    nanosecond: int = 0
    offset_minutes: int = 0


def default_year_pivot() -> int:
    """The two-digit-year pivot when none is set: this year's last two digits."""
    return dt.date.today().year % 100


def check_year_pivot(pivot: Any) -> str | None:
    """What is wrong with a ``year_pivot`` setting (an integer 0-99 or None), or None.

    Examples:
        >>> check_year_pivot(30) is None
        True
        >>> print(check_year_pivot(1950))
        year_pivot must be an integer from 0 to 99 (got 1950); two-digit years above it \
are read as 19xx, the others as 20xx (e.g. 30 reads '45' as 1945 and '25' as 2025); leave \
it out for this year's two digits
    """
    if pivot is None or (isinstance(pivot, (int, np.integer)) and not isinstance(
            pivot, (bool, np.bool_)) and 0 <= pivot <= 99):
        return None
    return (f"year_pivot must be an integer from 0 to 99 (got {pivot!r}); two-digit years "
            "above it are read as 19xx, the others as 20xx (e.g. 30 reads '45' as 1945 "
            "and '25' as 2025); leave it out for this year's two digits")


def require_year_pivot(year_pivot: Any) -> None:
    """Raise :class:`ConfigError` unless ``year_pivot`` (one value, or a Series of them
    with nulls, whose whole numbers may be floats: a map with None gives those) is a
    valid setting."""
    pivots = [year_pivot]
    if isinstance(year_pivot, pd.Series):
        pivots = [int(p) if isinstance(p, (float, np.floating)) and float(p).is_integer()
                  else p for p in pd.unique(year_pivot.dropna())]
    problems = list(dict.fromkeys(p for p in map(check_year_pivot, pivots) if p))
    if problems:
        raise ConfigError(problems)


def _full_year(year: str, pivot: int) -> int:
    if len(year) != 2:
        return int(year)
    yy = int(year)
    return 1900 + yy if yy > pivot else 2000 + yy


def _numeric_date(first: int, second: int, year: int, dayfirst: bool) -> tuple[int, int, int]:
    if first > 12 >= second:
        dayfirst = True
    elif second > 12 >= first:
        dayfirst = False
    return (year, second, first) if dayfirst else (year, first, second)


def _textual_date(text: str, pivot: int) -> tuple[int, int, int] | None:
    month: int | None = None
    numbers: list[str] = []
    for token in _TEXT_SEPARATORS.split(text):
        if not token or token in _WEEKDAYS:
            continue
        if token in _MONTHS and month is None:
            month = _MONTHS[token]
            continue
        ordinal = _ORDINAL.match(token)
        if ordinal:
            numbers.append(ordinal.group(1))
        elif token.isdigit() and len(token) in (1, 2, 4):
            numbers.append(token)
        else:
            return None
    if month is None or len(numbers) != 2:
        return None
    if len(numbers[0]) == 4 and len(numbers[1]) <= 2:
        year, day = numbers
    elif len(numbers[0]) <= 2:
        day, year = numbers
    else:
        return None
    return _full_year(year, pivot), month, int(day)


def _date_part(text: str, dayfirst: bool, pivot: int) -> tuple[int, int, int] | None:
    for pattern in (_ISO, _COMPACT):
        match = pattern.fullmatch(text)
        if match:
            year, month, day = match.groups()
            return int(year), int(month), int(day)
    match = _YMD.fullmatch(text)
    if match:
        return int(match.group(1)), int(match.group(3)), int(match.group(4))
    match = _NUMERIC.fullmatch(text)
    if match:
        first, sep, second, year = match.groups()
        return _numeric_date(int(first), int(second), _full_year(year, pivot),
                             dayfirst or sep == ".")
    return _textual_date(text, pivot)


def _any_date(text: str, dayfirst: bool, pivot: int) -> tuple[int, int, int] | None:
    """The date of ``text`` (lower case, without a time): by the fast parser, else by the
    fallback for other languages, which sees only what the fast parser rejects."""
    date = _date_part(text, dayfirst, pivot)
    if date is not None:
        return date
    found = foreign_date(text, dayfirst)
    return None if found is None else (_full_year(found.year, pivot), found.month, found.day)


def _offset(zone: str | None) -> int:
    if not zone or zone in ("z", "utc", "gmt"):
        return 0
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return -minutes if zone[0] == "-" else minutes


def _parse(text: str, dayfirst: bool, pivot: int) -> _Parsed | None:
    text = text.strip().lower()
    compact = _COMPACT_TIME.fullmatch(text)
    if compact:
        day, hh, mm, ss, _ = compact.groups()
        date = _date_part(day, dayfirst, pivot)
        return None if date is None else _Parsed(*date, int(hh), int(mm), int(ss or 0))
    tail = _TIME_TAIL.search(text)
    if tail is None:
        date = _any_date(text, dayfirst, pivot)
        return None if date is None else _Parsed(*date)
    date = _any_date(text[: tail.start()].strip(), dayfirst, pivot)
    if date is None:
        return None
    hh, mm, ss, fraction, ampm, zone = tail.groups()
    hour = int(hh)
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    nanos = int((fraction or "0").ljust(9, "0"))
    return _Parsed(*date, hour, int(mm), int(ss or 0), nanos, _offset(zone))


# A reading's settings travel as one int per row, ``2 * pivot + dayfirst``, so that the
# distinct (value, settings) pairs are found by one vectorised factorisation.
def _reading_code(dayfirst: Any, pivot: Any) -> Any:
    """The code of one reading, or of every row's (arrays of flags and pivots)."""
    return 2 * np.asarray(pivot, dtype=np.int64) + np.asarray(dayfirst, dtype=np.int64)


#: ``(dayfirst, pivot)`` by reading code: decoded once per distinct value, by a look-up.
_READINGS = tuple((bool(code & 1), code >> 1) for code in range(200))


def _readings(values: pd.Series, dayfirst: bool | pd.Series,
              year_pivot: int | None | pd.Series) -> int | pd.Series:
    """The reading code of every row (one int where both settings are scalars); a null
    ``dayfirst`` is False, a null ``year_pivot`` this year's two digits."""
    default = default_year_pivot()
    per_row_dayfirst = align_param(dayfirst, values, "dayfirst")
    per_row_pivot = align_param(year_pivot, values, "year_pivot")
    require_year_pivot(year_pivot)
    if per_row_dayfirst is None and per_row_pivot is None:
        flag = bool(dayfirst) if isinstance(dayfirst, (bool, np.bool_)) else False
        return int(_reading_code(flag, default if year_pivot is None else year_pivot))
    if per_row_dayfirst is None:
        first = np.full(len(values), dayfirst is True or dayfirst is np.True_)
    elif pd.api.types.is_bool_dtype(per_row_dayfirst.dtype):
        first = per_row_dayfirst.to_numpy(dtype=bool, na_value=False)
    else:  # only a true boolean reads day first, as with a scalar
        first = np.fromiter((v is True or v is np.True_ for v in per_row_dayfirst.tolist()),
                            dtype=bool, count=len(per_row_dayfirst))
    if per_row_pivot is None:
        pivot = np.full(len(values), default if year_pivot is None else year_pivot)
    else:
        given = pd.to_numeric(per_row_pivot).to_numpy(dtype=float, na_value=np.nan)
        pivot = np.where(np.isnan(given), default, given)
    return pd.Series(_reading_code(first, pivot), index=values.index)


def _parse_date(text: str, code: Any) -> StdFlag:
    if text.lower() in _PLACEHOLDER_WORDS:
        return None, PLACEHOLDER
    parsed = _parse(text, *_READINGS[code])
    if parsed is None:
        return None, INVALID
    if parsed[:3] in _PLACEHOLDER_DATES:
        return None, PLACEHOLDER
    try:
        date = dt.date(parsed.year, parsed.month, parsed.day)
    except ValueError:
        return None, INVALID
    if date.year < _MIN_YEAR or date > dt.date.today():
        return None, INVALID
    return date.isoformat(), None


def standardise_date(values: pd.Series, dayfirst: bool | pd.Series = False,
                     year_pivot: int | None | pd.Series = None) -> pd.DataFrame:
    """Standardise dates (of birth) to ``YYYY-MM-DD``.

    Args:
        values: raw dates: strings in the common formats, ``datetime``/``date``
            objects or Timestamps; a time part, if any, is ignored.  Dates with a month
            name in another language (``12 März 1985``, ``12 de marzo de 1985``,
            ``1985年3月12日``) are read by ``dateparser``, which only sees the values
            the built-in parser rejects.
        dayfirst: read ambiguous numeric dates such as ``03/04/1985`` day first; one
            flag or a boolean Series with the index of ``values`` (e.g. per source).
            A part above 12 settles the order whatever this says; ``DD.MM.YYYY`` is
            always day first.
        year_pivot: two-digit years above it are 19xx, the others 20xx (0 to 99); one
            value or a Series with the index of ``values``.  None (or a null in the
            Series): this year's two digits.

    Returns:
        A frame with the index of ``values``: ``std`` (``"YYYY-MM-DD"`` or None) and
        ``flag``: ``"invalid"`` for what cannot be parsed or cannot be a date of birth
        (30 February, month 13, before 1900, in the future, no day or no year, a
        relative date such as ``"yesterday"``), ``"placeholder"`` for ``1900-01-01``,
        ``0001-01-01``, ``9999-12-31`` and ``"n/a"``-like text.

    Raises:
        DataError: ``dayfirst`` or ``year_pivot`` is a Series whose index differs from
            that of ``values``.
        ConfigError: ``year_pivot`` is not an integer from 0 to 99.

    Examples:
        >>> raw = pd.Series(["03/04/1985", "03/04/1985", "March 12, 1985", "1985-02-30"])
        >>> standardise_date(raw, dayfirst=pd.Series([False, True, False, False]))
                  std     flag
        0  1985-03-04     None
        1  1985-04-03     None
        2  1985-03-12     None
        3        None  invalid
        >>> standardise_date(pd.Series(["01/02/20", "12 mars 1985"]), year_pivot=10)
                  std  flag
        0  1920-01-02  None
        1  1985-03-12  None
    """
    values = check_series(values)
    readings = _readings(values, dayfirst, year_pivot)
    parsed = distinct_with(values, readings, text_func_with(_parse_date), name="dayfirst",
                           default=None)
    return std_flag_frame(parsed, values)


def parse_dates(values: pd.Series | np.ndarray, year_pivot: int | None = None) -> pd.Series:
    """Any dates (an order, a release, a posting) as ``YYYY-MM-DD``, None where none.

    Unlike :func:`standardise_date` no date is implausible for its age: only what is
    no calendar date, or a placeholder, is None.  Whether ``03/04/2023`` is day first
    is read from the values themselves: when a first part above 12 appears and no
    second part does, every numeric date of them is day first.  Two-digit years and
    dates in other languages are read as by :func:`standardise_date`.

    Raises:
        ConfigError: ``year_pivot`` is not an integer from 0 to 99.

    Examples:
        >>> parse_dates(pd.Series(["02/10/2023", "25/12/2031", "2023-10-02", "x"])).tolist()
        ['2023-10-02', '2031-12-25', '2023-10-02', None]
    """
    require_year_pivot(year_pivot)
    pivot = default_year_pivot() if year_pivot is None else int(year_pivot)
    series = pd.Series(values, dtype=object)
    uniques = pd.unique(series.dropna().astype(str).str.strip().str.lower())
    firsts, seconds = [], []
    for text in uniques:
        match = _NUMERIC.fullmatch(text)
        if match:
            firsts.append(int(match.group(1)))
            seconds.append(int(match.group(3)))
    dayfirst = bool(firsts) and max(firsts) > 12 >= max(seconds)
    out: dict[str, str | None] = {}
    for text in uniques:
        parsed = None if text in _PLACEHOLDER_WORDS else _parse(text, dayfirst, pivot)
        if parsed is None or parsed[:3] in _PLACEHOLDER_DATES:
            out[text] = None
            continue
        try:
            out[text] = dt.date(parsed.year, parsed.month, parsed.day).isoformat()
        except ValueError:
            out[text] = None
    keys = series.where(series.isna(), series.astype(str).str.strip().str.lower())
    return keys.map(out).astype(object).where(lambda d: d.notna(), None)


_NAT = np.iinfo(np.int64).min
_MAX_NS = np.iinfo(np.int64).max


def _timestamp_ns(raw: Any, code: Any) -> int:
    if isinstance(raw, (pd.Timestamp, dt.datetime, np.datetime64)):
        stamp = pd.Timestamp(raw)
        if stamp is pd.NaT:
            return _NAT
        stamp = stamp.tz_convert("UTC") if stamp.tzinfo is not None else stamp
        return int(stamp.tz_localize(None).as_unit("ns").value)
    if isinstance(raw, dt.date):
        return calendar.timegm(raw.timetuple()) * 10**9
    text = to_text(raw)
    if text is None:
        return _NAT
    if _EPOCH.fullmatch(text):
        scale = 10**9 if len(text) == 10 else 10**6
        return int(text) * scale
    parsed = _parse(text, *_READINGS[code])
    if parsed is None or parsed[:3] in _PLACEHOLDER_DATES:
        return _NAT
    try:
        moment = dt.datetime(*parsed[:6])
    except ValueError:
        return _NAT
    seconds = calendar.timegm(moment.timetuple()) - parsed.offset_minutes * 60
    ns = seconds * 10**9 + parsed.nanosecond
    return ns if _NAT < ns <= _MAX_NS else _NAT


def standardise_timestamp(values: pd.Series, dayfirst: bool | pd.Series = False,
                          year_pivot: int | None | pd.Series = None) -> pd.Series:
    """Parse record timestamps (e.g. ``updated_at``) to UTC.

    Accepts the date formats of :func:`standardise_date` with an optional time
    (``HH:MM[:SS[.fff]]``, ``am``/``pm``, ``Z`` or a ``+HH:MM`` offset), compact
    ``YYYYMMDDTHHMMSS``, Unix epoch seconds (10 digits) or milliseconds (13 digits),
    and Timestamps.  Naive times are taken as UTC.

    Args:
        values: raw timestamps.
        dayfirst: as for :func:`standardise_date`.
        year_pivot: as for :func:`standardise_date`.

    Returns:
        A ``datetime64[ns, UTC]`` Series with the index and name of ``values``, NaT
        where a value is missing or cannot be parsed.

    Raises:
        DataError: ``dayfirst`` or ``year_pivot`` is a Series whose index differs from
            that of ``values``.
        ConfigError: ``year_pivot`` is not an integer from 0 to 99.

    Examples:
        >>> raw = pd.Series(["2024-05-01T12:30:00+02:00", "01/05/2024 9:15 pm", "soon"])
        >>> standardise_timestamp(raw, dayfirst=True).tolist()  # doctest: +NORMALIZE_WHITESPACE
        [Timestamp('2024-05-01 10:30:00+0000', tz='UTC'),
         Timestamp('2024-05-01 21:15:00+0000', tz='UTC'), NaT]
    """
    values = check_series(values)
    readings = _readings(values, dayfirst, year_pivot)
    codes, results = distinct_with(values, readings, _timestamp_ns, name="dayfirst",
                                   default=None)
    table = np.array([*(_NAT if r is None else r for r in results), _NAT], dtype=np.int64)
    ns = table[codes]
    stamps = pd.Series(ns.view("M8[ns]"), index=values.index, name=values.name)
    return stamps.dt.tz_localize("UTC")
