"""Phone numbers: E.164 via ``phonenumbers``, junk numbers rejected.

Parsing is the slowest standardiser, so it runs once per distinct (value, region) pair
and the parsed results are also kept in a bounded cache across calls.  A national
number needs a region (ISO 3166 alpha-2, e.g. per source); international ones (``+44``,
``0044``, ``011 44`` from the US) do not.  Extensions are dropped.

A number the region cannot read (``606 123 456``, a Polish mobile in a source read as
US) is flagged ``"invalid"`` but keeps its digits as its standardised form: in a
customer base from many countries such numbers are real, and two records giving one
of them are likely one person (the phone comparison matches them exactly, and by
their last eight digits against the number written with its country code).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers.phonemetadata import PhoneMetadata

from ._common import (
    INVALID,
    PLACEHOLDER,
    StdFlag,
    distinct_pairs,
    fast_part,
    std_flag_columns,
    text_func_with,
    whole_number_text,
)
from ._offload import shared_map

__all__ = ["standardise_phone", "standardise_phones"]

_NON_DIGIT = re.compile(r"\D")
_PLACEHOLDER_WORDS = frozenset(
    {"n/a", "na", "none", "null", "nil", "unknown", "no phone", "no number", "tbd", "-"}
)
_MIN_DIGITS = 6
_ASCENDING = "0123456789" * 3
_DESCENDING = _ASCENDING[::-1]


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
    number = _international(text, digits)
    if number is None:
        number = _parse(text, region)
    if text.lstrip("( ").startswith("00") and (
            number is None or not phonenumbers.is_possible_number(number)):
        # "0044 20 ..." written in a region whose international prefix is not 00.
        number = _parse("+" + text.lstrip("( ")[2:], region)
    if number is None:
        return _unread(text, digits, region)
    national = phonenumbers.national_significant_number(number)
    full = f"{number.country_code}{national}"
    if len(full) < _MIN_DIGITS:
        return None, PLACEHOLDER
    if _is_junk_digits(national) or _is_junk_digits(full):
        return None, PLACEHOLDER
    if not phonenumbers.is_possible_number(number):
        return _unread(text, digits, region)
    return f"+{full}", None  # E.164, as phonenumbers.format_number writes it


#: Digits and the separators that say nothing about them.
_PLAIN = re.compile(r"^[\d\s().\-/]+$")
#: ... after a "+": a number written with its country code and nothing else.
_DIALLED = re.compile(r"^\s*\+[\d\s().\-/]+$")


@functools.cache
def _plain_codes() -> frozenset[int]:
    """Country codes whose numbers ``phonenumbers.parse`` reads as the digits after the
    code when they do not start with 0: no national prefix to strip but "0", and no
    carrier code or transform rule (not +1, +7, +44, +86, ...)."""
    out = set()
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        meta = PhoneMetadata.metadata_for_region_or_calling_code(code, regions[0])
        if meta is not None and meta.national_prefix_for_parsing in (None, "0") \
                and meta.national_prefix_transform_rule is None:
            out.add(code)
    return frozenset(out)


def _international(text: str, digits: str) -> phonenumbers.PhoneNumber | None:
    """``+49 172 6677 7824`` read without the parser (its slowest case), where the
    parser is known to read it the same: the country code, then the national number
    as written (see :func:`_plain_codes`); None where that is not sure."""
    if not _DIALLED.match(text):
        return None
    for width in (1, 2, 3):
        code = int(digits[:width])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[width:]
            if code not in _plain_codes() or national.startswith("0") \
                    or not 2 <= len(national) <= 17:
                return None
            return phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    return None


def _unread(text: str, digits: str, region: str | None) -> StdFlag:
    """A number its region cannot read: invalid, and its digits as its standardised
    form, when the digits alone read as the number does (standardising stays
    idempotent); a "+", letters or an extension they would lose are checked."""
    if text == digits or _PLAIN.match(text) or _parse_phone(digits, region) == (
            digits, INVALID):
        return digits, INVALID
    return None, INVALID


def _region_code(region: object) -> str | None:
    return region.strip().upper() if isinstance(region, str) and region.strip() else None


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
        ``"+14155550134"``; the digits of a number flagged ``"invalid"``; None for a
        placeholder) and ``flag`` (None, ``"invalid"`` for numbers that cannot be parsed
        in their region or are not possible there, ``"placeholder"`` for junk such as
        ``000-000-0000``, ``1234567890``, fewer than 6 digits or ``"n/a"``).

    Raises:
        DataError: ``region`` is a Series whose index differs from that of ``values``.

    Examples:
        >>> raw = pd.Series(["(415) 555-0134 x12", "020 7946 0958", "000-000-0000",
        ...                  "606 123 456"])
        >>> standardise_phone(raw, region=pd.Series(["US", "GB", "US", "US"]))
                     std         flag
        0   +14155550134         None
        1  +442079460958         None
        2           None  placeholder
        3      606123456      invalid
    """
    return standardise_phones({"phone": values}, region)()["phone"]


def standardise_phones(columns: Mapping[str, pd.Series], region: str | pd.Series = "US", *,
                       share: bool = False) -> Callable[[], dict[str, pd.DataFrame]]:
    """:func:`standardise_phone` of several columns, started: the function returned
    gives each column's frame.

    The numbers the vectorised path reads are read at once; the rest, parsed one by one
    by ``phonenumbers`` (the slowest standardiser), when the frames are asked for.  With
    ``share``, a large lot is shared with a child interpreter that starts on it at once
    (see :mod:`unifyprofile.standardise._offload`; the frames are the same).
    """
    started = []
    for name, values in columns.items():
        codes, texts, regions = distinct_pairs(values, region, name="region", default=None)
        # The vectorised path reads the raw text: "447911123456.0" is a number first.
        texts = [whole_number_text(t) if isinstance(t, str) else t for t in texts]
        codes_of = [_region_code(r) for r in regions]
        std, flag, todo = fast_part(texts, functools.partial(_parse_fast, regions=codes_of))
        started.append((name, values, codes, std, flag, todo,
                        [(texts[k], codes_of[k]) for k in todo]))
    parsed = shared_map(_parse_each, [item for *_, items in started for item in items],
                        share=share)

    def frames() -> dict[str, pd.DataFrame]:
        pairs = iter(parsed.result())
        out = {}
        for name, values, codes, std, flag, todo, _ in started:
            for k in todo:
                std[k], flag[k] = next(pairs)
            out[name] = std_flag_columns(codes, std, flag, values)
        return out

    return frames


def _parse_each(items: list[tuple[Any, str | None]]) -> list[StdFlag]:
    """:func:`_parse_phone` of each (text, region); a blank text gives (None, None)."""
    parse = text_func_with(_parse_phone, blank=(None, None))
    return [parse(text, region) for text, region in items]


def _junk_runs() -> pa.Array:
    """Every digit string of at least _MIN_DIGITS that _is_junk_digits calls a run."""
    runs = {
        run[start:stop]
        for run in (_ASCENDING, _DESCENDING)
        for start in range(len(run))
        for stop in range(start + _MIN_DIGITS, len(run) + 1)
    }
    return pa.array(sorted(runs))


_JUNK_RUNS = _junk_runs()
_ONE_DIGIT = "^(?:" + "|".join(f"{d}+" for d in "0123456789") + ")$"
# _NANP in RE2 syntax for Arrow; a group that does not take part extracts as "".
_NANP_ARROW = "(?i)" + _NANP.pattern


def _is_junk_arrow(digits: pa.Array) -> pa.Array:
    """:func:`_is_junk_digits` of every digit string at once."""
    long_enough = pc.greater_equal(pc.utf8_length(digits), _MIN_DIGITS)
    junk = pc.or_(pc.match_substring_regex(digits, _ONE_DIGIT),
                  pc.is_in(digits, value_set=_JUNK_RUNS))
    return pc.and_(long_enough, junk)


def _parse_fast(text: pa.Array, regions: list[str | None]
                ) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """:func:`_parse_phone` of the North American numbers that :func:`_nanp` reads, at
    once (``regions``: of each text)."""
    region = pa.array(regions, pa.string())
    parts = pc.extract_regex(pc.fill_null(text, ""), _NANP_ARROW)
    matched = pc.fill_null(pc.is_valid(parts), False)

    def part(name: str) -> pa.Array:  # "" where the number did not match
        return pc.fill_null(pc.struct_field(parts, name), "")

    plus = pc.greater(pc.utf8_length(part("plus")), 0)
    one = pc.greater(pc.utf8_length(part("one")), 0)
    nanp_region = pc.fill_null(pc.is_in(region, value_set=pa.array(sorted(_NANP_REGIONS))), False)
    done = pc.and_(matched, pc.if_else(plus, one, nanp_region))
    national = pc.binary_join_element_wise(
        *(part(f) for f in ("area", "exchange", "line")), "")
    digits = pc.replace_substring_regex(pc.fill_null(text, ""), r"\D", "")
    junk = pc.or_(_is_junk_arrow(digits), _is_junk_arrow(national))
    null = pa.scalar(None, pa.string())
    std = pc.if_else(junk, null, pc.binary_join_element_wise("+1", national, ""))
    flag = pc.if_else(junk, PLACEHOLDER, null)
    return done.to_numpy(zero_copy_only=False), std, flag
