"""Over-merge guards applied before matching.

Placeholder values (``test@test.com``, ``000-000-0000``) are nulled by the standardisers.
This module demotes *hub* values: an identifier that many different people share (a shop's
own phone number typed into every order, a company switchboard, ``info@`` mailboxes), or a
value of a field people rightly share that far more people give than share it by chance
(a junk default address such as ``test st 1``, a shop's own address typed for guest
orders, a birth date of ``1970-01-01`` that a system filled in).
Such a value says nothing about identity, so it is removed from the standardised column
(flag ``"hub"``) before blocking, rules and scoring see it.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from numbers import Integral, Real
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile._columns import arrow_codes, isin_ints, unique_ints
from unifyprofile._fields import field_types
from unifyprofile.errors import ConfigError

__all__ = ["SHARED_FIELDS", "Guards", "demote_hubs"]

#: Hub fields that many people rightly share: a household gives one address, and at a
#: million people some forty share each birth date.  A value of one is a hub only beyond
#: ``Guards.max_people_per_shared_value`` people and beyond :data:`SPIKE` times the people
#: a typical value of the field holds (the median).  The registered field types marked
#: ``shared`` (:attr:`unifyprofile.fields.FieldType.shared`), read from the registry on
#: each access (``address``, ``dob``).
SHARED_FIELDS: frozenset[str]
SPIKE = 10


def _shared_fields() -> frozenset[str]:
    return frozenset(t.name for t in field_types() if t.shared)


if not TYPE_CHECKING:  # the registry's view, computed on each access (PEP 562)

    def __getattr__(name: str) -> frozenset[str]:
        if name == "SHARED_FIELDS":
            return _shared_fields()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _hub_fields() -> tuple[str, ...]:
    """The registered field types marked ``hub``: those a person holds alone first, then
    those a household shares, locations first (``email``, ``phone``, ``address``,
    ``dob``)."""
    return tuple(t.name for t in sorted((t for t in field_types() if t.hub),
                                        key=lambda t: (t.shared, t.location is None)))
#: Guards fields that hold field or comparison names.
_FIELD_LISTS = ("hub_fields", "unique_identifiers", "veto", "veto_unless", "weak")


def _is_names(value: Any) -> bool:
    """Whether ``value`` is a list or tuple of strings (a string alone is not)."""
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


@dataclass(frozen=True)
class Guards:
    """Limits that keep different people apart.

    Args:
        placeholders: extra junk values per field (compared after standardisation).
        hub_fields: fields checked for hub values (identifiers, and the shared fields
            of :data:`SHARED_FIELDS`); default the registered field types marked ``hub``
            (:attr:`unifyprofile.fields.FieldType.hub`): ``email``, ``phone``,
            ``address``, ``dob``.
        max_people_per_value: a value of a hub field shared by more distinct first names
            than this is demoted.
        max_people_per_shared_value: the same for a field people rightly share
            (:data:`SHARED_FIELDS`): a household of five, its nicknames and typos share
            an address; hundreds of people do not.  Such a value must also stand out
            from the field's own spread (:data:`SPIKE`).
        unique_identifiers: fields whose different non-null values mean different people
            (cannot-link): a cluster holding two values is split at its weakest edges.
        max_cluster_size: clusters larger than this are split at their weakest edges.
        veto: comparisons whose lowest level ("else": both values present and clearly
            different) forbids a probabilistic link, e.g. ``["first_name", "dob"]`` keeps
            household members who share surname, address and landline apart.
            Deterministic rules still link.
        veto_unless: comparisons whose exact agreement lifts a veto: a national id or a
            customer number held by both records says "same person" more surely than
            two different first names say "different" (a name replaced or mistyped).
        weak: comparisons whose agreement needs corroboration (names, towns): a pair
            that disagrees on every other comparison both records hold, and whose
            disagreements say enough against a match, is not linked probabilistically
            (see :func:`unifyprofile.resolver._vetoed`).  A pair holding nothing but
            weak comparisons can link.
        keep_apart_below: when set, a compared pair whose match probability is below
            this (and that no rule linked) is a clear non-match, and clustering keeps its
            two records in different entities even when other links chain them together
            (the component is rebuilt strongest link first).  Stops long chains of
            "similar enough" links from merging different entities.

    Raises:
        ConfigError: listing every field that breaks its contract (a limit below 1, a
            ``keep_apart_below`` outside (0, 1), a string where a list of names belongs).

    Examples:
        >>> Guards(veto=["first_name"]).veto
        ('first_name',)
        >>> Guards(veto="dob")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: guards.veto must be a list of field names (got \
'dob'); e.g. ['first_name', 'dob']
    """

    placeholders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hub_fields: tuple[str, ...] = field(default_factory=_hub_fields)
    max_people_per_value: int = 4
    max_people_per_shared_value: int = 20
    unique_identifiers: tuple[str, ...] = ()
    max_cluster_size: int = 100
    veto: tuple[str, ...] = ()
    veto_unless: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    keep_apart_below: float | None = None

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise ConfigError(problems)
        object.__setattr__(self, "placeholders", MappingProxyType(
            {k: tuple(v) for k, v in self.placeholders.items()}))
        for key in _FIELD_LISTS:
            object.__setattr__(self, key, tuple(getattr(self, key)))
        if self.keep_apart_below is not None:
            object.__setattr__(self, "keep_apart_below", float(self.keep_apart_below))

    def _problems(self) -> list[str]:
        """Each field that breaks its contract, named by its key path in a config file:
        what it must be, what it is, and the fix."""
        got = reprlib.repr
        out = []
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if name == "placeholders":
                if not isinstance(value, Mapping) or not all(
                        isinstance(k, str) and _is_names(v) for k, v in value.items()):
                    out.append(f"guards.placeholders must be a mapping of field to a list of "
                               f"values (got {got(value)}); e.g. "
                               "{'email': ['info@acme.com']}")
            elif name in _FIELD_LISTS:
                if not _is_names(value):
                    out.append(f"guards.{name} must be a list of field names (got "
                               f"{got(value)}); e.g. ['first_name', 'dob']")
            elif name == "keep_apart_below":
                if value is not None and (isinstance(value, bool) or not isinstance(value, Real)
                                          or not 0 < float(value) < 1):
                    out.append(f"guards.keep_apart_below must be a probability in (0, 1) or "
                               f"None (got {got(value)}); e.g. 0.001, or leave it out to "
                               "keep no pair apart")
            elif isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                out.append(f"guards.{name} must be an integer >= 1 (got {got(value)}); the "
                           f"default is {_DEFAULTS[name]}")
        return out

    @classmethod
    def from_config(cls, entry: Mapping[str, Any], where: str = "guards") -> Guards:
        """The guards of a ``[guards]`` table.

        Raises:
            ConfigError: listing every problem, each named by its key path under ``where``.
        """
        allowed = {"placeholders", "hub_fields", "max_people_per_value",
                   "max_people_per_shared_value",
                   "unique_identifiers", "max_cluster_size", "veto", "veto_unless",
                   "weak", "keep_apart_below"}
        problems = [f"{where}.{k}: unknown key; allowed keys are {', '.join(sorted(allowed))}"
                    for k in entry if k not in allowed]
        kwargs = {k: v for k, v in entry.items() if k in allowed}
        placeholders = kwargs.get("placeholders")
        if isinstance(placeholders, Mapping):
            # A config file may give a junk phone or code as a number.
            kwargs["placeholders"] = {k: [str(x) for x in v] if isinstance(v, list) else v
                                      for k, v in placeholders.items()}
        try:
            guards = cls(**kwargs)
        except ConfigError as exc:
            raise ConfigError(problems + exc.located("guards.", f"{where}.").problems) from None
        if problems:
            raise ConfigError(problems)
        return guards

    def to_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "hub_fields": list(self.hub_fields),
            "max_people_per_value": self.max_people_per_value,
            "max_people_per_shared_value": self.max_people_per_shared_value,
            "unique_identifiers": list(self.unique_identifiers),
            "max_cluster_size": self.max_cluster_size,
            "veto": list(self.veto),
        }
        if self.veto_unless:
            out["veto_unless"] = list(self.veto_unless)
        if self.weak:
            out["weak"] = list(self.weak)
        if self.keep_apart_below is not None:
            out["keep_apart_below"] = self.keep_apart_below
        if self.placeholders:
            out["placeholders"] = {k: list(v) for k, v in self.placeholders.items()}
        return out

    def people_limit(self, field_name: str, typical: float = 0.0) -> int:
        """Distinct people a value of ``field_name`` may have before it is a hub;
        ``typical``: the people a typical value of the field holds (the median), which
        only a shared field's limit follows."""
        if field_name in _shared_fields():
            return max(self.max_people_per_shared_value, int(SPIKE * typical))
        return self.max_people_per_value


#: The default of each limit, for messages.
_DEFAULTS = {f.name: f.default for f in fields(Guards)}


def demote_hubs(records: pd.DataFrame, guards: Guards,
                typical: Mapping[str, float] | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Null hub values in the standardised columns of ``guards.hub_fields``.

    People are told apart by their nickname-resolved first name (``first_name_nick``);
    without a first-name column nothing is demoted.  ``typical`` gives, per field, the
    people a typical value holds (see :meth:`Guards.people_limit`) when ``records`` are
    only a part of the data; by default it is measured on ``records``.

    Returns:
        The records (a copy when anything changed) and a report with one row per demoted
        value: ``field``, ``value``, ``records``, ``people``.
    """
    report: list[dict[str, Any]] = []
    people_col = "first_name_nick"
    if people_col not in records.columns:
        return records, pd.DataFrame(columns=["field", "value", "records", "people"])
    people, _ = _factorize(records[people_col])
    out = records
    for field_name in guards.hub_fields:
        column = schema.std(field_name)
        if column not in records.columns:
            continue
        codes, uniques = _factorize(records[column])
        both = (codes >= 0) & (people >= 0)
        if not both.any():
            continue
        distinct = unique_ints(codes[both].astype(np.int64) * (people.max() + 1) + people[both])
        per_value = np.bincount(distinct // (people.max() + 1), minlength=len(uniques))
        if typical is not None and field_name in typical:
            median = typical[field_name]
        else:
            median = float(np.median(per_value[per_value > 0]))
        hubs = np.flatnonzero(per_value > guards.people_limit(field_name, median))
        if len(hubs) == 0:
            continue
        if out is records:
            out = records.copy(deep=False)  # columns are replaced, never written into
        hit = isin_ints(codes, hubs)
        # Whole columns replaced: an Arrow-backed column stays Arrow (a cell assignment
        # would turn it into a column of Python strings).
        out[column] = out[column].mask(hit, None)
        flag_col = schema.flag(field_name)
        flags = (out[flag_col] if flag_col in out.columns
                 else pd.Series(None, index=out.index, dtype=schema.TEXT))
        out[flag_col] = flags.mask(hit, "hub")
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        report.extend({"field": field_name, "value": uniques[h], "records": int(counts[h]),
                       "people": int(per_value[h])} for h in hubs)
    return out, pd.DataFrame(report, columns=["field", "value", "records", "people"])


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for null) and distinct values, in Arrow for an Arrow-backed column."""
    encoded = arrow_codes(values)
    if encoded is not None:
        return encoded[0], encoded[1].to_numpy(zero_copy_only=False)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)
