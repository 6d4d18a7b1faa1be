"""Declarative checks for comparison parameters.

Each parameter of a comparison names a :class:`Param`: what it expects (in words, for the
error message) and a function that returns the normalised value or raises
:class:`_Invalid`.  The same checks serve spec objects built in Python and entries read
from a config file, so both report ``<where>.<key>: expected ..., got ...``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Invalid(Exception):
    """A parameter value failed its check."""


@dataclass(frozen=True)
class Param:
    """How one parameter is checked.

    Attributes:
        expected: what a valid value is, in words (``"a number in (0, 1]"``).
        normalise: returns the canonical value or raises ``_Invalid``.
    """

    expected: str
    normalise: Callable[[Any], Any]


def show(value: Any) -> str:
    """A value as it would be written in a config file.

    >>> show("high"), show([0.9, 1]), show(True), show(None)
    ('"high"', '[0.9, 1]', 'true', 'null')
    """
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _unit(value: Any) -> float:
    if not _is_number(value) or not 0 < value <= 1:
        raise _Invalid
    return float(value)


def _unit_list(order: str) -> Callable[[Any], tuple[float, ...]]:
    def normalise(value: Any) -> tuple[float, ...]:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise _Invalid
        items = tuple(_unit(v) for v in value)
        if not items or len(set(items)) != len(items):
            raise _Invalid
        return tuple(sorted(items, reverse=order == "descending"))

    return normalise


def _positive_int_list(value: Any) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise _Invalid
    items = tuple(value)
    if not items or len(set(items)) != len(items):
        raise _Invalid
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in items):
        raise _Invalid
    return tuple(sorted(int(v) for v in items))


def _positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _Invalid
    return int(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise _Invalid
    return value


def _optional_name(value: Any) -> str | None:
    return None if value is None else _name(value)


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Invalid
    return value


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def normalise(value: Any) -> str:
        if value not in options:
            raise _Invalid
        return str(value)

    return normalise


FIELD = Param("a field name (letters, digits and _)", _name)
OPTIONAL_NAME = Param("a column name (letters, digits and _) or null", _optional_name)
OPTIONAL_SOURCE = Param("a source's name or null", _optional_text)
BOOLEAN = Param("true or false", _boolean)
UNIT = Param("a number in (0, 1]", _unit)
THRESHOLDS = Param("a non-empty list of distinct numbers in (0, 1]", _unit_list(order="descending"))
RELATIVE = Param("a non-empty list of distinct numbers in (0, 1]", _unit_list(order="ascending"))
DAYS = Param("a non-empty list of distinct positive integers (days)", _positive_int_list)
POSITIVE_INT = Param("a positive integer", _positive_int)


def _name_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _Invalid
    out = set()
    for pair in value:
        if isinstance(pair, (str, bytes)) or not isinstance(pair, (list, tuple)) \
                or len(pair) != 2 or not all(isinstance(x, str) and x for x in pair) \
                or pair[0] == pair[1]:
            raise _Invalid
        out.add((min(pair), max(pair)))
    return tuple(sorted(out))


NAME_PAIRS = Param('a list of pairs of two different names, e.g. [["kasia", "katarzyna"]]',
                   _name_pairs)


def _gaps(value: Any) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _Invalid
    if not all(_is_number(v) and v > 0 for v in value) or len(set(value)) != len(value):
        raise _Invalid
    return tuple(sorted(float(v) for v in value))


GAPS = Param("a list of distinct positive numbers (may be empty)", _gaps)


def _at_least_one(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 1:
        raise _Invalid
    return float(value)


AT_LEAST_ONE = Param("a number >= 1", _at_least_one)


def choice(options: tuple[str, ...]) -> Param:
    """A parameter that takes one of ``options``.

    >>> choice(("a", "b")).expected
    'one of "a", "b"'
    """
    return Param("one of " + ", ".join(show(o) for o in options), _choice(options))


def check(params: dict[str, Param], values: dict[str, Any], where: str) -> tuple[dict, list[str]]:
    """Normalise ``values`` by ``params``; collect every problem instead of stopping.

    Args:
        params: the parameter checks by key.
        values: the values by key (only keys present are checked).
        where: key path prefix for messages, e.g. ``"comparisons[2]"``.

    Returns:
        ``(normalised values, problems)``.

    >>> check({"threshold": UNIT}, {"threshold": 1.5}, "comparisons[0]")[1]
    ['comparisons[0].threshold: expected a number in (0, 1], got 1.5']
    """
    out: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in values.items():
        param = params[key]
        try:
            out[key] = param.normalise(value)
        except (_Invalid, TypeError, ValueError):
            problems.append(f"{where}.{key}: expected {param.expected}, got {show(value)}")
    return out, problems
