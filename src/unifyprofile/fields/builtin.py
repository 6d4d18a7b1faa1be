"""The built-in field types: every canonical field, then every identifier field.

Their order is the order of :data:`~unifyprofile.schema.CANONICAL_FIELDS` and
:data:`~unifyprofile.schema.ID_FIELDS`, which the golden profile's columns follow.  Names,
``phone`` and ``dob`` have no standardiser here: the standardise stage keeps a bespoke
step for them (see :class:`~unifyprofile.fields.FieldType`).

Examples:
    >>> from unifyprofile.fields import field_type
    >>> field_type("address")
    FieldType('address', hub, shared, location=0)
    >>> field_type("first_name").comparison(frozenset({"first_name", "last_name"})).swap_with
    'last_name'
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from unifyprofile._fields import FieldType, register
from unifyprofile.compare import (
    AddressComparison,
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    PhoneComparison,
    PostcodeComparison,
    StringComparison,
)
from unifyprofile.golden import Survivorship
from unifyprofile.standardise import (
    standardise_address,
    standardise_bool,
    standardise_city,
    standardise_company,
    standardise_country,
    standardise_email,
    standardise_gender,
    standardise_id,
    standardise_postcode,
    standardise_state,
)

__all__ = ["identifier"]


def _always(comparison: Comparison) -> Callable[[frozenset[str]], Comparison]:
    """A default comparison that does not depend on the other fields present."""
    return lambda present: comparison


def _exact(name: str) -> Callable[[frozenset[str]], Comparison]:
    return _always(ExactMatch(name))


def identifier(
    name: str,
    standardiser: Callable[[pd.Series], pd.Series | pd.DataFrame] = standardise_id,
    *,
    survivorship: Survivorship | None = None,
    veto_unless: bool = False,
    hub: bool = False,
) -> FieldType:
    """An identifier field type: standardised as an identifier (upper case, without
    separators, junk such as ``N/A`` flagged ``"placeholder"``) unless ``standardiser``
    says otherwise, compared exactly, blocked on alone.

    Examples:
        >>> identifier("vat_number")
        FieldType('vat_number', identifier, blocking=[vat_number])
    """
    return FieldType(name, standardiser, comparison=_exact(name), blocking=((name,),),
                     survivorship=survivorship, identifier=True, veto_unless=veto_unless,
                     hub=hub)


def _first_name(present: frozenset[str]) -> Comparison:
    swap = "last_name" if "last_name" in present else None
    # A first name's frequency is counted among the people of its surname: John among
    # the Smiths, not among everyone (common full names are given jointly).
    return NameComparison("first_name", nicknames=True, swap_with=swap, sexes=True,
                          tf_given=swap)


def _last_name(present: frozenset[str]) -> Comparison:
    # A swapped pair ("Smith John" against "John Smith") is swapped on both names, as an
    # exact pair is exact on both: not a surname that disagrees.
    return NameComparison("last_name", nicknames=False,
                          swap_with="first_name" if "first_name" in present else None)


def _full_name(present: frozenset[str]) -> Comparison | None:
    if present & {"first_name", "last_name"}:
        return None  # the parts are compared
    return StringComparison("full_name", metric="token_sort", thresholds=(0.92, 0.8))


_COLLECT_ALL = Survivorship("collect_all")

for _type in (
    FieldType("first_name", comparison=_first_name, veto=True, weak=True),
    FieldType("middle_name", weak=True),
    FieldType("last_name", comparison=_last_name, weak=True),
    FieldType("full_name", comparison=_full_name, weak=True),
    FieldType("email", standardise_email, _always(EmailComparison()),
              survivorship=_COLLECT_ALL, hub=True),
    FieldType("phone", comparison=_always(PhoneComparison()), survivorship=_COLLECT_ALL,
              hub=True),
    FieldType("dob", comparison=_always(DateComparison()), hub=True, shared=True),
    FieldType("gender", standardise_gender, weak=True),
    FieldType("address", standardise_address, _always(AddressComparison()), location=0,
              hub=True, shared=True),
    FieldType("city", standardise_city, _always(ExactMatch("city", tf_adjust=True)),
              location=2, weak=True),
    FieldType("state", standardise_state, location=3, weak=True),
    FieldType("postcode", standardise_postcode,
              _always(PostcodeComparison(tf_adjust=True)), location=1, weak=True),
    FieldType("country", standardise_country, standard_form=True, location=4, weak=True),
    FieldType("company", standardise_company, _always(
        StringComparison("company", metric="token_set", thresholds=(0.9, 0.7)))),
    FieldType("marketing_opt_in", standardise_bool),
    FieldType("marketing_opt_out", standardise_bool, survivorship=Survivorship("any")),
    identifier("customer_id", veto_unless=True),
    identifier("loyalty_id", veto_unless=True),
    identifier("device_id"),
    identifier("ssn", veto_unless=True),
):
    register(_type)
