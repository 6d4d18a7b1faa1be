"""Key expressions: how a blocking rule or a deterministic rule reads a field.

A key is ``field`` or ``field:transform``.  ``field`` reads the standardised column
(``<field>_std``, or the raw column when there is none).  Transforms:

=============  ==========================================================
``soundex``    American Soundex of the standardised value
``nick``       the formal name a nickname stands for (``bob`` -> ``robert``)
``prefixN``    the first N characters (``prefix3``)
``suffixN``    the last N characters (``suffix4``: e.g. the end of a phone number)
``year``       the first four characters (the year of a ``YYYY-MM-DD`` date)
``tokens``     the sorted set of words, so word order does not matter
=============  ==========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.standardise import nickname_key, soundex

__all__ = ["Key", "key_codes", "key_values", "parse_key"]

_TRANSFORM = re.compile(r"^(soundex|nick|year|tokens|prefix(\d+)|suffix(\d+))$")


@dataclass(frozen=True)
class Key:
    """A parsed key expression."""

    field: str
    transform: str | None = None

    def __str__(self) -> str:
        return self.field if self.transform is None else f"{self.field}:{self.transform}"


def parse_key(text: str, where: str = "key") -> Key:
    """Parse ``"field"`` or ``"field:transform"``.

    >>> parse_key("last_name:soundex")
    Key(field='last_name', transform='soundex')
    """
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: expected a key such as \"email\" or "
                          f"\"last_name:soundex\", got {text!r}")
    field, _, transform = text.strip().partition(":")
    if transform and not _TRANSFORM.match(transform):
        raise ConfigError(
            f"{where}: unknown transform '{transform}' in {text!r}; use one of soundex, nick, "
            "year, tokens, prefixN, suffixN (e.g. prefix3)"
        )
    return Key(field.strip(), transform or None)


def _column(records: pd.DataFrame, key: Key) -> pd.Series:
    if key.transform == "nick" and "first_name_nick" in records and key.field == "first_name":
        return records["first_name_nick"]
    for name in (schema.std(key.field), key.field):
        if name in records.columns:
            return records[name]
    raise DataError(
        f"key '{key}': the records have no column '{schema.std(key.field)}' or '{key.field}'"
    )


def key_codes(records: pd.DataFrame, key: Key) -> np.ndarray:
    """Integer code per record of the key's value (-1 where it is null).

    Equal values get equal codes, so two records agree on the key exactly when their
    codes are equal and not -1.
    """
    values = _column(records, key)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if key.transform is None or len(uniques) == 0:
        return codes.astype(np.int64)
    derived = _transform(pd.Series(np.asarray(uniques, dtype=object)), key.transform)
    sub_codes, _ = pd.factorize(derived, use_na_sentinel=True)
    out = np.full(len(codes), -1, dtype=np.int64)
    present = codes >= 0
    out[present] = sub_codes[codes[present]]
    return out


def key_values(records: pd.DataFrame, key: Key) -> pd.Series:
    """The key's value per record as a string (``None`` where it is null).

    Two records get equal values exactly when :func:`key_codes` gives them equal codes,
    but unlike codes the values mean the same in every table, so an engine can compute
    them on parts of the records and join on them.

    >>> records = pd.DataFrame({"last_name_std": ["smith", "smyth", None]})
    >>> key_values(records, parse_key("last_name:soundex")).tolist()
    ['S530', 'S530', None]
    """
    values = _column(records, key)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.full(len(codes), None, dtype=object)
    if len(uniques) == 0:
        return pd.Series(out, index=records.index, dtype=object)
    plain = pd.Series(np.asarray(uniques, dtype=object))
    derived = plain.astype(str) if key.transform is None else _transform(plain, key.transform)
    text = np.asarray([None if pd.isna(d) else str(d) for d in derived], dtype=object)
    present = codes >= 0
    out[present] = text[codes[present]]
    return pd.Series(out, index=records.index, dtype=object)


def _transform(uniques: pd.Series, transform: str) -> pd.Series:
    text = uniques.astype(str)
    if transform == "soundex":
        return soundex(text)
    if transform == "nick":
        return nickname_key(text)
    if transform == "year":
        return text.str[:4]
    if transform == "tokens":
        return text.map(lambda s: " ".join(sorted(set(s.split()))))
    n = int(re.sub(r"\D", "", transform))
    return text.str[:n] if transform.startswith("prefix") else text.str[-n:]
