"""Column contracts shared by every stage.

Tables between stages are pandas DataFrames.  This module is the one place that names
their columns; a stage that changes what it takes or returns changes this module.

records
    ``record_id`` (str, ``"<source>:<source id>"``, unique), ``source``,
    ``source_record_id``, optional ``updated_at``, raw canonical fields (never
    overwritten; Arrow-backed strings, :data:`TEXT`, as read from the sources), and for
    each canonical field its standardised form ``<field>_std``
    (null when missing, invalid or a placeholder; an invalid phone number keeps its
    digits, to be compared by but never to survive into a golden profile) with, where a
    value can be rejected, ``<field>_flag`` (null, ``"invalid"`` or ``"placeholder"``).
    Names also carry ``first_name_nick`` (the formal name a nickname stands for);
    ``first_name_flag`` is ``"unplaced"`` (the value kept) where the first name is a full
    name's one word, which may as well be a surname.
pairs
    ``i``, ``j`` (int64 row positions into records, ``i < j``, unique), one int8 level
    column per comparison (``-1`` = a side is null, ``0`` = disagree, higher = closer),
    ``match_weight`` (log2 Bayes factor), ``match_probability``, ``rule`` (name of the
    deterministic rule that fired, else null).
clusters
    ``record_id``, ``entity_id``; every input record exactly once.
golden
    one row per ``entity_id``; each surviving field ``<field>`` with
    ``<field>__source``, ``<field>__record_id``, ``<field>__rule`` and
    ``<field>__updated_at``.  Values and provenance are Arrow-backed columns (nulls are
    ``pd.NA``; collect-all fields are Arrow lists, read back as Python lists);
    ``entity_id`` and ``record_count`` are plain numpy columns.
rejects
    ``source``, ``row`` (1-based data row number in the file, header excluded),
    ``source_record_id``, ``column``, ``reason``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from unifyprofile._fields import field_types

RECORD_ID = "record_id"
SOURCE = "source"
SOURCE_RECORD_ID = "source_record_id"
UPDATED_AT = "updated_at"
ENTITY_ID = "entity_id"

#: The dtype of raw field columns read from sources: Arrow-backed strings.
TEXT = pd.ArrowDtype(pa.string())

#: Name fields, which the standardise stage reads together (a full name fills the parts).
NAME_FIELDS = ("first_name", "middle_name", "last_name", "full_name")
#: Canonical person/customer fields a source may map columns onto: the registered field
#: types that are not identifiers (:func:`unifyprofile.fields.field_types`), read from the
#: registry on each access: ``first_name``, ``middle_name``, ``last_name``,
#: ``full_name``, ``email``, ``phone``, ``dob``, ``gender``, ``address``, ``city``,
#: ``state``, ``postcode``, ``country``, ``company``, ``marketing_opt_in``,
#: ``marketing_opt_out``.
CANONICAL_FIELDS: tuple[str, ...]
#: Fields standardised as identifiers (any extra mapped column compared as codes is one
#: too): the registered identifier field types, read from the registry on each access
#: (``customer_id``, ``loyalty_id``, ``device_id``, ``ssn``, ``sin``).
ID_FIELDS: tuple[str, ...]

REJECT_COLUMNS = ("source", "row", "source_record_id", "column", "reason")
PAIR_KEYS = ("i", "j")
NULL_LEVEL = -1

#: ``first_name_flag`` of a first name that is a full name's one word ("Owen"), which may
#: as well be a surname; the value is kept.
UNPLACED = "unplaced"
#: ``<field>_flag`` of a value that cannot be parsed or is impossible; its ``_std`` is
#: null, except a phone number its region cannot read, which keeps its digits.
INVALID = "invalid"


if not TYPE_CHECKING:  # the registry's views, computed on each access (PEP 562)

    def __getattr__(name: str) -> tuple[str, ...]:
        if name == "CANONICAL_FIELDS":
            return tuple(t.name for t in field_types() if not t.identifier)
        if name == "ID_FIELDS":
            return tuple(t.name for t in field_types() if t.identifier)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def std(field: str) -> str:
    """Name of the standardised column of ``field``.

    >>> std("email")
    'email_std'
    """
    return f"{field}_std"


def flag(field: str) -> str:
    """Name of the flag column of ``field`` (``"invalid"`` / ``"placeholder"``).

    >>> flag("phone")
    'phone_flag'
    """
    return f"{field}_flag"


def provenance(field: str, part: str) -> str:
    """Name of a golden-profile provenance column.

    >>> provenance("email", "source")
    'email__source'
    """
    return f"{field}__{part}"


def fields_present(columns: Iterable[str]) -> set[str]:
    """The fields a standardised records table holds: those with a ``<field>_std``
    column, and canonical fields kept as they are.

    >>> sorted(fields_present(["record_id", "email", "email_std", "city"]))
    ['city', 'email']
    """
    names = list(columns)
    canonical = {t.name for t in field_types() if not t.identifier}
    return {c[:-4] for c in names if c.endswith("_std")} | {c for c in names if c in canonical}
