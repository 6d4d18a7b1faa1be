"""The field type and its registry, public as :mod:`unifyprofile.fields`.

This module imports no stage: the stages read the registry, and the modules that declare
field types (:mod:`unifyprofile.fields.builtin`, :mod:`unifyprofile.fields.national_id`)
need the stages' functions.  So the registry lives below the stages, the declarations
above them, and the registry fills itself on first use by importing every public module
of :mod:`unifyprofile.fields` (``builtin`` first, then the others by name), each of which
calls :func:`register` for its types.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from unifyprofile.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FieldType", "field_type", "field_types", "register", "unregister"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SUFFIXES = ("_std", "_flag", "_nick")
#: Columns of every records table that are not fields (see :mod:`unifyprofile.schema`).
_SYSTEM = frozenset({"record_id", "source", "source_record_id", "source_row", "updated_at",
                     "entity_id", "i", "j"})


@dataclass(frozen=True, repr=False)
class FieldType:
    """What one field is, in every stage: how it is standardised, compared, blocked on,
    kept in a golden profile, and guarded.

    Args:
        name: the canonical field name a source maps a column onto (``"email"``).
        standardiser: ``Series -> Series`` (the ``<field>_std`` column) or ``Series ->
            DataFrame`` with columns ``std`` and ``flag`` (``<field>_std`` and
            ``<field>_flag``); run once per distinct value, null to null.  None where the
            standardise stage has a bespoke step for the field because it spans columns
            or settings: names (a full name split into first and last, nicknames),
            ``phone`` (the source's region, parsing shared with other phone fields) and
            ``dob`` (``dayfirst``); or where the field is kept as it is.
        comparison: the comparison :func:`~unifyprofile.compare.default_comparisons`
            makes when the field is present, given the set of fields present (a first
            name is swapped with the last name only when there is one), or None for a
            field not compared by default.
        blocking: blocking rules of this field (lists of keys, such as
            ``(("customer_id",),)``) that :func:`~unifyprofile.blocking.default_rules`
            adds after the person rules where the field is present.
        survivorship: the default policy of the field in a golden profile
            (:data:`~unifyprofile.golden.DEFAULT_POLICIES`); None for the merge's default
            (``most_complete``).
        identifier: an identifier field (:data:`~unifyprofile.schema.ID_FIELDS`,
            :attr:`unifyprofile.Config.id_fields`): standardised by ``standardiser``
            (:func:`~unifyprofile.standardise.standardise_id` unless it says otherwise),
            compared exactly and blocked on alone.  Other fields are the canonical fields
            (:data:`~unifyprofile.schema.CANONICAL_FIELDS`).
        standard_form: the standardised value survives into a golden profile (``country``:
            ISO codes), the raw one goes into ``<field>__raw``
            (:data:`~unifyprofile.golden.STANDARD_FORM`).
        location: rank among the location fields, 0 the finest (``address``); agreement on
            a coarser one adds no evidence when a finer one agrees
            (:data:`~unifyprofile.compare.LOCATION_FIELDS`).
        hub: checked for hub values by default (``Guards.hub_fields``).
        shared: a household rightly shares it (:data:`~unifyprofile.score.SHARED_FIELDS`):
            a value is a hub only beyond ``Guards.max_people_per_shared_value`` people.
        veto: a clear disagreement forbids a link in an inferred config (``guards.veto``).
        veto_unless: an exact agreement lifts that veto (``guards.veto_unless``).
        weak: an agreement needs corroboration in an inferred config (``guards.weak``).

    Raises:
        ConfigError: listing every attribute that breaks its contract.

    Examples:
        >>> FieldType("vat", blocking=[["vat"]], identifier=True)
        FieldType('vat', identifier, blocking=[vat])
        >>> FieldType("Vat number")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: field type name must be lower case letters, digits \
and underscores, starting with a letter (got 'Vat number'); e.g. 'vat_number'
    """

    name: str
    standardiser: Callable[[pd.Series], pd.Series | pd.DataFrame] | None = None
    # A Comparison and a Survivorship: typed Any, so that the registry names no stage
    # (the stages read it; it is below them).
    comparison: Callable[[frozenset[str]], Any] | None = None
    blocking: tuple[tuple[str, ...], ...] = ()
    survivorship: Any = None
    identifier: bool = False
    standard_form: bool = False
    location: int | None = None
    hub: bool = False
    shared: bool = False
    veto: bool = False
    veto_unless: bool = False
    weak: bool = False

    def __post_init__(self) -> None:
        problems = []
        name = self.name
        if not isinstance(name, str) or not _NAME.match(name):
            example = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_") or "vat_number"
            problems.append("field type name must be lower case letters, digits and "
                            f"underscores, starting with a letter (got {name!r}); e.g. "
                            f"{example!r}")
        elif name.endswith(_SUFFIXES) or name in _SYSTEM:
            problems.append(f"field type name {name!r} is a column the stages add or keep; "
                            "choose another name")
        for part in ("standardiser", "comparison"):
            value = getattr(self, part)
            if value is not None and not callable(value):
                problems.append(f"field type {name!r}: {part} must be callable or None "
                                f"(got {value!r})")
        blocking = self.blocking
        if isinstance(blocking, (list, tuple)) and all(
                isinstance(rule, (list, tuple)) and rule
                and all(isinstance(k, str) for k in rule) for rule in blocking):
            object.__setattr__(self, "blocking", tuple(tuple(rule) for rule in blocking))
        else:
            problems.append(f"field type {name!r}: blocking must be a list of rules, each a "
                            f"list of keys (got {blocking!r}); e.g. [['{name}']]")
        if self.location is not None and (isinstance(self.location, bool)
                                          or not isinstance(self.location, int)):
            problems.append(f"field type {name!r}: location must be an integer rank or None "
                            f"(got {self.location!r})")
        for flag in ("identifier", "standard_form", "hub", "shared", "veto", "veto_unless",
                     "weak"):
            if not isinstance(getattr(self, flag), bool):
                problems.append(f"field type {name!r}: {flag} must be True or False (got "
                                f"{getattr(self, flag)!r})")
        if problems:
            raise ConfigError(problems)

    def __repr__(self) -> str:
        roles = [r for r in ("identifier", "standard_form", "hub", "shared", "veto",
                             "veto_unless", "weak") if getattr(self, r)]
        parts = [repr(self.name), *roles]
        if self.survivorship is not None:
            parts.append(f"survivorship={self.survivorship.name}")
        if self.location is not None:
            parts.append(f"location={self.location}")
        if self.blocking:
            parts.append("blocking=[" + ", ".join(" & ".join(r) for r in self.blocking) + "]")
        return f"FieldType({', '.join(parts)})"


_TYPES: dict[str, FieldType] = {}
_LOCK = threading.RLock()
_filled = False
#: The package whose modules declare field types.
_PACKAGE = "unifyprofile.fields"


def _fill() -> None:
    """Import every public module of this package once; each registers its types."""
    global _filled
    if _filled:
        return
    with _LOCK:
        if _filled:
            return
        _filled = True  # first: the modules imported below call register()
        before = set(_TYPES)
        try:
            package = importlib.import_module(_PACKAGE)
            names = sorted(m.name for m in pkgutil.iter_modules(package.__path__)
                           if not m.name.startswith("_"))
            for name in sorted(names, key=lambda n: n != "builtin"):
                importlib.import_module(f"{package.__name__}.{name}")
        except BaseException:
            _filled = False
            for name in set(_TYPES) - before:
                del _TYPES[name]
            raise


def register(field_type: FieldType, *, replace: bool = False) -> FieldType:
    """Add a field type to the registry, after those already there.

    A module of :mod:`unifyprofile.fields` registers its types when it is imported; other
    code may register one at any time, and the stages see it from their next call.

    Args:
        field_type: the type.
        replace: replace a registered type of the same name (it keeps its place).

    Returns:
        ``field_type``, so that a module can write ``VAT = register(FieldType(...))``.

    Raises:
        ConfigError: ``field_type`` is not a :class:`FieldType`, or its name is taken
            and ``replace`` is false.
    """
    if not isinstance(field_type, FieldType):
        raise ConfigError(f"register() takes a FieldType (got {type(field_type).__name__}); "
                          "e.g. register(FieldType('vat', identifier=True))")
    with _LOCK:
        _fill()
        if field_type.name in _TYPES and not replace:
            raise ConfigError(f"field type {field_type.name!r} is already registered; "
                              "unregister it first, or pass replace=True")
        _TYPES[field_type.name] = field_type
    return field_type


def unregister(name: str) -> FieldType:
    """Remove a field type from the registry.

    Returns:
        The type removed (register it again to restore it, at the end).

    Raises:
        ConfigError: no type of that name is registered.
    """
    with _LOCK:
        found = field_type(name)
        del _TYPES[name]
    return found


def field_types() -> tuple[FieldType, ...]:
    """The registered field types, in a stable order: the built-in ones
    (:mod:`unifyprofile.fields.builtin`) in the order of
    :data:`~unifyprofile.schema.CANONICAL_FIELDS` then
    :data:`~unifyprofile.schema.ID_FIELDS`, then those of the other modules of this
    package by module name, then those registered later, in the order registered.

    Examples:
        >>> [t.name for t in field_types()][:6]
        ['first_name', 'middle_name', 'last_name', 'full_name', 'email', 'phone']
    """
    _fill()
    return tuple(_TYPES.values())


def field_type(name: str) -> FieldType:
    """The registered field type called ``name``.

    Raises:
        ConfigError: no type of that name is registered (with the closest name).

    Examples:
        >>> field_type("email").survivorship
        Survivorship(rule='collect_all', order=())
        >>> field_type("e_mail")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: no field type 'e_mail'; did you mean 'email'? \
(register it with unifyprofile.fields.register)
    """
    _fill()
    found = _TYPES.get(name)
    if found is None:
        close = difflib.get_close_matches(str(name), list(_TYPES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"no field type {name!r}{hint} (register it with "
                          "unifyprofile.fields.register)")
    return found
