"""Phone numbers: E.164 via ``phonenumbers``, junk numbers rejected.

Parsing is the slowest standardiser, so it runs once per distinct (value, region) pair
and the parsed results are also kept in a bounded cache across calls.  A national
number needs a region (ISO 3166 alpha-2, e.g. per source); international ones (``+44``,
``0044``, ``011 44`` from the US) do not.  Extensions are dropped.
"""

from __future__ import annotations

import functools
import re

import pandas as pd
import phonenumbers

from ._common import (
    INVALID,
    PLACEHOLDER,
    StdFlag,
    distinct_with,
    std_flag_frame,
    text_func_with,
)

__all__ = ["standardise_phone"]

_NON_DIGIT = re.compile(r"\D")
_PLACEHOLDER_WORDS = frozenset(
    {"n/a", "na", "none", "null", "nil", "unknown", "no phone", "no number", "tbd", "-"}
)
_MIN_DIGITS = 6
_ASCENDING = "0123456789" * 3
_DESCENDING = _ASCENDING[::-1]
_E164 = phonenumbers.PhoneNumberFormat.E164


def _is_junk_digits(digits: str) -> bool:
    """All one digit (000-000-0000) or a run like 1234567890 / 9876543210."""
    if len(digits) < _MIN_DIGITS:
        return False
    return len(set(digits)) == 1 or digits in _ASCENDING or digits in _DESCENDING


# North American numbers in the usual layouts, parsed without phonenumbers (10x faster;
# phone parsing is the slowest standardiser).  Anything else goes to phonenumbers.
_NANP = re.compile(
    r"^\s*(?P<plus>\+\s*)?(?P<one>1[\s.-]*)?\(?\s*(?P<area>[2-9]\d{2})\s*\)?[\s.-]*"
    r"(?P<exchange>[2-9]\d{2})[\s.-]*(?P<line>\d{4})"
    r"\s*(?:(?:x|ext\.?|extension)\s*\d{1,6})?\s*$",
    re.IGNORECASE,
)
_NANP_REGIONS = frozenset({"US", "CA"})


def _nanp(text: str, region: str | None) -> str | None:
    """E.164 of a North American number written in a common layout, else None."""
    match = _NANP.match(text)
    if match is None:
        return None
    if match["plus"] is not None and match["one"] is None:
        return None  # "+415..." is not a +1 number
    if match["plus"] is None and region not in _NANP_REGIONS:
        return None
    return f"+1{match['area']}{match['exchange']}{match['line']}"


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


@functools.lru_cache(maxsize=1 << 18)
def _parse_phone(text: str, region: str | None) -> StdFlag:
    if text.lower() in _PLACEHOLDER_WORDS:
        return None, PLACEHOLDER
    digits = _NON_DIGIT.sub("", text)
    if len(digits) < _MIN_DIGITS:
        return None, PLACEHOLDER
    if _is_junk_digits(digits):
        return None, PLACEHOLDER
    fast = _nanp(text, region)
    if fast is not None:
        return (None, PLACEHOLDER) if _is_junk_digits(fast[2:]) else (fast, None)
    number = _parse(text, region)
    if (number is None or not phonenumbers.is_possible_number(number)) and text.lstrip(
        "( "
    ).startswith("00"):
        # "0044 20 ..." written in a region whose international prefix is not 00.
        number = _parse("+" + text.lstrip("( ")[2:], region)
    if number is None:
        return None, INVALID
    national = phonenumbers.national_significant_number(number)
    full = f"{number.country_code}{national}"
    if len(full) < _MIN_DIGITS:
        return None, PLACEHOLDER
    if _is_junk_digits(national) or _is_junk_digits(full):
        return None, PLACEHOLDER
    if not phonenumbers.is_possible_number(number):
        return None, INVALID
    return phonenumbers.format_number(number, _E164), None


def _parse_with_region(text: str, region: object) -> StdFlag:
    code = region.strip().upper() if isinstance(region, str) and region.strip() else None
    return _parse_phone(text, code)


def standardise_phone(values: pd.Series, region: str | pd.Series = "US") -> pd.DataFrame:
    """Standardise phone numbers to E.164.

    Args:
        values: raw phone numbers in any common national or international format.
        region: ISO 3166 alpha-2 code used for numbers written without a country
            code, either one code or a Series with the index of ``values`` (e.g. the
            home region of each row's source).  Null regions accept international
            numbers only.

    Returns:
        A frame with the index of ``values``: ``std`` (E.164 such as
        ``"+14155550134"``, or None) and ``flag`` (None, ``"invalid"`` for numbers that
        cannot be parsed or are not possible, ``"placeholder"`` for junk such as
        ``000-000-0000``, ``1234567890``, fewer than 6 digits or ``"n/a"``).

    Raises:
        DataError: ``region`` is a Series whose index differs from that of ``values``.

    Examples:
        >>> raw = pd.Series(["(415) 555-0134 x12", "020 7946 0958", "000-000-0000"])
        >>> standardise_phone(raw, region=pd.Series(["US", "GB", "US"]))
                     std         flag
        0   +14155550134         None
        1  +442079460958         None
        2           None  placeholder
    """
    parsed = distinct_with(
        values, region, text_func_with(_parse_with_region), name="region", default=None
    )
    return std_flag_frame(parsed, values)
