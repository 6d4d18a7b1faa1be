"""Standardise stage: canonical, comparable forms of identifying fields.

The stage function :func:`standardise` adds ``<field>_std`` (and ``<field>_flag``) columns
to a records table; the per-field functions below do the work and can be used alone.
Every function takes a Series, returns new Series or frames with the same index, runs
its parser once per distinct value, maps null to null and is idempotent.

Flags are None (accepted), ``"invalid"`` (cannot be parsed or is impossible) or
``"placeholder"`` (junk such as ``test@test.com`` or ``000-000-0000``); a flagged value
has a null ``std``, except a phone number its region cannot read, which keeps its digits.
"""

from ._common import ascii_fold, repair_mojibake, text_func, transliterate, whole_numbers
from ._stage import standardise
from .addresses import (
    standardise_address,
    standardise_city,
    standardise_country,
    standardise_postcode,
    standardise_state,
)
from .dates import check_year_pivot, parse_dates, standardise_date, standardise_timestamp
from .emails import standardise_email
from .ids import standardise_bool, standardise_company, standardise_gender, standardise_id
from .names import nickname_key, split_full_name, standardise_name
from .numbers import parse_numbers
from .phones import standardise_phone
from .phonetic import metaphone, nysiis, soundex

__all__ = [
    "ascii_fold",
    "check_year_pivot",
    "metaphone",
    "nickname_key",
    "nysiis",
    "parse_dates",
    "parse_numbers",
    "repair_mojibake",
    "soundex",
    "split_full_name",
    "standardise",
    "standardise_address",
    "standardise_bool",
    "standardise_city",
    "standardise_company",
    "standardise_country",
    "standardise_date",
    "standardise_email",
    "standardise_gender",
    "standardise_id",
    "standardise_name",
    "standardise_phone",
    "standardise_postcode",
    "standardise_state",
    "standardise_timestamp",
    "text_func",
    "transliterate",
    "whole_numbers",
]
