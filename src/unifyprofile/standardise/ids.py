"""Identifiers, company names and small coded fields (booleans, gender)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ._common import PLACEHOLDER, StdFlag, ascii_fold, distinct, map_std_flag, map_text, to_text

__all__ = ["standardise_bool", "standardise_company", "standardise_gender", "standardise_id"]

_ID_SEPARATORS = re.compile(r"[\s\-._]+")
_ID_PLACEHOLDERS = frozenset(
    {"NA", "N/A", "NONE", "NULL", "NIL", "UNKNOWN", "TEST", "TBD", "?", "X", "XX", "XXX"}
)


def _parse_id(text: str) -> StdFlag:
    cleaned = _ID_SEPARATORS.sub("", text.upper())
    if not cleaned or cleaned in _ID_PLACEHOLDERS or set(cleaned) == {"0"}:
        return None, PLACEHOLDER
    return cleaned, None


def standardise_id(values: pd.Series) -> pd.DataFrame:
    """Standardise identifiers (customer, loyalty, device ids, national numbers).

    Args:
        values: raw identifiers (strings or numbers; ``1234.0`` reads as ``1234``).

    Returns:
        A frame with the index of ``values``: ``std`` (trimmed, uppercase, without
        spaces, dashes, dots or underscores, or None) and ``flag`` (None, or
        ``"placeholder"`` for junk: empty after cleaning, all zeros, ``N/A``,
        ``NONE``, ``NULL``, ``UNKNOWN``, ``TEST``, ``-``).

    Examples:
        >>> standardise_id(pd.Series([" ab-123.45 ", "000-000", "N/A", 42.0]))
               std         flag
        0  AB12345         None
        1     None  placeholder
        2     None  placeholder
        3       42         None
    """
    return map_std_flag(values, _parse_id)


_COMPANY_DROPPED = re.compile(r"['`.]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Legal forms, as ASCII-folded lowercase words: the short forms, and the long forms an
# export spells out ("Siemens Aktiengesellschaft", "Toyota Kabushiki Kaisha").  (cleanco
# was tried: it leaves these long forms, spaced letters and "co ltd" in place.)
_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    (form,)
    for form in (
        "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "gmbh", "mbh",
        "kg", "kgaa", "ohg", "co", "corp", "corporation", "company", "pty", "pte", "pvt",
        "sa", "sas", "sarl", "srl", "spa", "ag", "se", "bv", "nv", "ab", "oy", "oyj", "asa",
        "aps", "kk", "ltda", "and",
    )
) | frozenset(
    tuple(form.split())
    for form in (
        "aktiengesellschaft",
        "kommanditgesellschaft",
        "gesellschaft mit beschrankter haftung",
        "kabushiki kaisha",
        "kabushikigaisha",
        "godo kaisha",
        "yugen kaisha",
        "naamloze vennootschap",
        "besloten vennootschap",
        "societe anonyme",
        "societe par actions simplifiee",
        "societe a responsabilite limitee",
        "societa per azioni",
        "societa a responsabilita limitata",
        "sociedad anonima",
        "sociedad limitada",
        "aktiebolag",
        "aktieselskab",
        "osakeyhtio",
        "public limited company",
        "limited liability company",
        "sp z o o",
        "sp z oo",
    )
)
_LONGEST_FORM = max(len(form) for form in _LEGAL_FORMS)
_COMPANY_JUNK = frozenset({"n a", "na", "none", "null", "nil", "unknown", "test", "tbd", "x"})


def _legal_form_at_end(words: list[str]) -> int:
    """How many trailing words spell a legal form (``co ltd``, ``n v``), 0 for none."""
    for size in range(min(_LONGEST_FORM, len(words) - 1), 0, -1):
        if tuple(words[-size:]) in _LEGAL_FORMS:
            return size
    # Letters spaced out ("N V", "S P A"): joined, a short form.
    letters = 0
    while letters < len(words) - 1 and len(words[-1 - letters]) == 1:
        letters += 1
    if letters >= 2 and ("".join(words[-letters:]),) in _LEGAL_FORMS:
        return letters
    return 0


def _strip_forms(words: list[str]) -> list[str]:
    """Drop a leading ``the`` and trailing legal forms to a fixed point, keeping a word."""
    while len(words) > 1:
        if words[0] == "the":
            words = words[1:]
        elif size := _legal_form_at_end(words):
            words = words[:-size]
        else:
            break
    return words


def _company_one(text: str) -> str | None:
    folded = _COMPANY_DROPPED.sub("", ascii_fold(text).replace("&", " and "))
    words: list[str] = []
    # A cell may list several organisations ("Hon Hai Co., Ltd.; Foxconn Co., Ltd.").
    for name in folded.split(";"):
        # What follows a legal form after a comma is a place or a note ("Philips N.V.,
        # Eindhoven"): the name ends with its legal form.
        parts = [_NON_ALNUM.sub(" ", part).split() for part in name.split(",")]
        held: list[str] = []
        for k, part in enumerate(parts):
            held += part
            if k < len(parts) - 1 and len(held) > 1 and _legal_form_at_end(held):
                break
        words += _strip_forms(held)
    # Once more over the whole, so that a second pass changes nothing.
    result = " ".join(_strip_forms(words))
    return None if not result or result in _COMPANY_JUNK else result


def standardise_company(values: pd.Series) -> pd.Series:
    """Standardise company names.

    Args:
        values: raw company names.

    Returns:
        An object Series with the index of ``values``: ASCII lowercase words without
        punctuation (``&`` spelled ``and``), a leading ``the`` and trailing legal forms
        (inc, ltd, llc, plc, gmbh, corp, co, pty, sa, ag, bv, ...) removed.

    Examples:
        >>> raw = pd.Series(["ACME Widgets, Inc.", "The Müller Co. GmbH & Co. KG"])
        >>> standardise_company(raw).tolist()
        ['acme widgets', 'muller']
    """
    return map_text(values, _company_one)


_TRUE = frozenset(
    {
        "yes",
        "y",
        "true",
        "t",
        "1",
        "on",
        "subscribed",
        "opted in",
        "opt in",
        "optin",
        "opted",
        "checked",
        "consent",
        "consented",
        "agree",
        "agreed",
        "ja",
        "oui",
        "si",
    }
)
_FALSE = frozenset(
    {
        "no",
        "n",
        "false",
        "f",
        "0",
        "off",
        "unsubscribed",
        "not subscribed",
        "opted out",
        "opt out",
        "optout",
        "unchecked",
        "declined",
        "refused",
        "nein",
        "non",
    }
)
_BOOL_SEPARATORS = re.compile(r"[\s\-_]+")


def _bool_one(raw: Any) -> bool | None:
    if isinstance(raw, (bool, np.bool_)):
        return bool(raw)
    text = to_text(raw)
    if text is None:
        return None
    word = _BOOL_SEPARATORS.sub(" ", text.lower()).strip()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def standardise_bool(values: pd.Series) -> pd.Series:
    """Standardise yes/no fields such as marketing consent.

    Args:
        values: raw flags: booleans, 1/0, or words such as yes/no, y/n, true/false,
            t/f, on/off, subscribed/unsubscribed, opted in/opted out.

    Returns:
        A pandas ``"boolean"`` Series with the index and name of ``values``; <NA>
        where the value is missing or not recognised.

    Examples:
        >>> standardise_bool(pd.Series(["Yes", "opted-out", 1, "maybe", None])).tolist()
        [True, False, True, <NA>, <NA>]
    """
    codes, results = distinct(values, _bool_one)
    known = np.array([r is not None for r in results] + [False])
    truth = np.array([bool(r) for r in results] + [False])
    array = pd.arrays.BooleanArray(truth[codes], ~known[codes])
    return pd.Series(array, index=values.index, name=values.name)


_GENDERS = {
    "m": "m",
    "male": "m",
    "man": "m",
    "boy": "m",
    "mr": "m",
    "h": "m",
    "homme": "m",
    "mann": "m",
    "masculino": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "girl": "f",
    "w": "f",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "femme": "f",
    "frau": "f",
    "femenino": "f",
    "feminino": "f",
}


def _gender_one(text: str) -> str | None:
    return _GENDERS.get(_NON_ALNUM.sub("", ascii_fold(text)))


def standardise_gender(values: pd.Series) -> pd.Series:
    """Standardise gender to ``"m"``, ``"f"`` or None.

    Args:
        values: raw gender codes or words (``M``, ``male``, ``Female``, ``W``...).

    Returns:
        An object Series with the index of ``values``; None for missing, other or
        unrecognised values.

    Examples:
        >>> standardise_gender(pd.Series(["Male", "F", "woman", "x", None])).tolist()
        ['m', 'f', 'f', None, None]
    """
    return map_text(values, _gender_one)
