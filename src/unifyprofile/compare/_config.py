"""Comparisons from config entries, and preset comparisons for person data."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from unifyprofile._fields import FieldType, field_types
from unifyprofile.errors import ConfigError
from unifyprofile.schema import (
    ENTITY_ID,
    RECORD_ID,
    SOURCE,
    SOURCE_RECORD_ID,
    UPDATED_AT,
)

from . import _validate as v
from ._levels import (
    AddressComparison,
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    PhoneComparison,
    PostcodeComparison,
    ReferenceComparison,
    StringComparison,
    TextComparison,
)
from ._validate import _IDENTIFIER

__all__ = ["COMPARISON_TYPES", "comparison_from_config", "default_comparisons"]

#: Config ``type`` -> comparison class.
COMPARISON_TYPES: Mapping[str, type[Comparison]] = {
    cls.type_name: cls
    for cls in (
        ExactMatch,
        NameComparison,
        EmailComparison,
        PhoneComparison,
        DateComparison,
        AddressComparison,
        PostcodeComparison,
        StringComparison,
        NumericComparison,
        TextComparison,
        ReferenceComparison,
    )
}

# Config keys that differ from attribute names.
_KEY_TO_ATTRIBUTE = {"name": "output_name"}
_ATTRIBUTE_TO_KEY = {a: key for key, a in _KEY_TO_ATTRIBUTE.items()}


def _allowed_keys(cls: type[Comparison]) -> list[str]:
    return ["type", *(_ATTRIBUTE_TO_KEY.get(a, a) for a in cls._params)]


def _required(cls: type[Comparison]) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


def comparison_from_config(entry: Mapping[str, Any], where: str = "comparison") -> Comparison:
    """Build a comparison from one config entry, checking every key.

    Args:
        entry: a mapping with ``type`` (a key of :data:`COMPARISON_TYPES`), ``field``
            unless the type has a default field, and the type's parameters; ``name``
            renames the output column.
        where: key path of the entry for messages, e.g. ``"comparisons[2]"``.

    Returns:
        The comparison.

    Raises:
        ConfigError: listing every problem, each naming the key path, what was expected
            and what was found.

    Examples:
        >>> comparison_from_config({"type": "name", "field": "first_name",
        ...                         "thresholds": [0.9, 0.8]})
        NameComparison(field='first_name', output_name=None, tf_adjust=True, thresholds=(0.9, 0.8), nicknames=True, swap_with=None, sexes=False, tf_given=None)
        >>> comparison_from_config({"type": "name", "field": "first_name",
        ...                         "thresholds": "high"}, "comparisons[2]")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: comparisons[2].thresholds: expected a non-empty list of distinct numbers in (0, 1], got "high"
    """  # noqa: E501
    if not isinstance(entry, Mapping):
        raise ConfigError(
            f'{where}: expected a table such as {{type = "exact", field = "email"}}, '
            f"got {v.show(entry)}"
        )
    kind = entry.get("type")
    types = ", ".join(f'"{t}"' for t in COMPARISON_TYPES)
    if kind is None:
        raise ConfigError(f"{where}.type: missing; expected one of {types}")
    if kind not in COMPARISON_TYPES:
        raise ConfigError(f"{where}.type: expected one of {types}, got {v.show(kind)}")
    cls = COMPARISON_TYPES[kind]
    problems: list[str] = []
    values: dict[str, Any] = {}
    allowed = _allowed_keys(cls)
    for key, value in entry.items():
        if key == "type":
            continue
        attribute = _KEY_TO_ATTRIBUTE.get(key, key)
        if not isinstance(key, str) or attribute not in cls._params:
            problems.append(
                f"{where}.{key}: unknown key for type {v.show(kind)}; allowed keys: "
                + ", ".join(allowed)
            )
            continue
        values[attribute] = value
    for attribute in _required(cls):
        if attribute not in values:
            expected = cls._params[attribute].expected
            problems.append(f"{where}.{attribute}: missing; expected {expected}")
    checked, bad = v.check(cls._params, values, where)
    problems.extend(p.replace(f"{where}.output_name:", f"{where}.name:", 1) for p in bad)
    if problems:
        raise ConfigError(problems)
    return cls(**checked)


_NOT_FIELDS = {RECORD_ID, SOURCE, SOURCE_RECORD_ID, UPDATED_AT, ENTITY_ID}
#: Location fields from the finest to the coarsest.  Two records that agree on a street
#: address agree on its postcode and town as a matter of course: the coarser agreement
#: adds no evidence (see :meth:`~unifyprofile.score.FellegiSunter.contributions`).  The
#: registered field types with a ``location`` rank, read from the registry on each access
#: (``address``, ``postcode``, ``city``, ``state``, ``country``).
LOCATION_FIELDS: tuple[str, ...]


def _locations(types: Iterable[FieldType]) -> list[FieldType]:
    """The location types among ``types``, the finest first."""
    return sorted((t for t in types if t.location is not None), key=lambda t: t.location or 0)


if not TYPE_CHECKING:  # the registry's view, computed on each access (PEP 562)

    def __getattr__(name: str) -> tuple[str, ...]:
        if name == "LOCATION_FIELDS":
            return tuple(t.name for t in _locations(field_types()))
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _preset_order(types: Iterable[FieldType]) -> list[FieldType]:
    """``types`` in registry order, except that the location fields among them come from
    the finest to the coarsest, in the places the location fields hold."""
    ordered = list(types)
    places = [k for k, t in enumerate(ordered) if t.location is not None]
    for k, kind in zip(places, _locations(ordered), strict=True):
        ordered[k] = kind
    return ordered


def _fields(columns: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for column in columns:
        name = str(column)
        if name.endswith(("_flag", "_nick")) or name.startswith("_"):
            continue
        field = name[: -len("_std")] if name.endswith("_std") else name
        if field not in _NOT_FIELDS and _IDENTIFIER.match(field):
            seen[field] = None
    return list(seen)


def default_comparisons(columns: Iterable[str]) -> list[Comparison]:
    """A preset list of comparisons for person data, given the fields present.

    ``columns`` may be canonical field names or records column names (``email_std``);
    the ``_std``, ``_nick`` and ``_flag`` suffixes are understood.  Each present field
    whose registered type has a comparison
    (:attr:`unifyprofile.fields.FieldType.comparison`) is compared by it: first the
    canonical fields in registry order (the location fields among them from the finest
    to the coarsest, :data:`LOCATION_FIELDS`), then, in the order of ``columns``, the
    identifier fields and every field no type is registered for (exactly).  The built-in
    types (:mod:`unifyprofile.fields.builtin`) compare ``first_name`` (nicknames;
    swapped with ``last_name`` when present; names of the other sex are different
    names), ``last_name``, ``full_name`` (token-sort, only when neither first nor last
    name is present), ``email``, ``phone``, ``dob``, ``address``, ``postcode`` and
    ``city`` (exact, with term-frequency adjustment), ``company`` (token-set), and
    every non-canonical field (identifiers such as ``customer_id``) exactly.
    ``middle_name``, ``gender``, ``state``, ``country`` and the opt-in flags are not
    compared.

    Args:
        columns: the fields or records columns available.

    Returns:
        The comparisons, in a stable order.

    Examples:
        >>> [c.name for c in default_comparisons(
        ...     ["record_id", "first_name_std", "first_name_nick", "last_name_std",
        ...      "email_std", "loyalty_id_std", "gender_std"])]
        ['first_name', 'last_name', 'email', 'loyalty_id']
        >>> default_comparisons(["first_name", "last_name"])[0].swap_with
        'last_name'
    """
    fields = _fields(columns)
    present = frozenset(fields)
    types = {t.name: t for t in field_types()}
    later = [f for f in fields if f not in types or types[f].identifier]
    out: list[Comparison] = []
    for kind in _preset_order(t for t in types.values() if not t.identifier):
        if kind.name in present:
            out += _compared(kind, present)
    for field in later:
        out += _compared(types[field], present) if field in types else [ExactMatch(field)]
    return out


def _compared(kind: FieldType, present: frozenset[str]) -> list[Comparison]:
    """The default comparison of a field type, if any, given the fields present."""
    comparison = None if kind.comparison is None else kind.comparison(present)
    return [] if comparison is None else [comparison]
